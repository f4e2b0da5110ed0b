import { util, type Conv2DAttrs, type TensorInfo } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import type { Epilogue } from './epilogue.js';
import type { MatrixView } from './gemm.js';
import { ConvGemm, bandRows, im2col, isPointwise } from './im2col.js';
import { assertFloat32, assertShape, outShapeOf, windowGeometry } from './window.js';

/**
 * `x [N, H, W, Cin]` with `filter [kh, kw, Cin, Cout]` -> `[N, OH, OW, Cout]`, as
 * im2col + GEMM: each band of output pixels gets its patch rows (`K = kh * kw * Cin`
 * values each), and the band of outputs is `patches [rows, K] x filter [K, Cout]`,
 * written straight into the output through `epilogue` (bias and activation) when given.
 * A 1 x 1 filter at stride 1 multiplies `x` itself. Errors name `kernelName`.
 */
export function conv2dForward(
  kernelName: string,
  backend: CpuBackend,
  x: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DAttrs,
  epilogue?: Epilogue,
): TensorInfo {
  assertFloat32(kernelName, x, filter);
  const [kh, kw, , outC] = filter.shape;
  const g = windowGeometry(kernelName, x.shape, [kh, kw], outC, attrs);
  assertShape(kernelName, 'filter', filter.shape, [kh, kw, g.inC, outC]);
  const outShape = outShapeOf(g);
  const out = new Float32Array(util.sizeFromShape(outShape));
  const rows = g.batch * g.outH * g.outW;
  const K = kh * kw * g.inC;
  if (out.length === 0) return backend.output(out, outShape, 'float32');
  if (K === 0) {
    // No taps: every sum is 0, and the epilogue still adds its bias.
    epilogue?.rows(out, 0, outC, out, 0, rows);
    return backend.output(out, outShape, 'float32');
  }

  const xv = backend.values(x);
  const weights: MatrixView = { data: backend.values(filter), offset: 0, rowStride: outC, colStride: 1 };
  const gemm = new ConvGemm();
  const band = bandRows(rows, K, outC);
  const cols = isPointwise(g) ? undefined : new Float32Array(band * K);
  for (let r0 = 0; r0 < rows; r0 += band) {
    const r1 = Math.min(rows, r0 + band);
    let patches: MatrixView = { data: xv, offset: r0 * K, rowStride: K, colStride: 1 };
    if (cols) {
      im2col(xv, g, r0, r1, cols);
      patches = { data: cols, offset: 0, rowStride: K, colStride: 1 };
    }
    gemm.run(r1 - r0, outC, K, patches, weights, out, r0 * outC, epilogue);
  }
  gemm.release();
  return backend.output(out, outShape, 'float32');
}
