import { getEngine } from '../engine/engine.js';
import type { GradFunc, Tape, TapeNode } from '../engine/tape.js';
import { DTypeError, GradientError, TesseraError } from '../errors.js';
import { Tensor, Variable } from '../tensor.js';
import { formatShape, shapesEqual } from '../util/shape.js';
import { add } from '../ops/binary.js';
import { fill, zerosLike } from '../ops/creation.js';
import { getGradient, getOutputsGradient } from './registry.js';

/**
 * Walks the tape backwards from `y`, accumulating gradients; returns the gradient
 * of each recorded tensor id that received one.
 */
function backprop(tape: Tape, y: Tensor, dy: Tensor): Map<number, Tensor> {
  const grads = new Map<number, Tensor>([[y.id, dy]]);
  for (let n = tape.nodes.length - 1; n >= 0; n--) {
    const node = tape.nodes[n];
    const { inputs, outputs } = node;
    // Most nodes have one output: look its gradient up once, without building lists.
    let dys: ReadonlyArray<Tensor | null>;
    if (outputs.length === 1) {
      const g = grads.get(outputs[0].id);
      if (g === undefined) continue;
      dys = [g];
    } else {
      dys = outputs.map((o) => grads.get(o.id) ?? null);
      if (dys.every((g) => g === null)) continue;
    }
    const needed = new Array<boolean>(inputs.length);
    for (let i = 0; i < inputs.length; i++) needed[i] = tape.tracked.has(inputs[i].id) && inputs[i].dtype === 'float32';
    const inputGrads = gradientOf(node, dys, needed);
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i];
      const ig = inputGrads[i];
      if (!ig || !needed[i]) continue;
      if (!shapesEqual(ig.shape, input.shape)) {
        throw new GradientError(
          `gradient of '${node.kernelName}' for input ${i} has shape ${formatShape(ig.shape)} but the input has ${formatShape(input.shape)}`,
        );
      }
      const prev = grads.get(input.id);
      grads.set(input.id, prev ? add(prev, ig) : ig);
    }
  }
  return grads;
}

/** Runs the gradient of one node: its own (customGrad), or the one registered for its kernel. */
function gradientOf(node: TapeNode, dys: ReadonlyArray<Tensor | null>, needed: boolean[]): ReadonlyArray<Tensor | null> {
  const outputsGrad = getOutputsGradient(node.kernelName);
  if (node.outputs.length === 1 && !outputsGrad) {
    const gradFunc = node.gradFunc ?? getGradient(node.kernelName);
    if (!gradFunc) throw missingGradient(node);
    return gradFunc(dys[0]!, node.inputs, node.outputs[0], node.attrs, needed);
  }
  if (!outputsGrad) throw missingGradient(node);
  return outputsGrad(dys, node.inputs, node.outputs, node.attrs, needed);
}

function missingGradient(node: TapeNode): GradientError {
  return new GradientError(`no gradient is registered for kernel '${node.kernelName}'; it cannot be differentiated`);
}

/** Result of {@link valueAndGrads}. */
export interface ValueAndGrads {
  value: Tensor;
  grads: Tensor[];
}

function assertDifferentiable(xs: readonly Tensor[], op: string): void {
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TesseraError(`${op}: argument ${i} expected a Tensor but got ${typeof x}`);
    if (x.dtype !== 'float32') throw new DTypeError(`${op}: can only differentiate with respect to float32 tensors but argument ${i} is ${x.dtype}`);
  });
}

/**
 * Runs `f` with a tape, then backpropagates. Everything `f` creates is freed except
 * the returned value; the gradients have the sources' shapes (zeros where `f` does
 * not depend on a source).
 */
function computeGradients(
  f: () => Tensor,
  sources: readonly Tensor[],
  dy: Tensor | undefined,
  op: string,
): { value: Tensor; grads: Tensor[]; reached: boolean[] } {
  const engine = getEngine();
  const tape = engine.startTape(sources);
  let value: Tensor;
  try {
    value = engine.tidy(() => {
      const out = f();
      if (!(out instanceof Tensor)) throw new TesseraError(`${op}: the function must return a Tensor but returned ${typeof out}`);
      // A fresh handle: the function may return a source or a captured tensor, which
      // the caller owns and must not lose when the value is disposed.
      return engine.reshape(out, out.shape);
    });
  } catch (e) {
    engine.endTape(tape);
    engine.releaseTape(tape);
    throw e;
  }
  engine.endTape(tape);
  try {
    if (dy && !shapesEqual(dy.shape, value.shape)) {
      throw new GradientError(`${op}: dy has shape ${formatShape(dy.shape)} but the function's value has ${formatShape(value.shape)}`);
    }
    const result = engine.tidy(() => {
      const seed = dy ?? fill(value.shape, 1, 'float32');
      const all = backprop(tape, value, seed);
      const reached = sources.map((s) => all.has(s.id));
      // Every gradient is its own tensor: two sources (or a caller's dy) may share one
      // backprop result (d(a+b) is dy for both), and disposing one must not free the other.
      const seen = new Set<Tensor>(dy ? [dy] : []);
      const grads = sources.map((s) => {
        const g = all.get(s.id) ?? zerosLike(s);
        if (!seen.has(g)) {
          seen.add(g);
          return g;
        }
        return engine.reshape(g, g.shape);
      });
      return { grads, reached };
    });
    return { value, ...result };
  } catch (e) {
    value.dispose();
    throw e;
  } finally {
    engine.releaseTape(tape);
  }
}

