import { util, type KernelConfig, type ResizeAttrs } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { bindings, flatMain, runPerElement } from '../shaders/common.js';
import { UniformLayout } from '../uniforms.js';
import { assertDType } from './unary.js';

/*
 * Resizes of NHWC images. Which input pixels an output pixel reads (and with which
 * weights) depends only on the sizes and flags, so the CPU computes it once per axis
 * with the same float32 arithmetic as every backend (`util.nearestSourceIndex`,
 * `util.bilinearSource`) and uploads it as a small table; the shaders then match the
 * CPU exactly where a coordinate lands on an integer. The gradients gather: each input
 * pixel sums over the (contiguous) range of output pixels that read it.
 */

const layout = new UniformLayout([
  ['H', 'u32'], ['W', 'u32'], ['C', 'u32'], ['OH', 'u32'], ['OW', 'u32'], ['xTable', 'u32'], ['size', 'u32'],
]);

/** Per axis: the source of each output index, and for each input index the range of outputs reading it. */
function nearestAxis(inSize: number, outSize: number, attrs: ResizeAttrs) {
  const scale = util.resizeScale(inSize, outSize, attrs.alignCorners);
  const source = Array.from({ length: outSize }, (_, i) => util.nearestSourceIndex(i, scale, inSize, attrs.alignCorners, attrs.halfPixelCenters));
  const start = new Array<number>(inSize).fill(0);
  const end = new Array<number>(inSize).fill(0);
  for (let h = 0; h < inSize; h++) {
    let s = source.findIndex((v) => v === h);
    if (s < 0) s = 0;
    let e = s;
    while (e < outSize && source[e] === h) e++;
    start[h] = s;
    end[h] = source[s] === h ? e : s;
  }
  return { source, start, end };
}

/** Per axis: lower and upper source, the upper weight, and for each input index the range of outputs reading it. */
function bilinearAxis(inSize: number, outSize: number, attrs: ResizeAttrs) {
  const scale = util.resizeScale(inSize, outSize, attrs.alignCorners);
  const lower: number[] = [];
  const upper: number[] = [];
  const lerp: number[] = [];
  for (let i = 0; i < outSize; i++) {
    const [lo, hi, l] = util.bilinearSource(i, scale, inSize, attrs.halfPixelCenters);
    lower.push(lo);
    upper.push(hi);
    lerp.push(l);
  }
  const start = new Array<number>(inSize).fill(0);
  const end = new Array<number>(inSize).fill(0);
  for (let h = 0; h < inSize; h++) {
    const reads = (i: number) => lower[i] === h || upper[i] === h;
    let s = 0;
    while (s < outSize && !reads(s)) s++;
    let e = s;
    while (e < outSize && reads(e)) e++;
    start[h] = s;
    end[h] = e;
  }
  return { lower, upper, lerp, start, end };
}

const NEAREST = `
  let c = gi % u.C; var t = gi / u.C;
  let ox = t % u.OW; t = t / u.OW;
  let oy = t % u.OH; let n = t / u.OH;
  let y = u32(x1[oy]);
  let x = u32(x1[u.xTable + ox]);
  out[gi] = x0[((n * u.H + y) * u.W + x) * u.C + c];`;

/** Table per axis: source (out), start (in), end (in). */
const NEAREST_GRAD = `
  let c = gi % u.C; var t = gi / u.C;
  let w = t % u.W; t = t / u.W;
  let h = t % u.H; let n = t / u.H;
  var acc = 0.0;
  for (var oy = u32(x1[u.OH + h]); oy < u32(x1[u.OH + u.H + h]); oy = oy + 1u) {
    for (var ox = u32(x1[u.xTable + u.OW + w]); ox < u32(x1[u.xTable + u.OW + u.W + w]); ox = ox + 1u) {
      acc = acc + x0[((n * u.OH + oy) * u.OW + ox) * u.C + c];
    }
  }
  out[gi] = acc;`;

/** Table per axis: lower, upper, lerp (out), start, end (in). */
const BILINEAR = `
  let c = gi % u.C; var t = gi / u.C;
  let ox = t % u.OW; t = t / u.OW;
  let oy = t % u.OH; let n = t / u.OH;
  let y0 = u32(x1[oy]); let y1 = u32(x1[u.OH + oy]); let ly = x1[2u * u.OH + oy];
  let xt = u.xTable;
  let xa = u32(x1[xt + ox]); let xb = u32(x1[xt + u.OW + ox]); let lx = x1[xt + 2u * u.OW + ox];
  let row0 = (n * u.H + y0) * u.W;
  let row1 = (n * u.H + y1) * u.W;
  let top = x0[(row0 + xa) * u.C + c] * (1.0 - lx) + x0[(row0 + xb) * u.C + c] * lx;
  let bottom = x0[(row1 + xa) * u.C + c] * (1.0 - lx) + x0[(row1 + xb) * u.C + c] * lx;
  out[gi] = top * (1.0 - ly) + bottom * ly;`;

