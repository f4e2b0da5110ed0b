import { afterEach } from 'vitest';
import { getEngine, util, type DType, type KernelAttrs, type KernelName, type PoolAttrs, type Shape, type Tensor } from '@tessera/tensor';
import '../src/index.js';

export const engine = getEngine();

// Every tensor made through these helpers is disposed after each test.
const made: Tensor[] = [];
afterEach(() => {
  for (const x of made.splice(0)) x.dispose();
});

/** A tensor from plain numbers (booleans as 0/1). */
export function t(values: ArrayLike<number>, shape: Shape, dtype: DType = 'float32'): Tensor {
  const x = engine.makeTensor(util.toTypedArray(values, dtype), shape, dtype);
  made.push(x);
  return x;
}

/** Runs a kernel and returns the output tensor. */
export function run<K extends KernelName>(name: K, inputs: Tensor[], attrs: KernelAttrs[K]): Tensor {
  const y = engine.runKernel(name, inputs, attrs);
  made.push(y);
  return y;
}

/** The values of a tensor as a plain number array. */
export function vals(x: Tensor): number[] {
  return Array.from(x.dataSync());
}

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` random float32 values in [-1, 1). */
export function randomFloats(n: number, seed: number): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length: n }, () => next() * 2 - 1);
}

/** The multi-index of flat position `i` in `shape`. */
export function unravel(i: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** The flat position of multi-index `idx` in `shape`. */
export function ravel(idx: readonly number[], shape: Shape): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d] + idx[d];
  return i;
}

/** Expects every value within `tol` of the reference (NaN only where the reference is NaN). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} !== ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= tol * Math.max(1, Math.abs(e));
    if (!ok) {
      throw new Error(`at ${i}: got ${a}, expected ${e} (tolerance ${tol})`);
    }
  }
}

/**
 * MaxPoolGrad by its definition, apart from the kernels' loops: each window's dy added (in
 * float32, in output order) at the first maximum of its window clipped to the image,
 * scanning rows then columns, where a value wins when greater than the best so far or the
 * best is NaN (NaN is skipped unless the whole window is NaN, and then the last one wins).
 */
export function maxPoolGradReference(x: Tensor, dy: Tensor, attrs: PoolAttrs): Float32Array {
  const [batch, inH, inW, C] = x.shape;
  const [, outH, outW] = dy.shape;
  const [kh, kw] = attrs.poolSize;
  const [sh, sw] = attrs.strides;
  const [top, , left] = attrs.pad;
  const xv = x.dataSync();
  const dv = dy.dataSync();
  const dx = new Float32Array(xv.length);
  for (let n = 0, o = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let c = 0; c < C; c++, o++) {
          let best = -1;
          for (let iy = Math.max(oy * sh - top, 0); iy < Math.min(oy * sh - top + kh, inH); iy++) {
            for (let ix = Math.max(ox * sw - left, 0); ix < Math.min(ox * sw - left + kw, inW); ix++) {
              const i = ((n * inH + iy) * inW + ix) * C + c;
              if (best < 0 || xv[i] > xv[best] || Number.isNaN(xv[best])) best = i;
            }
          }
          if (best >= 0) dx[best] += dv[o];
        }
      }
    }
  }
  return dx;
}
