import type { TensorInfo } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { UniformLayout, type UniformField, type UniformValues } from '../uniforms.js';
import { bindings, WG } from './common.js';

/**
 * A matrix product `C[batch][m][n] = sum_k A(m, k) * B(k, n)` whose operands are
 * read through WGSL functions, so one generator serves MatMul (strided, transposed,
 * broadcast batches) and the convolutions (implicit GEMM: the patch matrix is never
 * built, `loadA` computes each element from the image).
 *
 * The spec supplies, in WGSL, with `T` its element type:
 * - `fn offsets(batch: u32) -> vec2<u32>`: where operand A and B of a batch start;
 * - `fn loadA(off: u32, m: u32, k: u32) -> T` and `fn loadB(off: u32, k: u32, n: u32) -> T`,
 *   called only for `m < u.M`, `k < u.K`, `n < u.N`;
 * - optionally an epilogue applied to each output as it is stored (fused bias and activation).
 *
 * With the backend's `precision: 'f16'`, float32 products run in mixed precision (see
 * {@link Arithmetic}); the loaders and the epilogue stay f32 either way.
 */
export interface GemmSpec {
  /** Names the variant (with everything that changes the WGSL). */
  readonly key: string;
  readonly type: 'f32' | 'i32';
  /** The WGSL of `offsets`, `loadA`, `loadB` (and helpers). */
  readonly loaders: string;
  /** Uniform fields the loaders read besides `M`, `N`, `K`, `batch`. */
  readonly fields: readonly UniformField[];
  /**
   * WGSL of `fn epilogue(v: T, n: u32) -> T`, applied to each sum (of output column `n`)
   * as it is stored: a fused kernel's bias and activation. Absent: sums are stored as they are.
   */
  readonly epilogue?: string;
  /** Whether a third operand `x2` is bound (the epilogue's bias). */
  readonly bias?: boolean;
}

/** The sizes of a product: `batch` independent `[M, K] x [K, N]`. */
export interface GemmSizes {
  readonly batch: number;
  readonly M: number;
  readonly N: number;
  readonly K: number;
}

/** Output tile of the tiled kernel (TILE x TILE), swept over K in steps of TILE. */
const TILE = 32;
/** The tiled kernel's workgroup is 8 x 8 threads, each computing 4 x 4 outputs. */
const THREADS = 8;
const PER_THREAD = TILE / THREADS;

const layouts = new Map<string, UniformLayout>();
function layoutOf(spec: GemmSpec): UniformLayout {
  let layout = layouts.get(spec.key);
  if (!layout) {
    layout = new UniformLayout([['M', 'u32'], ['N', 'u32'], ['K', 'u32'], ['batch', 'u32'], ['size', 'u32'], ...spec.fields]);
    layouts.set(spec.key, layout);
  }
  return layout;
}

/**
 * How a GEMM computes: `'f32'` and `'i32'` in the operands' type; `'f16'` (float32
 * operands, the backend's `precision: 'f16'`) rounds each operand to f16 as it is loaded
 * (into the tiled kernel's workgroup tiles, which then hold f16), takes each product in
 * f16 and sums the products in f32, so only the products lose precision (f16's 11-bit
 * significand: about 3 decimal digits) and the sum of K of them does not drift further.
 * The naive kernel does the same (with its compensated f32 sum), so a product's numerics
 * do not change with the kernel `'auto'` picks for its size.
 */
export type Arithmetic = 'f32' | 'f16' | 'i32';

/** The arithmetic of `spec` on `backend`: int32 never changes; float32 follows the precision. */
function arithmeticOf(backend: WebGPUBackend, spec: GemmSpec): Arithmetic {
  return spec.type === 'i32' ? 'i32' : backend.config.precision;
}

/** WGSL of one product `a * b` (f32 or i32 operands), taken in the arithmetic's precision, as a sum term. */
const product = (arithmetic: Arithmetic, a: string, b: string) =>
  arithmetic === 'f16' ? `f32(f16(${a}) * f16(${b}))` : `${a} * ${b}`;

/** The directive a shader in `arithmetic` starts with. */
const enableF16 = (arithmetic: Arithmetic) => (arithmetic === 'f16' ? 'enable f16;\n' : '');

