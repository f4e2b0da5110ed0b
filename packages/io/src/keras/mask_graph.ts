// Keras 3 writes a functional model's mask computations as op nodes (NotEqual, Any, ...) and
// passes each layer that takes a mask its mask as the `mask` keyword argument. A model built in
// Tessera carries its masks implicitly; for its file we derive the same op nodes, as Keras's
// compute_mask would record them. Without them Keras rebuilds the masks itself while loading and
// names those ops automatically (`concatenate`), which can clash with the model's layer names.
import { Concatenate, Dot, Embedding, Masking, type Layer, type Model, type Node, type SymbolicMask, type SymbolicTensor } from '@tessera/layers';
import { isKerasOperation, kerasOperation } from './keras_operation.js';

/** The layers and op nodes a functional config lists, and the mask each call is given. */
export interface MaskedGraph {
  /** Layers and op nodes, each after the calls that make its inputs. */
  readonly operations: Layer[];
  /** Every call, op nodes included. */
  readonly nodes: Node[];
  /** The `mask` keyword argument of each call that Keras passes one. */
  readonly masks: Map<Node, SymbolicMask>;
}

/** Keras layers whose `call` takes `mask`: Keras passes them the mask of their one input. */
const TAKES_MASK = new Set(['Softmax', 'GlobalAveragePooling1D', 'BatchNormalization', 'SimpleRNN', 'LSTM', 'GRU', 'RNN', 'Bidirectional', 'TimeDistributed']);
/** Merges whose mask keeps a step any input keeps (Keras 3's base Merge `compute_mask`). */
const OR_MERGES = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']);

const TENSOR = { class_name: '__keras_tensor__' };

/**
 * The graph of a model as Keras 3 writes it: a model loaded with op nodes and explicit masks
 * as it is; a model built in Tessera with the op nodes of its mask computations derived.
 */
export function maskedGraph(model: Model): MaskedGraph {
  const nodes = [...model.graphNodes];
  const given = new Map(nodes.filter((n) => n.mask !== undefined).map((n) => [n, n.mask!] as const));
  const asIs = { operations: model.operations, nodes, masks: given };
  if (given.size > 0 || nodes.some((n) => isKerasOperation(n.layer))) return asIs;
  try {
    return derive(model, nodes);
  } catch {
    return asIs; // a layer whose mask we cannot follow: Keras rebuilds the masks itself
  }
}

function derive(model: Model, graphNodes: Node[]): MaskedGraph {
  const taken = new Set(model.operations.map((l) => l.name));
  const name = (base: string) => {
    let n = base;
    for (let i = 1; taken.has(n); i++) n = `${base}_${i}`;
    taken.add(n);
    return n;
  };
  const operations: Layer[] = [];
  const nodes: Node[] = [];
  const masks = new Map<Node, SymbolicMask>();
  const maskOf = new Map<number, SymbolicTensor | undefined>();
  const op = (cls: string, base: string, config: Record<string, unknown>, args: unknown[], inputs: SymbolicTensor[]): SymbolicTensor => {
    const layer = kerasOperation(cls, { name: name(base), ...config }, args, {});
    const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as SymbolicTensor;
    operations.push(layer);
    nodes.push(out.node);
    return out;
  };
  const seen = new Set<Layer>();
  for (const node of graphNodes) {
    if (!seen.has(node.layer)) {
      seen.add(node.layer);
      operations.push(node.layer);
    }
    nodes.push(node);
    const inMasks = node.inputs.map((t) => maskOf.get(t.id));
    if (TAKES_MASK.has(node.layer.className) && node.inputs.length === 1 && inMasks[0]) masks.set(node, inMasks[0]);
    const out = outputMasks(node, inMasks, op);
    node.outputs.forEach((t, i) => maskOf.set(t.id, out[i]));
  }
  return { operations, nodes, masks };
}

type Op = (cls: string, base: string, config: Record<string, unknown>, args: unknown[], inputs: SymbolicTensor[]) => SymbolicTensor;

/** The masks of a call's outputs, as Keras's `compute_mask` of the layer makes them. */
function outputMasks(node: Node, inMasks: (SymbolicTensor | undefined)[], op: Op): (SymbolicTensor | undefined)[] {
  const layer = node.layer;
  const [x] = node.inputs;
  const none = node.outputs.map(() => undefined);
  if (node.inputs.length === 0) return none;
  if (layer instanceof Embedding) return [layer.maskZero ? op('NotEqual', 'not_equal', {}, [TENSOR, 0], [x]) : undefined];
  if (layer instanceof Masking) {
    const ne = op('NotEqual', 'not_equal', {}, [TENSOR, layer.maskValue], [x]);
    return [op('Any', 'any', { axis: -1, keepdims: false }, [TENSOR], [ne])];
  }
  if (OR_MERGES.has(layer.className)) {
    if (inMasks.some((m) => m === undefined)) return none;
    return [inMasks.slice(1).reduce((a, b) => op('LogicalOr', 'logical_or', {}, [TENSOR, TENSOR], [a!, b!]), inMasks[0])];
  }
  if (layer instanceof Concatenate) {
    if (inMasks.every((m) => m === undefined)) return none;
    const full = node.inputs.map((t, i) => {
      const m = inMasks[i];
      if (m === undefined) return op('OnesLike', 'ones_like', { dtype: 'bool' }, [TENSOR], [t]);
      if (m.shape.length >= t.shape.length) return m;
      // Broadcast to the input's shape through an op on the input, as Keras does.
      const e = op('ExpandDims', 'expand_dims', { axis: -1 }, [TENSOR], [m]);
      const z = op('ZerosLike', 'zeros_like', { dtype: 'bool' }, [TENSOR], [t]);
      return op('LogicalOr', 'logical_or', {}, [TENSOR, TENSOR], [e, z]);
    });
    const joined = op('Concatenate', 'concatenate', { axis: layer.axis }, [full.map(() => TENSOR)], full);
    return [op('Any', 'any', { axis: -1, keepdims: false }, [TENSOR], [joined])];
  }
  if (layer instanceof Dot) return none;
  // The other layers pass the mask of their first input on, or drop it: their computeMask only routes it.
  const out = layer.computeMask(undefined as never, (inMasks.length === 1 ? inMasks[0] : inMasks) as never);
  const list = Array.isArray(out) ? out : [out];
  return node.outputs.map((_, i) => list[i] as unknown as SymbolicTensor | undefined);
}

/**
 * The graph for a legacy `.h5`: Keras 3 cannot read op nodes there (it looks them up as layers,
 * even in its own files), so a model whose op nodes only compute masks is written without them
 * and without mask arguments; Keras then rebuilds those masks itself while loading.
 */
export function implicitMaskGraph(model: Model): MaskedGraph {
  const nodes = [...model.graphNodes];
  const opNodes = new Set(nodes.filter((n) => isKerasOperation(n.layer)));
  const maskOnly = (n: Node) => {
    const outs = new Set(n.outputs.map((t) => t.id));
    const feedsLayer = nodes.some((m) => !opNodes.has(m) && m.inputs.some((t) => outs.has(t.id)));
    return !feedsLayer && !model.outputs.some((t) => outs.has(t.id));
  };
  if (![...opNodes].every(maskOnly)) return { operations: model.operations, nodes, masks: new Map(nodes.filter((n) => n.mask).map((n) => [n, n.mask!])) };
  return { operations: model.layers, nodes: nodes.filter((n) => !opNodes.has(n)), masks: new Map() };
}
