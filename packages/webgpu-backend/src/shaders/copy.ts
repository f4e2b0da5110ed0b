import { BackendError, util, type Shape, type TensorInfo } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { collapseAxes } from '../collapse.js';
import { MAX_RANK, UniformLayout, at } from '../uniforms.js';
import { bindings, eachCoordinate, flatMain, WG } from './common.js';

/*
 * Data movement without arithmetic (Transpose, Slice, Reverse, Concat, Tile, Pad,
 * and the layout changes inside other kernels) copies 32-bit words: every dtype is
 * stored in 4 bytes, so one shader per rank serves them all.
 */

const layout = new UniformLayout([
  ['shape', 'uvec'],
  ['src', 'ivec'],
  ['dst', 'ivec'],
  ['srcOffset', 'i32'],
  ['dstOffset', 'i32'],
  ['size', 'u32'],
]);

/**
 * Copies the elements of a logical `shape` from `src` (read at
 * `srcOffset + sum(coord * srcStrides)`) to `dst` (written at `dstOffset + sum(coord * dstStrides)`).
 * Strides may be negative (Reverse) or zero (broadcast reads). Axes are merged first.
 */
export function runCopy(
  backend: WebGPUBackend,
  src: TensorInfo | GPUBuffer,
  dst: GPUBuffer,
  shape: Shape,
  srcStrides: readonly number[],
  srcOffset: number,
  dstStrides: readonly number[],
  dstOffset: number,
): void {
  const size = util.sizeFromShape(shape);
  if (size === 0) return;
  const merged = collapseAxes(shape, [srcStrides, dstStrides]);
  const rank = merged.shape.length;
  if (rank > MAX_RANK) throw new BackendError(`webgpu: a copy over ${rank} distinct axes; shaders index at most ${MAX_RANK}`);
  const program = {
    key: `copy:${rank}`,
    uniforms: layout,
    source: () =>
      [
        bindings(['u32'], 'u32', layout),
        flatMain(
          [
            '  var src = u.srcOffset;',
            '  var dst = u.dstOffset;',
            eachCoordinate(rank, (d) => `src = src + i32(c) * ${at('src', d)}; dst = dst + i32(c) * ${at('dst', d)};`),
            '  out[u32(dst)] = x0[u32(src)];',
          ].join('\n'),
        ),
      ].join('\n'),
  };
  backend.dispatch(
    program,
    [src],
    dst,
    { shape: merged.shape, src: merged.strides[0], dst: merged.strides[1], srcOffset, dstOffset, size },
    Math.ceil(size / WG),
  );
}

/** `x` with its axes permuted (output axis `i` is input axis `perm[i]`), into a new output or a given buffer. */
export function transposeInto(backend: WebGPUBackend, x: TensorInfo, perm: readonly number[], dst: GPUBuffer): void {
  const strides = util.computeStrides(x.shape);
  const outShape = perm.map((p) => x.shape[p]);
  runCopy(backend, x, dst, outShape, perm.map((p) => strides[p]), 0, util.computeStrides(outShape), 0);
}