/** A plain sum (int32 wraps, as the CPU's). */
const PLAIN = `  var acc = i32(0);
  for (var k = 0u; k < u.K; k = k + 1u) { acc = acc + loadA(off.x, m, k) * loadB(off.y, k, n); }`;

/**
 * Kahan's compensated sum: small products are latency-bound, so the extra adds are free,
 * and the result stays within a few float32 ulps of the exact dot product even when the
 * terms cancel (a plain float32 sum of K terms errs by up to K ulps of the largest partial sum).
 */
const compensated = (arithmetic: Arithmetic) => `  var acc = 0.0;
  var lost = 0.0;
  for (var k = 0u; k < u.K; k = k + 1u) {
    let y = ${product(arithmetic, 'loadA(off.x, m, k)', 'loadB(off.y, k, n)')} - lost;
    let t = acc + y;
    lost = (t - acc) - y;
    acc = t;
  }`;

/** The operand bindings of a spec: A, B, and the epilogue's bias if it has one. */
const operandTypes = (spec: GemmSpec) => (spec.bias ? [spec.type, spec.type, spec.type] : [spec.type, spec.type]);

/** WGSL storing `value` (of output column `n`) at `out[index]`, through the epilogue if the spec has one. */
const store = (spec: GemmSpec, index: string, value: string, n: string) =>
  spec.epilogue ? `out[${index}] = epilogue(${value}, ${n});` : `out[${index}] = ${value};`;

/** One thread per output element, looping over K. */
function naiveSource(spec: GemmSpec, layout: UniformLayout, arithmetic: Arithmetic): string {
  return `${enableF16(arithmetic)}${bindings(operandTypes(spec), spec.type, layout)}
${spec.loaders}
${spec.epilogue ?? ''}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lix: u32) {
  let gi = (wid.y * nwg.x + wid.x) * ${WG}u + lix;
  if (gi >= u.size) { return; }
  let n = gi % u.N;
  let t = gi / u.N;
  let m = t % u.M;
  let b = t / u.M;
  let off = offsets(b);
${arithmetic === 'i32' ? PLAIN : compensated(arithmetic)}
  ${store(spec, 'gi', 'acc', 'n')}
}`;
}

/**
 * 32 x 32 output tiles per workgroup of 8 x 8 threads, each accumulating a 4 x 4 block
 * (rows `ty + 8i`, columns `tx + 8j`, so neighbouring threads touch neighbouring
 * columns); A and B tiles of 32 x 32 pass through workgroup memory (8 KiB).
 * Tiles and batches beyond the grid's per-dimension limit loop (the loops are uniform,
 * so the barriers inside stay valid). In f16 arithmetic the tiles (and the registers
 * read from them) hold f16 and the accumulators f32.
 */
