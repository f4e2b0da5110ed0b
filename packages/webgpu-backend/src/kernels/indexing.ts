import { AxisError, BackendError, DTypeError, ShapeError, util, type DType, type KernelConfig } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { bindings, eachCoordinate, flatMain, runPerElement, wgslType } from '../shaders/common.js';
import { MAX_RANK, UniformLayout, at } from '../uniforms.js';
import { assertDType } from './unary.js';

/** The 32-bit pattern a value of `dtype` is stored as. */
export function bitsOf(value: number, dtype: DType): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (dtype === 'int32') return value | 0;
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  return view.getUint32(0, true);
}

function checkRank(kernel: string, rank: number): void {
  if (rank > MAX_RANK) throw new BackendError(`${kernel} (webgpu): rank ${rank} is above the ${MAX_RANK} axes shaders index`);
}

const tileLayout = new UniformLayout([['shape', 'uvec'], ['inShape', 'uvec'], ['inStrides', 'uvec'], ['size', 'u32']]);

/** Tile: output coordinate `c` reads input coordinate `c mod inShape`. */
export const tileConfig: KernelConfig<'Tile', WebGPUBackend> = {
  kernelName: 'Tile',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x], attrs: { reps }, backend }) => {
    const rank = x.shape.length;
    checkRank('Tile', rank);
    const outShape = x.shape.map((d, i) => d * reps[i]);
    const program = {
      key: `tile:${rank}`,
      uniforms: tileLayout,
      source: () => {
        const body = eachCoordinate(rank, (d) => `src = src + (c % ${at('inShape', d)}) * ${at('inStrides', d)};`);
        return [bindings(['u32'], 'u32', tileLayout), flatMain(`  var src = 0u;\n${body}\n  out[gi] = x0[src];`)].join('\n');
      },
    };
    return runPerElement(backend, program, [x], outShape, x.dtype, {
      shape: outShape,
      inShape: x.shape,
      inStrides: util.computeStrides(x.shape),
    });
  },
};

const padLayout = new UniformLayout([
  ['shape', 'uvec'],
  ['inShape', 'uvec'],
  ['before', 'uvec'],
  ['inStrides', 'uvec'],
  ['fill', 'u32'],
  ['size', 'u32'],
]);

/** Pad: each output element reads the input where it lies inside, else the constant (as stored bits). */
export const padConfig: KernelConfig<'Pad', WebGPUBackend> = {
  kernelName: 'Pad',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x], attrs: { paddings, constantValue }, backend }) => {
    const rank = x.shape.length;
    checkRank('Pad', rank);
    const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const program = {
      key: `pad:${rank}`,
      uniforms: padLayout,
      source: () => {
        const body = eachCoordinate(
          rank,
          (d) =>
            `let i = i32(c) - i32(${at('before', d)}); inside = inside && i >= 0 && i < i32(${at('inShape', d)}); ` +
            `src = src + u32(max(i, 0)) * ${at('inStrides', d)};`,
        );
        const main = `  var src = 0u;\n  var inside = true;\n${body}\n  if (inside) { out[gi] = x0[src]; } else { out[gi] = u.fill; }`;
        return [bindings(['u32'], 'u32', padLayout), flatMain(main)].join('\n');
      },
    };
    return runPerElement(backend, program, [x], outShape, x.dtype, {
      shape: outShape,
      inShape: x.shape,
      before: paddings.map((p) => p[0]),
      inStrides: util.computeStrides(x.shape),
      fill: bitsOf(constantValue, x.dtype),
    });
  },
};

const gatherLayout = new UniformLayout([['inner', 'u32'], ['count', 'u32'], ['axisSize', 'u32'], ['size', 'u32']]);
const gatherProgram = {
  key: 'gather',
  uniforms: gatherLayout,
  source: () =>
    [
      bindings(['u32', 'i32'], 'u32', gatherLayout),
      flatMain(`  let j = gi % u.inner;
  let t = gi / u.inner;
  let i = t % u.count;
  let b = t / u.count;
  let idx = x1[i];
  if (idx < 0 || u32(idx) >= u.axisSize) { out[gi] = 0u; return; }
  out[gi] = x0[(b * u.axisSize + u32(idx)) * u.inner + j];`),
    ].join('\n'),
};

