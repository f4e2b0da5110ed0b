import { util, type DType, type Shape, type TensorInfo } from '@tessera/tensor';
import type { Program, WebGPUBackend } from '../backend_webgpu.js';
import { at, type UniformLayout, type UniformValues } from '../uniforms.js';

/** WGSL element type of each dtype in storage: bool is a `u32` holding 0 or 1. */
export type WgslType = 'f32' | 'i32' | 'u32';

/** The WGSL storage type of a dtype. */
export function wgslType(dtype: DType): WgslType {
  return dtype === 'float32' ? 'f32' : dtype === 'int32' ? 'i32' : 'u32';
}

/** Invocations per workgroup of the one-thread-per-element kernels. */
export const WG = 64;

/**
 * The binding declarations every program uses: inputs `x0..x{n-1}` (read-only
 * storage) at bindings `0..n-1`, the output `out` at `n`, the uniforms `u` at `n + 1`.
 */
export function bindings(inputs: readonly WgslType[], output: WgslType, uniforms?: UniformLayout): string {
  const lines = inputs.map((t, i) => `@group(0) @binding(${i}) var<storage, read> x${i}: array<${t}>;`);
  lines.push(`@group(0) @binding(${inputs.length}) var<storage, read_write> out: array<${output}>;`);
  if (uniforms) lines.push(uniforms.struct, `@group(0) @binding(${inputs.length + 1}) var<uniform> u: U;`);
  return lines.join('\n');
}

/**
 * A `main` that runs `body` once per flat index `gi` in `[0, u.size)`, over a 1-D or
 * 2-D grid of `WG`-wide workgroups (2-D when one dimension would pass 65535).
 */
export function flatMain(body: string, wg = WG): string {
  return `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lix: u32) {
  let gi = (wid.y * nwg.x + wid.x) * ${wg}u + lix;
  if (gi >= u.size) { return; }
${body}
}`;
}

/**
 * WGSL that splits a flat index into its coordinates in the uniform shape `u.<shape>`
 * (`rank` axes, innermost first) and emits `body(d)` once per axis `d`, in a block where
 * `c` (u32) is the coordinate along `d`.
 */
export function eachCoordinate(rank: number, body: (d: number) => string, index = 'gi', shape = 'shape'): string {
  const lines = [`  var rem = ${index};`];
  for (let d = rank - 1; d >= 0; d--) {
    const c = d === 0 ? 'rem' : `rem % ${at(shape, d)}`;
    lines.push(`  { let c = ${c};${d > 0 ? ` rem = rem / ${at(shape, d)};` : ''} ${body(d)} }`);
  }
  return lines.join('\n');
}

/**
 * Runs a one-thread-per-output-element program (its `main` from {@link flatMain}): a new
 * output of `shape` and `dtype`, `u.size` set to its element count, `WG`-wide workgroups.
 */
export function runPerElement(
  backend: WebGPUBackend,
  program: Program,
  inputs: ReadonlyArray<TensorInfo | GPUBuffer>,
  shape: Shape,
  dtype: DType,
  values: UniformValues,
): TensorInfo {
  const size = util.sizeFromShape(shape);
  return backend.run(program, inputs, { shape, dtype }, { ...values, size }, Math.ceil(size / WG));
}

/**
 * Bit tests that survive compilers which assume no NaN (`x != x` may fold to false),
 * and NaN and infinity made at run time (WGSL rejects them in constant expressions).
 */
export const FLOAT_BITS = /* wgsl */ `
fn isNan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isFiniteF(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
fn nanF() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
fn infF() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }
`;