function tiledSource(spec: GemmSpec, layout: UniformLayout, arithmetic: Arithmetic): string {
  const T = spec.type;
  const half = arithmetic === 'f16';
  /** The element type of the tiles. */
  const E = half ? 'f16' : T;
  const loads = TILE * TILE / (THREADS * THREADS);
  const sum = half ? 'f32(a[i] * bv[j])' : 'a[i] * bv[j]';
  return `${enableF16(arithmetic)}${bindings(operandTypes(spec), T, layout)}
${spec.loaders}
${spec.epilogue ?? ''}
var<workgroup> tileA: array<${E}, ${TILE * TILE}>;
var<workgroup> tileB: array<${E}, ${TILE * TILE}>;
@compute @workgroup_size(${THREADS}, ${THREADS})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) lix: u32) {
  let tilesM = (u.M + ${TILE - 1}u) / ${TILE}u;
  let tilesN = (u.N + ${TILE - 1}u) / ${TILE}u;
  for (var b = wid.z; b < u.batch; b = b + nwg.z) {
  for (var tm = wid.y; tm < tilesM; tm = tm + nwg.y) {
  for (var tn = wid.x; tn < tilesN; tn = tn + nwg.x) {
    let m0 = tm * ${TILE}u;
    let n0 = tn * ${TILE}u;
    let off = offsets(b);
    var acc: array<${T}, ${PER_THREAD * PER_THREAD}>;
    for (var i = 0u; i < ${PER_THREAD * PER_THREAD}u; i = i + 1u) { acc[i] = ${T}(0); }
    for (var k0 = 0u; k0 < u.K; k0 = k0 + ${TILE}u) {
      for (var l = 0u; l < ${loads}u; l = l + 1u) {
        let e = l * ${THREADS * THREADS}u + lix;
        let r = e / ${TILE}u;
        let c = e % ${TILE}u;
        var va = ${T}(0);
        if (m0 + r < u.M && k0 + c < u.K) { va = loadA(off.x, m0 + r, k0 + c); }
        tileA[e] = ${half ? 'f16(va)' : 'va'};
        var vb = ${T}(0);
        if (k0 + r < u.K && n0 + c < u.N) { vb = loadB(off.y, k0 + r, n0 + c); }
        tileB[e] = ${half ? 'f16(vb)' : 'vb'};
      }
      workgroupBarrier();
      for (var k = 0u; k < ${TILE}u; k = k + 1u) {
        var a: array<${E}, ${PER_THREAD}>;
        var bv: array<${E}, ${PER_THREAD}>;
        for (var i = 0u; i < ${PER_THREAD}u; i = i + 1u) {
          a[i] = tileA[(lid.y + ${THREADS}u * i) * ${TILE}u + k];
          bv[i] = tileB[k * ${TILE}u + lid.x + ${THREADS}u * i];
        }
        for (var i = 0u; i < ${PER_THREAD}u; i = i + 1u) {
          for (var j = 0u; j < ${PER_THREAD}u; j = j + 1u) {
            acc[i * ${PER_THREAD}u + j] = acc[i * ${PER_THREAD}u + j] + ${sum};
          }
        }
      }
      workgroupBarrier();
    }
    for (var i = 0u; i < ${PER_THREAD}u; i = i + 1u) {
      let m = m0 + lid.y + ${THREADS}u * i;
      for (var j = 0u; j < ${PER_THREAD}u; j = j + 1u) {
        let n = n0 + lid.x + ${THREADS}u * j;
        if (m < u.M && n < u.N) { ${store(spec, '(b * u.M + m) * u.N + n', `acc[i * ${PER_THREAD}u + j]`, 'n')} }
      }
    }
  }
  }
  }
}`;
}

/**
 * Records a product into `output` (`[batch, M, N]`, row-major). `operands` are A and B,
 * and the bias when the spec's epilogue reads one. `kernel` picks the naive or the tiled
 * shader; `'auto'` takes the naive one for small products, where a 32 x 32 tile would be
 * mostly empty. The pipelines are keyed by kernel, arithmetic (the backend's precision
 * for float32) and spec.
 */
export function runGemm(
  backend: WebGPUBackend,
  spec: GemmSpec,
  operands: ReadonlyArray<TensorInfo | GPUBuffer>,
  output: GPUBuffer,
  sizes: GemmSizes,
  values: UniformValues,
  kernel: 'auto' | 'naive' | 'tiled' = backend.config.matmul,
): void {
  const { batch, M, N, K } = sizes;
  const size = batch * M * N;
  if (size === 0) return;
  const layout = layoutOf(spec);
  const arithmetic = arithmeticOf(backend, spec);
  const tiled = kernel === 'tiled' || (kernel === 'auto' && M >= 16 && N >= 16 && M * N * K >= 64 * 64 * 64);
  const uniforms = { ...values, M, N, K, batch, size };
  if (tiled) {
    // Grids past the per-dimension limit loop inside the shader (tiles and batches alike).
    const max = backend.config.maxWorkgroupsPerDimension;
    const program = { key: `gemm-tiled:${arithmetic}:${spec.key}`, uniforms: layout, source: () => tiledSource(spec, layout, arithmetic) };
    const grid = [Math.min(Math.ceil(N / TILE), max), Math.min(Math.ceil(M / TILE), max), Math.min(batch, max)] as const;
    backend.dispatch(program, operands, output, uniforms, grid);
  } else {
    const program = { key: `gemm-naive:${arithmetic}:${spec.key}`, uniforms: layout, source: () => naiveSource(spec, layout, arithmetic) };
    backend.dispatch(program, operands, output, uniforms, Math.ceil(size / WG));
  }
}
