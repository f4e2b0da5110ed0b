import type { TensorInfo } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { UniformLayout } from '../uniforms.js';
import { bindings, FLOAT_BITS, flatMain, WG, type WgslType } from './common.js';

/** A reduction: its identity and how two partial results combine, per storage type. */
export interface Reduction {
  readonly name: string;
  readonly type: WgslType;
  /** WGSL expression of the identity. */
  readonly identity: string;
  /** WGSL body of `fn combine(a: T, b: T) -> T`. */
  readonly combine: string;
}

/** Threads per workgroup of the tree reductions. */
export const REDUCE_WG = 256;
/** Elements one workgroup folds per pass (16 per thread); longer rows take several passes. */
export const CHUNK = REDUCE_WG * 16;
/** Rows up to this long are folded by one thread each (no workgroup memory, no barriers). */
export const SHORT_ROW = 64;

const layout = new UniformLayout([['inner', 'u32'], ['outer', 'u32'], ['chunk', 'u32'], ['chunks', 'u32'], ['size', 'u32']]);

function combineFn(r: Reduction): string {
  return `${FLOAT_BITS}\nfn combine(a: ${r.type}, b: ${r.type}) -> ${r.type} { ${r.combine} }`;
}

/** One thread per row: folds `inner` contiguous values sequentially. */
function rowProgram(r: Reduction) {
  return {
    key: `reduce-row:${r.name}:${r.type}`,
    uniforms: layout,
    source: () =>
      [
        bindings([r.type], r.type, layout),
        combineFn(r),
        flatMain(`  var acc = ${r.identity};
  let base = gi * u.inner;
  for (var k = 0u; k < u.inner; k = k + 1u) { acc = combine(acc, x0[base + k]); }
  out[gi] = acc;`),
      ].join('\n'),
  };
}

/**
 * One workgroup per (row, chunk): each thread folds a strided part of the chunk, then
 * the workgroup folds the 256 partial results as a tree in workgroup memory.
 */
function treeProgram(r: Reduction) {
  return {
    key: `reduce-tree:${r.name}:${r.type}`,
    uniforms: layout,
    source: () =>
      [
        bindings([r.type], r.type, layout),
        combineFn(r),
        `var<workgroup> part: array<${r.type}, ${REDUCE_WG}>;
@compute @workgroup_size(${REDUCE_WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lix: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= u.outer * u.chunks) { return; }
  let row = g / u.chunks;
  let start = (g % u.chunks) * u.chunk;
  let end = min(start + u.chunk, u.inner);
  var acc = ${r.identity};
  for (var k = start + lix; k < end; k = k + ${REDUCE_WG}u) { acc = combine(acc, x0[row * u.inner + k]); }
  part[lix] = acc;
  workgroupBarrier();
  for (var s = ${REDUCE_WG / 2}u; s > 0u; s = s >> 1u) {
    if (lix < s) { part[lix] = combine(part[lix], part[lix + s]); }
    workgroupBarrier();
  }
  if (lix == 0u) { out[g] = part[0]; }
}`,
      ].join('\n'),
  };
}

/**
 * Folds each row of `input` viewed as `[outer, inner]` into `output[outer]`. Short
 * rows take one thread each; long rows a workgroup tree per chunk of {@link CHUNK},
 * repeated on the partial results until one value per row remains.
 */
export function reduceRows(
  backend: WebGPUBackend,
  r: Reduction,
  input: TensorInfo | GPUBuffer,
  outer: number,
  inner: number,
  output: GPUBuffer,
): void {
  if (outer === 0) return;
  let source = input;
  let length = inner;
  const scratch: GPUBuffer[] = [];
  while (length > SHORT_ROW) {
    const chunks = Math.ceil(length / CHUNK);
    const target = chunks === 1 ? output : backend.scratch(outer * chunks);
    if (chunks > 1) scratch.push(target);
    backend.dispatch(treeProgram(r), [source], target, { inner: length, outer, chunk: CHUNK, chunks, size: outer * chunks }, outer * chunks);
    if (chunks === 1) {
      for (const b of scratch) backend.releaseScratch(b);
      return;
    }
    source = target;
    length = chunks;
  }
  backend.dispatch(rowProgram(r), [source], output, { inner: length, outer, chunk: 0, chunks: 1, size: outer }, Math.ceil(outer / WG));
  for (const b of scratch) backend.releaseScratch(b);
}

