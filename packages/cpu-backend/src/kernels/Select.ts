import { DTypeError, util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { forEachBroadcastRow } from '../util/rows.js';

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
    forEachBroadcastRow(outShape, [condition.shape, a.shape, b.shape], (n, off, st) => {
      let c = off[1];
      let i = off[2];
      let j = off[3];
      const sc = st[1];
      const sa = st[2];
      const sb = st[3];
      for (let o = off[0], e = o + n; o < e; o++, c += sc, i += sa, j += sb) out[o] = cv[c] !== 0 ? av[i] : bv[j];
    });
    return backend.output(out, outShape, a.dtype);
  },
};
