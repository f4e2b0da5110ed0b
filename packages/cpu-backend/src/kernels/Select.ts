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
      const o = off[0];
      // Equal shapes (a gradient through relu or a mask): one index for all four arrays.
      if (sc === 1 && sa === 1 && sb === 1) for (let k = 0; k < n; k++) out[o + k] = cv[c + k] !== 0 ? av[i + k] : bv[j + k];
      else for (let q = o, e = o + n; q < e; q++, c += sc, i += sa, j += sb) out[q] = cv[c] !== 0 ? av[i] : bv[j];
    });
    return backend.output(out, outShape, a.dtype);
  },
};