/**
 * The gradient of `f` at `x` (for non-scalar outputs, of `sum(f(x) * dy)`).
 * @example
 * ```ts
 * const df = grad((x) => square(x));
 * df(tensor([1, 2, 3])); // [2, 4, 6]
 * ```
 */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  return (x, dy) => {
    assertDifferentiable([x], 'grad');
    const { value, grads } = computeGradients(() => f(x), [x], dy, 'grad');
    value.dispose();
    return grads[0];
  };
}

/**
 * The gradients of `f` with respect to each of its arguments.
 * @example
 * ```ts
 * const g = grads((a, b) => mul(a, b));
 * const [da, db] = g([tensor([2]), tensor([3])]); // [3], [2]
 * ```
 */
export function grads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => Tensor[] {
  return (xs, dy) => {
    assertDifferentiable(xs, 'grads');
    const { value, grads: gs } = computeGradients(() => f(...xs), xs, dy, 'grads');
    value.dispose();
    return gs;
  };
}

/**
 * The value of `f` at `x` and its gradient.
 * @example
 * ```ts
 * const { value, grad } = valueAndGrad((x) => sum(square(x)))(tensor([1, 2]));
 * ```
 */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    assertDifferentiable([x], 'valueAndGrad');
    const { value, grads: gs } = computeGradients(() => f(x), [x], dy, 'valueAndGrad');
    return { value, grad: gs[0] };
  };
}

/**
 * The value of `f` and its gradients with respect to each argument.
 * @example
 * ```ts
 * const { value, grads } = valueAndGrads((a, b) => sum(mul(a, b)))([a, b]);
 * ```
 */
export function valueAndGrads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => ValueAndGrads {
  return (xs, dy) => {
    assertDifferentiable(xs, 'valueAndGrads');
    const { value, grads: gs } = computeGradients(() => f(...xs), xs, dy, 'valueAndGrads');
    return { value, grads: gs };
  };
}

/**
 * The value of a scalar loss and its gradients with respect to variables: those in
 * `varList`, or else every trainable variable the loss depends on. This is the
 * training step's core.
 * @example
 * ```ts
 * const { value, grads } = variableGrads(() => meanSquaredError(y, predict(x)));
 * for (const [name, g] of Object.entries(grads)) optimizer.apply(name, g);
 * ```
 */
export function variableGrads(
  f: () => Tensor,
  varList?: readonly Variable[],
): { value: Tensor; grads: Record<string, Tensor> } {
  const engine = getEngine();
  const vars = varList ?? [...engine.registeredVariables().values()].filter((v) => v.trainable);
  assertDifferentiable(vars, 'variableGrads');
  const { value, grads: gs, reached } = computeGradients(f, vars, undefined, 'variableGrads');
  if (value.rank !== 0) {
    value.dispose();
    gs.forEach((g) => g.dispose());
    throw new GradientError(`variableGrads: the function must return a scalar loss but returned shape ${formatShape(value.shape)}`);
  }
  const out: Record<string, Tensor> = {};
  vars.forEach((v, i) => {
    if (varList || reached[i]) out[v.name] = gs[i];
    else gs[i].dispose();
  });
  return { value, grads: out };
}

/** What a `customGrad` function returns. */
export interface CustomGradResult {
  value: Tensor;
  /** Gradients of the inputs (one per input), given the gradient of `value` and the tensors passed to `save`. */
  gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[];
}

/**
 * Defines a function with its own gradient (for numerical stability or speed).
 * Tensors that the gradient needs, other than the inputs, must be passed to `save`:
 * they are kept alive until the backward pass and handed to `gradFunc`.
 * @example
 * ```ts
 * const logSigmoid = customGrad(([x], save) => {
 *   const value = neg(softplus(neg(x)));
 *   save([x]);
 *   return { value, gradFunc: (dy, [xs]) => [mul(dy, sigmoid(neg(xs)))] };
 * });
 * logSigmoid(tensor([0, 1]));
 * ```
 */
export function customGrad(
  f: (inputs: Tensor[], save: (tensors: Tensor[]) => void) => CustomGradResult,
): (...xs: Tensor[]) => Tensor {
  return (...xs) => {
    const engine = getEngine();
    let saved: Tensor[] = [];
    // The forward pass is not recorded op by op: the one node below stands for it.
    const { value, gradFunc } = engine.withoutRecording(() => f(xs, (ts) => (saved = [...ts])));
    if (!(value instanceof Tensor)) throw new TesseraError('customGrad: the function must return {value: Tensor, gradFunc}');
    const wrapped: GradFunc = (dy, inputs) => {
      const gs = gradFunc(dy, inputs.slice(xs.length));
      if (gs.length !== xs.length) {
        throw new GradientError(`customGrad: gradFunc returned ${gs.length} gradients for ${xs.length} inputs`);
      }
      return gs;
    };
    engine.record('CustomGrad', [...xs, ...saved], [value], {}, wrapped);
    return value;
  };
}
