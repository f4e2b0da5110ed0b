import { util, type KernelConfig, type PoolAttrs, type TensorInfo } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { bindings, FLOAT_BITS, flatMain, runPerElement } from '../shaders/common.js';
import { UniformLayout } from '../uniforms.js';
import { assertDType } from './unary.js';

/*
 * 2-D pooling over NHWC images, one thread per output element. The gradients are
 * gathers: each input pixel visits the windows that contain it (no atomics), and
 * MaxPoolGrad recomputes each such window's first maximum.
 */

const layout = new UniformLayout([
  ['H', 'u32'], ['W', 'u32'], ['C', 'u32'], ['OH', 'u32'], ['OW', 'u32'],
  ['KH', 'u32'], ['KW', 'u32'], ['sh', 'u32'], ['sw', 'u32'], ['padTop', 'i32'], ['padLeft', 'i32'], ['size', 'u32'],
]);

/** Helpers: the valid rows/columns of window (oh, ow) as half-open ranges of input indices. */
const WINDOW = /* wgsl */ `
fn rows(oh: u32) -> vec2<i32> {
  let start = i32(oh * u.sh) - u.padTop;
  return vec2<i32>(max(start, 0), min(start + i32(u.KH), i32(u.H)));
}
fn cols(ow: u32) -> vec2<i32> {
  let start = i32(ow * u.sw) - u.padLeft;
  return vec2<i32>(max(start, 0), min(start + i32(u.KW), i32(u.W)));
}
/** The windows containing input index i along one axis: [first, last + 1) clamped to the output. */
fn windows(i: u32, pad: i32, k: u32, s: u32, outSize: u32) -> vec2<u32> {
  let p = i32(i) + pad;
  let lo = max(p - i32(k) + 1, 0);
  let first = u32((lo + i32(s) - 1) / i32(s));
  let last = min(u32(p) / s + 1u, outSize);
  return vec2<u32>(first, last);
}`;

const OUT_COORDS = `
  let c = gi % u.C; var t = gi / u.C;
  let ow = t % u.OW; t = t / u.OW;
  let oh = t % u.OH; let n = t / u.OH;
  let r = rows(oh); let q = cols(ow);`;

const IN_COORDS = `
  let c = gi % u.C; var t = gi / u.C;
  let w = t % u.W; t = t / u.W;
  let h = t % u.H; let n = t / u.H;
  let wy = windows(h, u.padTop, u.KH, u.sh, u.OH);
  let wx = windows(w, u.padLeft, u.KW, u.sw, u.OW);`;

/**
 * Max over the valid part of the window, as the CPU: a NaN never wins a comparison (it
 * is skipped unless the whole window is NaN); a window of padding only gives 0.
 */
const MAX_POOL = `${OUT_COORDS}
  var best = 0.0;
  var first = true;
  for (var y = r.x; y < r.y; y = y + 1) {
    for (var x = q.x; x < q.y; x = x + 1) {
      let v = x0[((n * u.H + u32(y)) * u.W + u32(x)) * u.C + c];
      if (first || v > best || isNan(best)) { best = v; first = false; }
    }
  }
  out[gi] = best;`;

/** Mean over the valid part of the window (padding never counts). */
const AVG_POOL = `${OUT_COORDS}
  var sum = 0.0;
  for (var y = r.x; y < r.y; y = y + 1) {
    for (var x = q.x; x < q.y; x = x + 1) { sum = sum + x0[((n * u.H + u32(y)) * u.W + u32(x)) * u.C + c]; }
  }
  let count = (r.y - r.x) * (q.y - q.x);
  out[gi] = select(0.0, sum / f32(count), count > 0);`;

/** Each window containing (h, w) adds its dy / count. */
const AVG_POOL_GRAD = `${IN_COORDS}
  var acc = 0.0;
  for (var oh = wy.x; oh < wy.y; oh = oh + 1u) {
    let r = rows(oh);
    for (var ow = wx.x; ow < wx.y; ow = ow + 1u) {
      let q = cols(ow);
      let count = (r.y - r.x) * (q.y - q.x);
      acc = acc + x0[((n * u.OH + oh) * u.OW + ow) * u.C + c] / f32(count);
    }
  }
  out[gi] = acc;`;

