/**
 * The fused optimizer updates: one kernel reads a variable, its gradient and its slots
 * and returns their new values, where the op-by-op Keras update runs about ten
 * elementwise kernels (each a pass over the variable and a new tensor). The results are
 * new tensors: an optimizer `assign`s them to the variable and its slots. With `inPlace`
 * (the optimizers ask for it) the kernel may write them over the variable's and slots'
 * own buffers, where nothing else shares those buffers: the pass then reads and writes the
 * same memory instead of filling new arrays (a cold RMSprop pass over 784x512 on the CPU:
 * 427-431 µs against 522-602). Not differentiable. A backend may lack these kernels (`getKernel(name, backend)` says):
 * `@tessera/optimizers` then runs the same update as separate ops.
 */
import { BackendError, ShapeError, ValueError } from '../errors.js';
import type { ApplyAdamAttrs, ApplyRMSPropAttrs, ApplySGDAttrs, KernelAttrs } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import type { DType } from '../types.js';
import { formatShape, shapesEqual } from '../util/shape.js';
import { assertDType, toTensor } from './convert.js';
import { getEngine } from '../engine/engine.js';
import { op, runKernelOutputs } from './op.js';

const FLOAT32: readonly DType[] = ['float32'];

/** Checks that every tensor is live float32 of the variable's shape; returns them in order. */
function checkState(opName: string, named: ReadonlyArray<readonly [string, Tensor]>): Tensor[] {
  const variable = named[0][1];
  const checked: Tensor[] = [];
  for (let i = 0; i < named.length; i++) {
    const name = named[i][0];
    const t = toTensor(named[i][1], name, opName);
    assertDType(t, FLOAT32, name, opName);
    if (!shapesEqual(t.shape, variable.shape)) {
      throw new ShapeError(
        `${opName}: argument '${name}' expected the variable's shape ${formatShape(variable.shape)} but got ${formatShape(t.shape)}`,
      );
    }
    checked.push(t);
  }
  return checked;
}

type UpdateKernel = 'ApplySGD' | 'ApplyAdam' | 'ApplyRMSProp';

/**
 * Whether an update may write over the buffers of the tensors it replaces (every input but
 * the gradient, at index 1): each is the one handle to its buffer and no tape records.
 */
function writableInPlace(inputs: readonly Tensor[]): boolean {
  const engine = getEngine();
  if (engine.isRecording) return false;
  for (let i = 0; i < inputs.length; i++) if (i !== 1 && !engine.holdsBufferAlone(inputs[i])) return false;
  return true;
}

/**
 * Runs an update kernel on the checked state: one output per input but the gradient, in
 * input order. `inPlace` asked for is passed on only where {@link writableInPlace} allows it.
 */
function runUpdate<K extends UpdateKernel>(kernel: K, opName: string, named: ReadonlyArray<readonly [string, Tensor]>, attrs: KernelAttrs[K]): Tensor[] {
  const inputs = checkState(opName, named);
  const inPlace = attrs.inPlace === true && writableInPlace(inputs);
  const outputs = runKernelOutputs(kernel, inputs, attrs.inPlace === inPlace ? attrs : { ...attrs, inPlace });
  if (outputs.length !== named.length - 1) {
    throw new BackendError(`${opName}: kernel '${kernel}' returned ${outputs.length} outputs but ${named.length - 1} were expected (the variable and each slot)`);
  }
  return outputs;
}

/** Throws unless every number attribute is finite. */
function checkFinite(opName: string, attrs: object): void {
  for (const key in attrs) {
    const value = (attrs as Record<string, unknown>)[key];
    if (typeof value === 'number' && !Number.isFinite(value)) throw new ValueError(`${opName}: expected a finite ${key} but got ${value}`);
  }
}

/** Throws unless a slot is given exactly when the attributes ask for it (`why` names the attribute and its value). */
function checkSlot(opName: string, slot: string, given: boolean, wanted: boolean, why: string, value: unknown): void {
  if (given !== wanted) {
    throw new ValueError(`${opName}: expected ${wanted ? 'a' : 'no'} '${slot}' slot (${why} is ${String(value)}) but got ${given ? 'one' : 'none'}`);
  }
}

/**
 * One Keras SGD step in one pass: `w - lr*g`; with momentum `m' = mu*m - lr*g` and
 * `w + m'` (nesterov: `w + mu*m' - lr*g`), in float32 in that order.
 *
 * @param state - the variable's value, its gradient and, when `attrs.momentum > 0`, the momentum slot.
 * @param attrs - `learningRate`, `momentum` (0 for none), `nesterov`;
 *   `inPlace` (optional) lets the kernel write over the variable and its slots where no other
 *   tensor shares their buffers and no tape records: they then hold the new values at once.
 * @returns the new variable value and the new momentum (when there is a slot).
 * @example
 * ```ts
 * const next = applySGD({ variable: w, gradient: g, momentum: m }, { learningRate: 0.1, momentum: 0.9, nesterov: false });
 * w.assign(next.variable);
 * m.assign(next.momentum!);
 * ```
 */
