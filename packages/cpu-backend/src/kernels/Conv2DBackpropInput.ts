import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import type { MatrixView } from '../util/gemm.js';
import { ConvGemm, bandRows, col2imAdd, isPointwise } from '../util/im2col.js';
import { assertFloat32, assertShape, outShapeOf, windowGeometry } from '../util/window.js';

/**
 * Conv2DBackpropInput: the gradient of Conv2D for its input (and conv2dTranspose).
 * Per band of output pixels, the patch gradients are `dy [rows, Cout] x filterᵀ [Cout, K]`
 * (one GEMM), then col2im adds each patch value back to the input pixel it was read
 * from. A 1 x 1 filter at stride 1 writes the GEMM straight into the result.
 */
export const conv2DBackpropInputConfig: KernelConfig<'Conv2DBackpropInput', CpuBackend> = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [dy, filter], attrs, backend }) => {
    assertFloat32('Conv2DBackpropInput', dy, filter);
    const [kh, kw, , outC] = filter.shape;
    const g = windowGeometry('Conv2DBackpropInput', attrs.inputShape, [kh, kw], outC, attrs);
    assertShape('Conv2DBackpropInput', 'filter', filter.shape, [kh, kw, g.inC, outC]);
    assertShape('Conv2DBackpropInput', 'dy', dy.shape, outShapeOf(g));
    // col2im adds into dx: a recycled array, zeroed.
    const dx = backend.alloc('float32', util.sizeFromShape(attrs.inputShape)) as Float32Array;
    dx.fill(0);
    const rows = g.batch * g.outH * g.outW;
    const K = kh * kw * g.inC;
    if (rows === 0 || K === 0 || outC === 0) return backend.output(dx, attrs.inputShape, 'float32');

    const dyv = backend.values(dy);
    const weightsT: MatrixView = { data: backend.values(filter), offset: 0, rowStride: 1, colStride: outC };
    const gemm = new ConvGemm();
    const band = bandRows(rows, K, outC);
    const pointwise = isPointwise(g);
    const cols = pointwise ? undefined : new Float32Array(band * K);
    for (let r0 = 0; r0 < rows; r0 += band) {
      const r1 = Math.min(rows, r0 + band);
      const grads: MatrixView = { data: dyv, offset: r0 * outC, rowStride: outC, colStride: 1 };
      if (cols) {
        gemm.run(r1 - r0, K, outC, grads, weightsT, cols, 0);
        col2imAdd(cols, g, r0, r1, dx);
      } else {
        gemm.run(r1 - r0, K, outC, grads, weightsT, dx, r0 * K);
      }
    }
    gemm.release();
    return backend.output(dx, attrs.inputShape, 'float32');
  },
};