/** Each window whose first maximum (row-major scan, NaN skipped as in MaxPool) is (h, w) adds its dy. Inputs: dy, x. */
const MAX_POOL_GRAD = `${IN_COORDS}
  var acc = 0.0;
  for (var oh = wy.x; oh < wy.y; oh = oh + 1u) {
    let r = rows(oh);
    for (var ow = wx.x; ow < wx.y; ow = ow + 1u) {
      let q = cols(ow);
      var best = -infF();
      var by = -1;
      var bx = -1;
      for (var y = r.x; y < r.y; y = y + 1) {
        for (var x = q.x; x < q.y; x = x + 1) {
          let v = x1[((n * u.H + u32(y)) * u.W + u32(x)) * u.C + c];
          if (by < 0 || v > best || isNan(best)) { best = v; by = y; bx = x; }
        }
      }
      if (by == i32(h) && bx == i32(w)) { acc = acc + x0[((n * u.OH + oh) * u.OW + ow) * u.C + c]; }
    }
  }
  out[gi] = acc;`;

function program(name: string, inputs: number, body: string) {
  return {
    key: `pool:${name}`,
    uniforms: layout,
    source: () => [bindings(Array<'f32'>(inputs).fill('f32'), 'f32', layout), FLOAT_BITS, WINDOW, flatMain(body)].join('\n'),
  };
}
const programs = {
  max: program('max', 1, MAX_POOL),
  avg: program('avg', 1, AVG_POOL),
  maxGrad: program('max-grad', 2, MAX_POOL_GRAD),
  avgGrad: program('avg-grad', 1, AVG_POOL_GRAD),
};

function run(
  backend: WebGPUBackend,
  which: keyof typeof programs,
  inputs: readonly TensorInfo[],
  outShape: readonly number[],
  x: readonly number[],
  y: readonly number[],
  attrs: PoolAttrs,
): TensorInfo {
  return runPerElement(backend, programs[which], inputs, outShape, 'float32', {
    H: x[1], W: x[2], C: x[3], OH: y[1], OW: y[2], KH: attrs.poolSize[0], KW: attrs.poolSize[1],
    sh: attrs.strides[0], sw: attrs.strides[1], padTop: attrs.pad[0], padLeft: attrs.pad[2],
  });
}

function pooledShape(x: readonly number[], attrs: PoolAttrs): number[] {
  const oh = util.convOutputSize(x[1], attrs.poolSize[0], attrs.strides[0], 1, attrs.pad[0], attrs.pad[1]);
  const ow = util.convOutputSize(x[2], attrs.poolSize[1], attrs.strides[1], 1, attrs.pad[2], attrs.pad[3]);
  return [x[0], oh, ow, x[3]];
}

/** MaxPool: the largest value of each window; padding never chosen. */
export const maxPoolConfig: KernelConfig<'MaxPool', WebGPUBackend> = {
  kernelName: 'MaxPool',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x], attrs, backend }) => {
    assertDType('MaxPool', x, ['float32'], 'x');
    const yShape = pooledShape(x.shape, attrs);
    return run(backend, 'max', [x], yShape, x.shape, yShape, attrs);
  },
};

/** AvgPool: the mean of each window over its non-padding positions. */
export const avgPoolConfig: KernelConfig<'AvgPool', WebGPUBackend> = {
  kernelName: 'AvgPool',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x], attrs, backend }) => {
    assertDType('AvgPool', x, ['float32'], 'x');
    const yShape = pooledShape(x.shape, attrs);
    return run(backend, 'avg', [x], yShape, x.shape, yShape, attrs);
  },
};

/** MaxPoolGrad: dy, x -> dx; each dy goes to the first maximum of its window. */
export const maxPoolGradConfig: KernelConfig<'MaxPoolGrad', WebGPUBackend> = {
  kernelName: 'MaxPoolGrad',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [dy, x], attrs, backend }) => {
    assertDType('MaxPoolGrad', dy, ['float32'], 'dy');
    assertDType('MaxPoolGrad', x, ['float32'], 'x');
    return run(backend, 'maxGrad', [dy, x], x.shape, x.shape, dy.shape, attrs);
  },
};

/** AvgPoolGrad: dy -> dx of `attrs.inputShape`; each dy spread evenly over its window. */
export const avgPoolGradConfig: KernelConfig<'AvgPoolGrad', WebGPUBackend> = {
  kernelName: 'AvgPoolGrad',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [dy], attrs, backend }) => {
    assertDType('AvgPoolGrad', dy, ['float32'], 'dy');
    return run(backend, 'avgGrad', [dy], attrs.inputShape, attrs.inputShape, dy.shape, attrs);
  },
};
