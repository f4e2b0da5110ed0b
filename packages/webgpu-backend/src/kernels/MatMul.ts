import { BackendError, DTypeError, ShapeError, util, type FusedActivationAttrs, type KernelConfig, type TensorInfo } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { broadcastStrides, collapseAxes, contiguousStrides } from '../collapse.js';
import { eachCoordinate } from '../shaders/common.js';
import { runGemm, type GemmSpec } from '../shaders/gemm.js';
import { MAX_RANK, at } from '../uniforms.js';
import { checkBias, withEpilogue } from './fused_epilogue.js';
import { assertDType } from './unary.js';

/** The GEMM operands of MatMul: strided matrices (a transpose swaps the strides) in broadcast batches. */
function matMulSpec(type: 'f32' | 'i32', batchRank: number): GemmSpec {
  const walk = eachCoordinate(batchRank, (d) => `off = off + c * vec2<u32>(${at('aBatch', d)}, ${at('bBatch', d)});`, 'batch', 'batchShape');
  const offsets = `fn offsets(batch: u32) -> vec2<u32> {\n  var off = vec2<u32>(0u, 0u);\n${walk}\n  return off;\n}`;
  return {
    key: `matmul:${type}:${batchRank}`,
    type,
    fields: [
      ['batchShape', 'uvec'],
      ['aBatch', 'uvec'],
      ['bBatch', 'uvec'],
      ['aRow', 'u32'],
      ['aCol', 'u32'],
      ['bRow', 'u32'],
      ['bCol', 'u32'],
    ],
    loaders: `${offsets}
fn loadA(off: u32, m: u32, k: u32) -> ${type} { return x0[off + m * u.aRow + k * u.aCol]; }
fn loadB(off: u32, k: u32, n: u32) -> ${type} { return x1[off + k * u.bRow + n * u.bCol]; }`,
  };
}

/** A fused kernel's epilogue: its activation and the bias tensor, if any. */
interface Fused {
  readonly attrs: FusedActivationAttrs;
  readonly bias?: TensorInfo;
}

/**
 * `a @ b` over the last two axes (each optionally transposed), leading batch axes
 * broadcast, each output passed through the `fused` epilogue when given; errors name
 * `kernelName`.
 */
function runMatMul(
  kernelName: string,
  backend: WebGPUBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  fused?: Fused,
): TensorInfo {
  if (a.dtype !== b.dtype || a.dtype === 'bool') {
    throw new DTypeError(`${kernelName} (webgpu): expected a and b of the same dtype, float32 or int32, but got ${a.dtype} and ${b.dtype}`);
  }
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) {
    throw new ShapeError(`${kernelName} (webgpu): expected a and b of rank >= 2 but got ${util.formatShape(a.shape)} and ${util.formatShape(b.shape)}`);
  }
  const [aRows, aCols] = [a.shape[ra - 2], a.shape[ra - 1]];
  const [bRows, bCols] = [b.shape[rb - 2], b.shape[rb - 1]];
  const [M, K] = transposeA ? [aCols, aRows] : [aRows, aCols];
  const [K2, N] = transposeB ? [bCols, bRows] : [bRows, bCols];
  if (K !== K2) {
    throw new ShapeError(
      `${kernelName} (webgpu): a ${util.formatShape(a.shape)}${transposeA ? ' (transposed)' : ''} has ${K} columns but ` +
        `b ${util.formatShape(b.shape)}${transposeB ? ' (transposed)' : ''} has ${K2} rows; expected them equal`,
    );
  }
  if (fused) checkBias(kernelName, fused.bias, N, 'output column');
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batchShape = util.broadcastShapes(kernelName, batchA, batchB);
  const out = backend.makeOutput([...batchShape, M, N], a.dtype);
  const target = backend.outputBuffer(out);
  if (!target) return out;
  const batch = util.sizeFromShape(batchShape);
  const merged = collapseAxes(batchShape, [
    contiguousStrides(batchShape),
    broadcastStrides(batchA, batchShape).map((s) => s * M * K),
    broadcastStrides(batchB, batchShape).map((s) => s * K * N),
  ]);
  const batchRank = merged.shape.length;
  if (batchRank > MAX_RANK) throw new BackendError(`${kernelName} (webgpu): ${batchRank} distinct batch axes; shaders index at most ${MAX_RANK}`);
  const type = a.dtype === 'int32' ? 'i32' : 'f32';
  const plain = matMulSpec(type, batchRank);
  const spec = fused ? withEpilogue(plain, fused.attrs, fused.bias !== undefined) : plain;
  const operands = fused?.bias ? [a, b, fused.bias] : [a, b];
  runGemm(backend, spec, operands, target, { batch, M, N, K }, {
    batchShape: merged.shape,
    aBatch: merged.strides[1],
    bBatch: merged.strides[2],
    aRow: transposeA ? 1 : aCols,
    aCol: transposeA ? aCols : 1,
    bRow: transposeB ? 1 : bCols,
    bCol: transposeB ? bCols : 1,
    ...(fused ? { alpha: fused.attrs.alpha } : {}),
  });
  return out;
}

/**
 * MatMul: `a @ b` over the last two axes (each optionally transposed), leading batch
 * axes broadcast as in NumPy; float32 or int32 (int32 products wrap, as the CPU's).
 * Small products take the naive kernel, larger ones the 32 x 32 tiled kernel
 * (see `runGemm`).
 */
export const matMulConfig: KernelConfig<'MatMul', WebGPUBackend> = {
  kernelName: 'MatMul',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [a, b], attrs: { transposeA, transposeB }, backend }) => runMatMul('MatMul', backend, a, b, transposeA, transposeB),
};

/**
 * FusedMatMul: `activation(a @ b + bias)`, float32: MatMul's shaders with the bias and
 * the activation applied in the epilogue, as each sum is stored.
 */
export const fusedMatMulConfig: KernelConfig<'FusedMatMul', WebGPUBackend> = {
  kernelName: 'FusedMatMul',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [a, b, bias], attrs, backend }) => {
    assertDType('FusedMatMul', a, ['float32'], 'a');
    return runMatMul('FusedMatMul', backend, a, b, attrs.transposeA, attrs.transposeB, { attrs, bias });
  },
};
