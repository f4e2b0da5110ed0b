import { ValueError } from '@tessera/tensor';
import type { Layer } from './layer.js';
import type { Node, SymbolicTensor } from './symbolic.js';

/** The nodes that lead from `inputs` to `outputs`, each after the nodes it reads from. */
export function topologicalNodes(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): Node[] {
  const order: Node[] = [];
  const state = new Map<Node, 'visiting' | 'done'>();
  const inputIds = new Set(inputs.map((i) => i.id));
  const reachedInputs = new Set<number>();
  const visit = (t: SymbolicTensor): void => {
    if (inputIds.has(t.id)) {
      reachedInputs.add(t.id);
      if (!state.has(t.node)) {
        state.set(t.node, 'done');
        order.push(t.node);
      }
      return;
    }
    const node = t.node;
    const s = state.get(node);
    if (s === 'done') return;
    if (s === 'visiting') throw new ValueError(`the graph has a cycle through layer '${node.layer.name}'`);
    if (node.inputs.length === 0) {
      throw new ValueError(
        `output depends on '${node.layer.name}', an input that is not among the model's inputs; pass it in 'inputs'`,
      );
    }
    state.set(node, 'visiting');
    node.inputs.forEach(visit);
    // An explicit mask is computed before the call that takes it.
    for (const m of maskTensors(node)) visit(m);
    state.set(node, 'done');
    order.push(node);
  };
  outputs.forEach(visit);
  return order;
}

/** The symbolic tensors of a node's explicit mask (Keras's `mask` argument), if any. */
export function maskTensors(node: Node): SymbolicTensor[] {
  const m = node.mask;
  if (m === undefined) return [];
  return (Array.isArray(m) ? m : [m]).filter((t): t is SymbolicTensor => t !== undefined);
}

/** Distinct layers of nodes, in order of first use. */
export function layersOf(nodes: readonly Node[]): Layer[] {
  const seen = new Set<Layer>();
  const out: Layer[] = [];
  for (const n of nodes) {
    if (!seen.has(n.layer)) {
      seen.add(n.layer);
      out.push(n.layer);
    }
  }
  return out;
}