const BILINEAR_GRAD = `
  let c = gi % u.C; var t = gi / u.C;
  let w = t % u.W; t = t / u.W;
  let h = t % u.H; let n = t / u.H;
  let xt = u.xTable;
  var acc = 0.0;
  for (var oy = u32(x1[3u * u.OH + h]); oy < u32(x1[3u * u.OH + u.H + h]); oy = oy + 1u) {
    let ly = x1[2u * u.OH + oy];
    let wy = select(0.0, 1.0 - ly, u32(x1[oy]) == h) + select(0.0, ly, u32(x1[u.OH + oy]) == h);
    for (var ox = u32(x1[xt + 3u * u.OW + w]); ox < u32(x1[xt + 3u * u.OW + u.W + w]); ox = ox + 1u) {
      let lx = x1[xt + 2u * u.OW + ox];
      let wx = select(0.0, 1.0 - lx, u32(x1[xt + ox]) == w) + select(0.0, lx, u32(x1[xt + u.OW + ox]) == w);
      acc = acc + wy * wx * x0[((n * u.OH + oy) * u.OW + ox) * u.C + c];
    }
  }
  out[gi] = acc;`;

function program(name: string, body: string) {
  return { key: `resize:${name}`, uniforms: layout, source: () => [bindings(['f32', 'f32'], 'f32', layout), flatMain(body)].join('\n') };
}
const programs = {
  nearest: program('nearest', NEAREST),
  nearestGrad: program('nearest-grad', NEAREST_GRAD),
  bilinear: program('bilinear', BILINEAR),
  bilinearGrad: program('bilinear-grad', BILINEAR_GRAD),
};

function run(
  backend: WebGPUBackend,
  which: keyof typeof programs,
  input: Parameters<WebGPUBackend['run']>[1][number],
  table: number[],
  xTable: number,
  outShape: readonly number[],
  x: readonly number[],
  y: readonly number[],
) {
  const buffer = backend.table(Float32Array.from(table));
  const out = runPerElement(backend, programs[which], [input, buffer], outShape, 'float32', {
    H: x[1], W: x[2], C: x[3], OH: y[1], OW: y[2], xTable,
  });
  backend.releaseScratch(buffer);
  return out;
}

/** ResizeNearestNeighbor: x [N, H, W, C] -> [N, size[0], size[1], C], each output reads its nearest source pixel. */
export const resizeNearestNeighborConfig: KernelConfig<'ResizeNearestNeighbor', WebGPUBackend> = {
  kernelName: 'ResizeNearestNeighbor',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x], attrs, backend }) => {
    assertDType('ResizeNearestNeighbor', x, ['float32'], 'x');
    const [n, h, w, c] = x.shape;
    const [oh, ow] = attrs.size;
    const ys = nearestAxis(h, oh, attrs);
    const xs = nearestAxis(w, ow, attrs);
    const yShape = [n, oh, ow, c];
    return run(backend, 'nearest', x, [...ys.source, ...xs.source], oh, yShape, x.shape, yShape);
  },
};

/** ResizeNearestNeighborGrad: dy -> dx of `attrs.inputShape`; each input pixel sums the dy of the outputs that read it. */
export const resizeNearestNeighborGradConfig: KernelConfig<'ResizeNearestNeighborGrad', WebGPUBackend> = {
  kernelName: 'ResizeNearestNeighborGrad',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [dy], attrs, backend }) => {
    assertDType('ResizeNearestNeighborGrad', dy, ['float32'], 'dy');
    const xShape = attrs.inputShape;
    const [, oh, ow] = dy.shape;
    const ys = nearestAxis(xShape[1], oh, attrs);
    const xs = nearestAxis(xShape[2], ow, attrs);
    const table = [...ys.source, ...ys.start, ...ys.end, ...xs.source, ...xs.start, ...xs.end];
    return run(backend, 'nearestGrad', dy, table, oh + 2 * xShape[1], xShape, xShape, dy.shape);
  },
};

/** ResizeBilinear: each output interpolates its four source pixels. */
export const resizeBilinearConfig: KernelConfig<'ResizeBilinear', WebGPUBackend> = {
  kernelName: 'ResizeBilinear',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x], attrs, backend }) => {
    assertDType('ResizeBilinear', x, ['float32'], 'x');
    const [n, h, w, c] = x.shape;
    const [oh, ow] = attrs.size;
    const ys = bilinearAxis(h, oh, attrs);
    const xs = bilinearAxis(w, ow, attrs);
    const table = [...ys.lower, ...ys.upper, ...ys.lerp, ...xs.lower, ...xs.upper, ...xs.lerp];
    const yShape = [n, oh, ow, c];
    return run(backend, 'bilinear', x, table, 3 * oh, yShape, x.shape, yShape);
  },
};

/** ResizeBilinearGrad: dy -> dx of `attrs.inputShape`; each dy spread over its four source pixels by their weights. */
export const resizeBilinearGradConfig: KernelConfig<'ResizeBilinearGrad', WebGPUBackend> = {
  kernelName: 'ResizeBilinearGrad',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [dy], attrs, backend }) => {
    assertDType('ResizeBilinearGrad', dy, ['float32'], 'dy');
    const xShape = attrs.inputShape;
    const [, oh, ow] = dy.shape;
    const ys = bilinearAxis(xShape[1], oh, attrs);
    const xs = bilinearAxis(xShape[2], ow, attrs);
    const table = [
      ...ys.lower, ...ys.upper, ...ys.lerp, ...ys.start, ...ys.end,
      ...xs.lower, ...xs.upper, ...xs.lerp, ...xs.start, ...xs.end,
    ];
    return run(backend, 'bilinearGrad', dy, table, 3 * oh + 2 * xShape[1], xShape, xShape, dy.shape);
  },
};