/** An arg-reduction: which of two values wins (`better(vb, ib, va, ia)`: should b replace a). */
export interface ArgReduction {
  readonly name: 'ArgMax' | 'ArgMin';
  readonly type: 'f32' | 'i32';
}

function argBetter(r: ArgReduction): string {
  const cmp = r.name === 'ArgMax' ? '>' : '<';
  const nan = r.type === 'f32' ? `let na = isNan(va); let nb = isNan(vb); if (na || nb) { return nb && (!na || ib < ia); }` : '';
  return `${FLOAT_BITS}
fn better(vb: ${r.type}, ib: u32, va: ${r.type}, ia: u32) -> bool {
  ${nan}
  if (vb ${cmp} va) { return true; }
  return vb == va && ib < ia;
}`;
}

/**
 * The index (int32) of the first extreme of each row of `[outer, inner]` (a NaN wins
 * at once, as in NumPy): one thread per short row, a workgroup tree over
 * (value, index) pairs otherwise.
 */
export function argReduceRows(backend: WebGPUBackend, r: ArgReduction, input: TensorInfo | GPUBuffer, outer: number, inner: number, output: GPUBuffer): void {
  if (outer === 0) return;
  const values = { inner, outer, chunk: 0, chunks: 1, size: outer };
  if (inner <= SHORT_ROW) {
    const program = {
      key: `arg-row:${r.name}:${r.type}`,
      uniforms: layout,
      source: () =>
        [
          bindings([r.type], 'i32', layout),
          argBetter(r),
          flatMain(`  let base = gi * u.inner;
  var best = x0[base];
  var bestAt = 0u;
  for (var k = 1u; k < u.inner; k = k + 1u) {
    let v = x0[base + k];
    if (better(v, k, best, bestAt)) { best = v; bestAt = k; }
  }
  out[gi] = i32(bestAt);`),
        ].join('\n'),
    };
    backend.dispatch(program, [input], output, values, Math.ceil(outer / WG));
    return;
  }
  const program = {
    key: `arg-tree:${r.name}:${r.type}`,
    uniforms: layout,
    source: () =>
      [
        bindings([r.type], 'i32', layout),
        argBetter(r),
        `var<workgroup> pv: array<${r.type}, ${REDUCE_WG}>;
var<workgroup> pi: array<u32, ${REDUCE_WG}>;
@compute @workgroup_size(${REDUCE_WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lix: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= u.outer) { return; }
  let base = row * u.inner;
  var best = x0[base + min(lix, u.inner - 1u)];
  var bestAt = min(lix, u.inner - 1u);
  for (var k = lix + ${REDUCE_WG}u; k < u.inner; k = k + ${REDUCE_WG}u) {
    let v = x0[base + k];
    if (better(v, k, best, bestAt)) { best = v; bestAt = k; }
  }
  pv[lix] = best;
  pi[lix] = bestAt;
  workgroupBarrier();
  for (var s = ${REDUCE_WG / 2}u; s > 0u; s = s >> 1u) {
    if (lix < s && better(pv[lix + s], pi[lix + s], pv[lix], pi[lix])) { pv[lix] = pv[lix + s]; pi[lix] = pi[lix + s]; }
    workgroupBarrier();
  }
  if (lix == 0u) { out[row] = i32(pi[0]); }
}`,
      ].join('\n'),
  };
  backend.dispatch(program, [input], output, values, outer);
}
