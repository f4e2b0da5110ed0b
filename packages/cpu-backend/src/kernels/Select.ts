import { DTypeError, util, type KernelConfig, type TypedArray } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { bitsOf } from '../util/bits.js';
import { selectWasm, useVectorLoops } from '../util/elementwise_wasm.js';
import { forEachBroadcastRow } from '../util/rows.js';

/**
 * `out[k] = c[k] ? a[k] : b[k]` on bit patterns, where `a` and `b` are either whole
 * (`…Whole` true) or one value used everywhere: a mask of all ones or zeros per element
 * picks the bits, without the branch that mispredicts on every other element of a mask.
 * Elements of 4 bytes run on WebAssembly SIMD unless `setVectorImplementation('js')`.
 */
function selectBits(c: TypedArray, a: Int32Array | Uint8Array, aWhole: boolean, b: Int32Array | Uint8Array, bWhole: boolean, out: Int32Array | Uint8Array): void {
  if (out instanceof Int32Array && useVectorLoops()) return selectWasm(c as Uint8Array, a as Int32Array, aWhole, b as Int32Array, bWhole, out);
  const n = out.length;
  if (aWhole && bWhole) {
    for (let k = 0; k < n; k++) {
      const m = -(+(c[k] !== 0));
      out[k] = (a[k] & m) | (b[k] & ~m);
    }
  } else if (aWhole) {
    const y = b[0];
    for (let k = 0; k < n; k++) {
      const m = -(+(c[k] !== 0));
      out[k] = (a[k] & m) | (y & ~m);
    }
  } else if (bWhole) {
    const x = a[0];
    for (let k = 0; k < n; k++) {
      const m = -(+(c[k] !== 0));
      out[k] = (x & m) | (b[k] & ~m);
    }
  } else {
    const [x, y] = [a[0], b[0]];
    for (let k = 0; k < n; k++) {
      const m = -(+(c[k] !== 0));
      out[k] = (x & m) | (y & ~m);
    }
  }
}

/** Select: `condition ? a : b` elementwise, all three broadcast together; the dtype of `a`. */
export const selectConfig: KernelConfig<'Select', CpuBackend> = {
  kernelName: 'Select',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [condition, a, b], backend }) => {
    backend.assertDType('Select', condition, ['bool'], 'condition');
    if (a.dtype !== b.dtype) throw new DTypeError(`Select (cpu): expected a and b of the same dtype but got ${a.dtype} and ${b.dtype}`);
    const outShape = util.broadcastShapes('Select', condition.shape, a.shape, b.shape);
    const out = backend.alloc(a.dtype, util.sizeFromShape(outShape));
    const cv = backend.values(condition);
    const av = backend.values(a);
    const bv = backend.values(b);
    const size = out.length;
    const whole = (shape: readonly number[]) => util.shapesEqual(shape, outShape);
    const single = (shape: readonly number[]) => util.sizeFromShape(shape) === 1;
    if (whole(condition.shape) && (whole(a.shape) || single(a.shape)) && (whole(b.shape) || single(b.shape))) {
      // A full condition with full or scalar operands (relu's gradient, masks): one pass on bit patterns.
      selectBits(cv, bitsOf(av), whole(a.shape) || size === 1, bitsOf(bv), whole(b.shape) || size === 1, bitsOf(out));
      return backend.output(out, outShape, a.dtype);
    }
    forEachBroadcastRow(outShape, [condition.shape, a.shape, b.shape], (n, off, st) => {
      let c = off[1];
      let i = off[2];
      let j = off[3];
      const sc = st[1];
      const sa = st[2];
      const sb = st[3];
      const o = off[0];
      if (sc === 1 && sa === 1 && sb === 1) for (let k = 0; k < n; k++) out[o + k] = cv[c + k] !== 0 ? av[i + k] : bv[j + k];
      else for (let q = o, e = o + n; q < e; q++, c += sc, i += sa, j += sb) out[q] = cv[c] !== 0 ? av[i] : bv[j];
    });
    return backend.output(out, outShape, a.dtype);
  },
};
