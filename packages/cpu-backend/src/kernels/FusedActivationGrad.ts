import { ShapeError, util, type FusedActivation, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { getVectorImplementation, runVector } from '../util/vector_wasm.js';

const f = Math.fround;
const bits = (v: Float32Array) => new Int32Array(v.buffer, v.byteOffset, v.length);

/**
 * The largest bits of y whose dy passes: bits(+Infinity) for relu, bits(6) - 1 for relu6
 * (6 itself passes nothing).
 */
export const LIMITS: { readonly [A in FusedActivation]?: number } = { relu: 0x7f800000, relu6: 0x40c00000 - 1 };

/**
 * `y > 0 ? dy : +0` (and `y < limit`) without a branch: a data-dependent branch on the sign
 * of y mispredicts half the time and ran 3.5x slower. On the bits, `0 < y <= limit` is
 * `0 < bits(y) <= bits(limit)` (NaN and negatives fall outside), made a mask of all ones.
 * `limitBits` is the activation's {@link LIMITS}. `relu_grad` in src/wasm/vector.wat is the
 * same on WebAssembly SIMD (2-4x faster for a conv layer's relu: copying through the
 * module's memory is most of its time); this loop runs where the vector implementation is
 * `'js'`.
 */
function passPositive(dy: Float32Array, y: Float32Array, out: Float32Array, limitBits: number): void {
  const d = bits(dy);
  const yb = bits(y);
  const o = bits(out);
  const over = limitBits + 1;
  for (let i = 0; i < o.length; i++) {
    const b = yb[i];
    o[i] = d[i] & (-b >> 31) & ((b - over) >> 31);
  }
}

/**
 * One pass per activation, written out so each loop stays monomorphic. Each rounds to
 * float32 after every step, as the op-by-op composite it replaces does, so both paths
 * give the same bits (`where(y > 0, dy, 0)` for relu; `dy * (y * (1 - y))` for sigmoid...).
 */
const LOOPS: { readonly [A in Exclude<FusedActivation, 'linear'>]: (dy: Float32Array, y: Float32Array, out: Float32Array, alpha: number) => void } = {
  relu: (dy, y, out) => passPositive(dy, y, out, LIMITS.relu!),
  relu6: (dy, y, out) => passPositive(dy, y, out, LIMITS.relu6!),
  sigmoid: (dy, y, out) => {
    for (let i = 0; i < out.length; i++) out[i] = dy[i] * f(y[i] * f(1 - y[i]));
  },
  tanh: (dy, y, out) => {
    for (let i = 0; i < out.length; i++) out[i] = dy[i] * f(1 - f(y[i] * y[i]));
  },
  elu: (dy, y, out) => {
    for (let i = 0; i < out.length; i++) out[i] = y[i] > 0 ? dy[i] : dy[i] * f(y[i] + 1);
  },
  leakyRelu: (dy, y, out, alpha) => {
    const a = f(alpha);
    for (let i = 0; i < out.length; i++) out[i] = y[i] > 0 ? dy[i] : dy[i] * a;
  },
};

/**
 * FusedActivationGrad: the gradient of a fused op's pre-activation from `dy` and the op's
 * output `y`, in one pass over both (the composite is two or three kernels and a tensor of
 * zeros: a conv layer's relu gradient ran 3.5x slower that way).
 */
export const fusedActivationGradConfig: KernelConfig<'FusedActivationGrad', CpuBackend> = {
  kernelName: 'FusedActivationGrad',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [dy, y], attrs: { activation, alpha }, backend }) => {
    backend.assertDType('FusedActivationGrad', dy, ['float32'], 'dy');
    backend.assertDType('FusedActivationGrad', y, ['float32'], 'y');
    if (!util.shapesEqual(dy.shape, y.shape)) {
      throw new ShapeError(`FusedActivationGrad (cpu): expected dy and y of the same shape but got ${util.formatShape(dy.shape)} and ${util.formatShape(y.shape)}`);
    }
    const dyv = backend.values(dy) as Float32Array;
    if (activation === 'linear') return backend.output(dyv.slice(), dy.shape, 'float32');
    const out = backend.alloc('float32', dyv.length) as Float32Array;
    const yv = backend.values(y) as Float32Array;
    const limit = LIMITS[activation];
    if (limit !== undefined && getVectorImplementation() === 'wasm') {
      runVector([dyv, yv], [out], (ex, n, I, O) => ex.relu_grad(I[0], I[1], O[0], n, limit));
    } else LOOPS[activation](dyv, yv, out, alpha);
    return backend.output(out, dy.shape, 'float32');
  },
};
