import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { directConvFilterGrad, useDirectConv } from '../util/conv_direct.js';
import type { MatrixView } from '../util/gemm.js';
import { ConvGemm, bandRows, im2col, isPointwise, patchesNoteKey } from '../util/im2col.js';
import { assertFloat32, assertShape, outShapeOf, windowGeometry } from '../util/window.js';

/**
 * Conv2DBackpropFilter: the gradient of Conv2D for its filter, `patchesᵀ [K, rows] x dy
 * [rows, Cout]` summed over bands of output pixels (each band one GEMM, the partial
 * products added in double precision). The patches Conv2D noted about this `x` (while
 * training) are read in place of building them again. Inputs of few channels take the
 * direct kernel (see conv_direct.ts), which needs no patches.
 */
export const conv2DBackpropFilterConfig: KernelConfig<'Conv2DBackpropFilter', CpuBackend> = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x, dy], attrs, backend }) => {
    assertFloat32('Conv2DBackpropFilter', x, dy);
    const { filterShape } = attrs;
    const [kh, kw, inC, outC] = filterShape;
    const g = windowGeometry('Conv2DBackpropFilter', x.shape, [kh, kw], outC, attrs);
    assertShape('Conv2DBackpropFilter', 'filterShape', filterShape, [kh, kw, g.inC, outC]);
    assertShape('Conv2DBackpropFilter', 'dy', dy.shape, outShapeOf(g));
    const K = kh * kw * inC;
    const out = new Float32Array(K * outC);
    const rows = g.batch * g.outH * g.outW;
    if (rows === 0 || out.length === 0) return backend.output(out, filterShape, 'float32');

    const xv = backend.values(x);
    const dyv = backend.values(dy);
    if (useDirectConv(g)) {
      directConvFilterGrad(xv as Float32Array, g, dyv as Float32Array, out);
      return backend.output(out, filterShape, 'float32');
    }
    const gemm = new ConvGemm();
    const band = bandRows(rows, K, outC);
    const noted = isPointwise(g) ? undefined : (backend.recall(x, patchesNoteKey(x.shape, g)) as Float32Array | undefined);
    const cols = isPointwise(g) || noted ? undefined : new Float32Array(band * K);
    const several = rows > band;
    const part = several ? new Float32Array(K * outC) : out;
    const total = several ? new Float64Array(K * outC) : undefined;
    for (let r0 = 0; r0 < rows; r0 += band) {
      const r1 = Math.min(rows, r0 + band);
      // The band's patch rows read transposed: K x rows.
      let patchesT: MatrixView = { data: xv, offset: r0 * K, rowStride: 1, colStride: K };
      if (noted) {
        patchesT = { data: noted, offset: r0 * K, rowStride: 1, colStride: K };
      } else if (cols) {
        im2col(xv, g, r0, r1, cols);
        patchesT = { data: cols, offset: 0, rowStride: 1, colStride: K };
      }
      const grads: MatrixView = { data: dyv, offset: r0 * outC, rowStride: outC, colStride: 1 };
      gemm.run(K, outC, r1 - r0, patchesT, grads, part, 0);
      if (total) for (let i = 0; i < part.length; i++) total[i] += part[i];
    }
    if (total) for (let i = 0; i < out.length; i++) out[i] = total[i];
    gemm.release();
    return backend.output(out, filterShape, 'float32');
  },
};