export function applySGD(
  state: { variable: Tensor; gradient: Tensor; momentum?: Tensor },
  attrs: ApplySGDAttrs,
): { variable: Tensor; momentum?: Tensor } {
  return op('applySGD', () => {
    checkFinite('applySGD', attrs);
    checkSlot('applySGD', 'momentum', state.momentum !== undefined, attrs.momentum !== 0, 'momentum', attrs.momentum);
    const named: Array<readonly [string, Tensor]> = [['variable', state.variable], ['gradient', state.gradient]];
    if (state.momentum) named.push(['momentum', state.momentum]);
    const [variable, momentum] = runUpdate('ApplySGD', 'applySGD', named, attrs);
    return momentum ? { variable, momentum } : { variable };
  });
}

/**
 * One Keras Adam step in one pass, in float32 in this order:
 * `m' = m + (g - m)(1 - beta1)`, `v' = v + (g² - v)(1 - beta2)`, with amsgrad
 * `vHat' = max(vHat, v')` used in place of `v'`, and `w' = w - (m' * alpha) / (sqrt(v') + epsilon)`.
 *
 * @param state - the variable's value, its gradient, the slots `m` and `v`, and `vHat` when `attrs.amsgrad`.
 * @param attrs - `alpha` (the bias-corrected step `lr * sqrt(1 - beta2^t) / (1 - beta1^t)`), `beta1`, `beta2`, `epsilon`, `amsgrad`;
 *   `inPlace` (optional) lets the kernel write over the variable and its slots where no other
 *   tensor shares their buffers and no tape records: they then hold the new values at once.
 * @returns the new variable value and slots.
 * @example
 * ```ts
 * const t = 1;
 * const alpha = (0.001 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
 * const next = applyAdam({ variable: w, gradient: g, m, v }, { alpha, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false });
 * ```
 */
export function applyAdam(
  state: { variable: Tensor; gradient: Tensor; m: Tensor; v: Tensor; vHat?: Tensor },
  attrs: ApplyAdamAttrs,
): { variable: Tensor; m: Tensor; v: Tensor; vHat?: Tensor } {
  return op('applyAdam', () => {
    checkFinite('applyAdam', attrs);
    checkSlot('applyAdam', 'vHat', state.vHat !== undefined, attrs.amsgrad, 'amsgrad', attrs.amsgrad);
    const named: Array<readonly [string, Tensor]> = [['variable', state.variable], ['gradient', state.gradient], ['m', state.m], ['v', state.v]];
    if (state.vHat) named.push(['vHat', state.vHat]);
    const [variable, m, v, vHat] = runUpdate('ApplyAdam', 'applyAdam', named, attrs);
    return vHat ? { variable, m, v, vHat } : { variable, m, v };
  });
}

/**
 * One Keras RMSprop step in one pass, in float32 in this order:
 * `velocity' = velocity*rho + g²(1 - rho)`; centered: `avg' = avg*rho + g(1 - rho)` and
 * `denominator = velocity' - avg'² + epsilon`, else `velocity' + epsilon`;
 * `increment = g*lr / sqrt(denominator)`; with momentum `mom' = mom*momentum + increment`
 * and `w - mom'`, else `w - increment`.
 *
 * @param state - the variable's value, its gradient, the `velocity` slot, `momentum` when
 *   `attrs.momentum > 0` and `averageGradient` when `attrs.centered`.
 * @param attrs - `learningRate`, `rho`, `momentum`, `epsilon`, `centered`;
 *   `inPlace` (optional) lets the kernel write over the variable and its slots where no other
 *   tensor shares their buffers and no tape records: they then hold the new values at once.
 * @returns the new variable value and slots.
 * @example
 * ```ts
 * const next = applyRMSProp({ variable: w, gradient: g, velocity }, { learningRate: 1e-3, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
 * ```
 */
export function applyRMSProp(
  state: { variable: Tensor; gradient: Tensor; velocity: Tensor; momentum?: Tensor; averageGradient?: Tensor },
  attrs: ApplyRMSPropAttrs,
): { variable: Tensor; velocity: Tensor; momentum?: Tensor; averageGradient?: Tensor } {
  return op('applyRMSProp', () => {
    checkFinite('applyRMSProp', attrs);
    checkSlot('applyRMSProp', 'momentum', state.momentum !== undefined, attrs.momentum !== 0, 'momentum', attrs.momentum);
    checkSlot('applyRMSProp', 'averageGradient', state.averageGradient !== undefined, attrs.centered, 'centered', attrs.centered);
    const named: Array<readonly [string, Tensor]> = [['variable', state.variable], ['gradient', state.gradient], ['velocity', state.velocity]];
    if (state.momentum) named.push(['momentum', state.momentum]);
    if (state.averageGradient) named.push(['averageGradient', state.averageGradient]);
    const outputs = runUpdate('ApplyRMSProp', 'applyRMSProp', named, attrs);
    const out: { variable: Tensor; velocity: Tensor; momentum?: Tensor; averageGradient?: Tensor } = { variable: outputs[0], velocity: outputs[1] };
    // The optional slots follow in input order: momentum, then the average gradient.
    let next = 2;
    if (state.momentum) out.momentum = outputs[next++];
    if (state.averageGradient) out.averageGradient = outputs[next++];
    return out;
  });
}
