import { getEngine, util, type Conv2DAttrs, type TensorInfo } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { directConvForward, useDirectConv } from './conv_direct.js';
import type { Epilogue } from './epilogue.js';
import type { MatrixView } from './gemm.js';
import { ConvGemm, MAX_NOTED_PATCHES, bandRows, im2col, isPointwise, patchesNoteKey } from './im2col.js';
import { assertFloat32, assertShape, outShapeOf, windowGeometry } from './window.js';

/**
 * `x [N, H, W, Cin]` with `filter [kh, kw, Cin, Cout]` -> `[N, OH, OW, Cout]`, as
 * im2col + GEMM: each band of output pixels gets its patch rows (`K = kh * kw * Cin`
 * values each), and the band of outputs is `patches [rows, K] x filter [K, Cout]`,
 * written straight into the output through `epilogue` (bias and activation) when given.
 * A 1 x 1 filter at stride 1 multiplies `x` itself. Errors name `kernelName`.
 *
 * Inputs of few channels take the direct kernel instead (see conv_direct.ts).
 *
 * While autodiff records (training), a patch matrix of at most {@link MAX_NOTED_PATCHES}
 * values is built whole and noted about `x`, so that Conv2DBackpropFilter on the same `x`
 * reads it instead of building it again (a network's first convolution: im2col of few
 * channels is most of the work). Otherwise one band buffer is reused.
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
  const size = util.sizeFromShape(outShape);
  const rows = g.batch * g.outH * g.outW;
  const K = kh * kw * g.inC;
  if (size === 0 || K === 0) {
    // No taps: every sum is 0, and the epilogue still adds its bias.
    const zeros = new Float32Array(size);
    if (size > 0) epilogue?.rows(zeros, 0, outC, zeros, 0, rows);
    return backend.output(zeros, outShape, 'float32');
  }
  // Every output row is written by its band's GEMM, so a recycled buffer will do.
  const out = backend.alloc('float32', size) as Float32Array;

  const xv = backend.values(x);
  const act = epilogue ? epilogue.wasmCode : 0;
  if (useDirectConv(g, act) && (!epilogue || epilogue.bias instanceof Float32Array)) {
    directConvForward(xv as Float32Array, g, backend.values(filter) as Float32Array, epilogue?.bias as Float32Array | undefined, act, out);
    return backend.output(out, outShape, 'float32');
  }
  const weights: MatrixView = { data: backend.values(filter), offset: 0, rowStride: outC, colStride: 1 };
  const gemm = new ConvGemm();
  const band = bandRows(rows, K, outC);
  const pointwise = isPointwise(g);
  const whole = !pointwise && getEngine().isRecording && rows * K <= MAX_NOTED_PATCHES;
  if (whole) backend.forget(x);
  const cols = pointwise ? undefined : whole ? (backend.alloc('float32', rows * K) as Float32Array) : new Float32Array(band * K);
  for (let r0 = 0; r0 < rows; r0 += band) {
    const r1 = Math.min(rows, r0 + band);
    let patches: MatrixView = { data: xv, offset: r0 * K, rowStride: K, colStride: 1 };
    if (cols) {
      const at = whole ? r0 * K : 0;
      im2col(xv, g, r0, r1, whole ? cols.subarray(at, r1 * K) : cols);
      patches = { data: cols, offset: at, rowStride: K, colStride: 1 };
    }
    gemm.run(r1 - r0, outC, K, patches, weights, out, r0 * outC, epilogue);
  }
  gemm.release();
  if (whole) backend.note(x, patchesNoteKey(x.shape, g), cols!);
  return backend.output(out, outShape, 'float32');
}
