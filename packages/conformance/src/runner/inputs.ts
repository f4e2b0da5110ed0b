import { dispose, reshape, tensor, type DType, type Tensor } from '@tessera/tensor';
import type { InputSpec } from '../cases/types.js';
import { refTensor, sizeOf, type RefTensor } from '../reference/index.js';
import { seedOf, seededRandom } from './rng.js';

/** Rounds a float64 to what a tensor of `dtype` stores. */
export function storeAs(v: number, dtype: DType): number {
  if (dtype === 'bool') return v ? 1 : 0;
  if (dtype === 'int32') return Math.trunc(v) | 0;
  return Math.fround(v);
}

/** The stored values of an input: its explicit values, or seeded random ones. */
export function drawValues(spec: InputSpec, seed: number): number[] {
  const dtype = spec.dtype ?? 'float32';
  if (spec.values) return spec.values.map((v) => storeAs(Number(v), dtype));
  const next = seededRandom(seed);
  const [lo, hi] = spec.range ?? (dtype === 'int32' ? [-5, 5] : [-3, 3]);
  const draw = (): number => {
    if (dtype === 'bool') return next() < 0.5 ? 0 : 1;
    if (dtype === 'int32') return lo + Math.floor(next() * (hi - lo + 1));
    return Math.fround(lo + next() * (hi - lo));
  };
  return Array.from({ length: sizeOf(spec.shape) }, () => {
    for (let tries = 0; tries < 1000; tries++) {
      const v = draw();
      if (!spec.avoid?.(v)) return v;
    }
    throw new Error(`conformance: no value in [${lo}, ${hi}] passes the case's 'avoid' predicate`);
  });
}

/** The inputs of one case, as tensors on the active backend and as float64 references. */
export interface MadeInputs {
  readonly tensors: Tensor[];
  readonly refs: RefTensor[];
}

/** A tensor written flat and viewed in `shape` through `reshape`: its buffer was stored under another shape. */
function viewOf(r: RefTensor): Tensor {
  const flat = tensor(r.values as number[], [r.values.length], r.dtype);
  try {
    return reshape(flat, r.shape);
  } finally {
    flat.dispose();
  }
}

/**
 * Makes a case's inputs; `key` (kernel and case name) seeds the random ones. With
 * `views`, each input is a reshape of a flat tensor, so a kernel that reads the
 * shape its buffer was written with, instead of the input's, gets it wrong.
 */
export function makeInputs(specs: readonly InputSpec[], key: string, views = false): MadeInputs {
  const refs = specs.map((spec, i) => refTensor(drawValues(spec, seedOf(`${key}#${i}`)), spec.shape, spec.dtype ?? 'float32'));
  const tensors: Tensor[] = [];
  try {
    for (const r of refs) tensors.push(views ? viewOf(r) : tensor(r.values as number[], r.shape, r.dtype));
  } catch (e) {
    dispose(tensors);
    throw e;
  }
  return { tensors, refs };
}