/**
 * Gather: slices of `x` along `attrs.axis` at int32 `indices`. Indices are not read
 * back to the CPU, so an index outside the axis gives zeros instead of an error.
 */
export const gatherConfig: KernelConfig<'Gather', WebGPUBackend> = {
  kernelName: 'Gather',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x, indices], attrs, backend }) => {
    assertDType('Gather', indices, ['int32'], 'indices');
    if (x.shape.length === 0) throw new AxisError('Gather (webgpu): expected x of rank >= 1 but got a scalar');
    const axis = util.normalizeAxis(attrs.axis, x.shape.length, 'Gather');
    const inner = util.sizeFromShape(x.shape.slice(axis + 1));
    const count = util.sizeFromShape(indices.shape);
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    return runPerElement(backend, gatherProgram, [x, indices], outShape, x.dtype, { inner, count, axisSize: x.shape[axis] });
  },
};

const segmentLayout = new UniformLayout([['rowSize', 'u32'], ['rows', 'u32'], ['size', 'u32']]);

/**
 * UnsortedSegmentSum: each output element `(s, j)` loops over the rows and adds those
 * with id `s` (a gather formulation: WGSL has atomics for integers only).
 */
export const unsortedSegmentSumConfig: KernelConfig<'UnsortedSegmentSum', WebGPUBackend> = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x, segmentIds], attrs: { numSegments }, backend }) => {
    assertDType('UnsortedSegmentSum', x, ['float32', 'int32']);
    assertDType('UnsortedSegmentSum', segmentIds, ['int32'], 'segmentIds');
    if (x.shape.length === 0 || segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
      throw new ShapeError(
        `UnsortedSegmentSum (webgpu): expected x of rank >= 1 and 1-D segmentIds of length x.shape[0] but got ` +
          `x ${util.formatShape(x.shape)} and segmentIds ${util.formatShape(segmentIds.shape)}`,
      );
    }
    const rowSize = util.sizeFromShape(x.shape.slice(1));
    const outShape = [numSegments, ...x.shape.slice(1)];
    const t = wgslType(x.dtype);
    const program = {
      key: `segment-sum:${t}`,
      uniforms: segmentLayout,
      source: () =>
        [
          bindings([t, 'i32'], t, segmentLayout),
          flatMain(`  let j = gi % u.rowSize;
  let s = i32(gi / u.rowSize);
  var acc = ${t}(0);
  for (var r = 0u; r < u.rows; r = r + 1u) {
    if (x1[r] == s) { acc = acc + x0[r * u.rowSize + j]; }
  }
  out[gi] = acc;`),
        ].join('\n'),
    };
    return runPerElement(backend, program, [x, segmentIds], outShape, x.dtype, { rowSize, rows: x.shape[0] });
  },
};

const oneHotLayout = new UniformLayout([['depth', 'u32'], ['on', 'u32'], ['off', 'u32'], ['size', 'u32']]);
const oneHotProgram = {
  key: 'one-hot',
  uniforms: oneHotLayout,
  source: () =>
    [
      bindings(['i32'], 'u32', oneHotLayout),
      flatMain(`  let idx = x0[gi / u.depth];
  out[gi] = select(u.off, u.on, idx >= 0 && u32(idx) == gi % u.depth);`),
    ].join('\n'),
};

/** OneHot: int32 indices to `[..., depth]` of `attrs.dtype`; indices outside `[0, depth)` give rows of `offValue`. */
export const oneHotConfig: KernelConfig<'OneHot', WebGPUBackend> = {
  kernelName: 'OneHot',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [indices], attrs: { depth, onValue, offValue, dtype }, backend }) => {
    assertDType('OneHot', indices, ['int32'], 'indices');
    if (!util.DTYPES.includes(dtype)) throw new DTypeError(`OneHot (webgpu): expected attrs.dtype float32, int32 or bool but got ${String(dtype)}`);
    return runPerElement(backend, oneHotProgram, [indices], [...indices.shape, depth], dtype, {
      depth,
      on: bitsOf(onValue, dtype),
      off: bitsOf(offValue, dtype),
    });
  },
};
