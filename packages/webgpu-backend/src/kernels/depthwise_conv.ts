import { util, type Conv2DAttrs, type KernelConfig, type TensorInfo } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { bindings, flatMain, runPerElement } from '../shaders/common.js';
import { UniformLayout } from '../uniforms.js';
import { assertDType } from './unary.js';

/*
 * Depthwise convolutions, one thread per output element: each output channel reads
 * one input channel, so there is no shared operand worth tiling. The filter gradient
 * sums over batch and output pixels in one thread (long loops for large batches).
 */

const layout = new UniformLayout([
  ['N', 'u32'], ['H', 'u32'], ['W', 'u32'], ['C', 'u32'], ['OH', 'u32'], ['OW', 'u32'], ['mult', 'u32'],
  ['KH', 'u32'], ['KW', 'u32'], ['sh', 'u32'], ['sw', 'u32'], ['dh', 'u32'], ['dw', 'u32'],
  ['padTop', 'i32'], ['padLeft', 'i32'], ['size', 'u32'],
]);

/** x [N, H, W, C] (*) filter [kh, kw, C, M] -> [N, OH, OW, C * M]. */
const FORWARD = `
  let oc = gi % (u.C * u.mult); var t = gi / (u.C * u.mult);
  let ow = t % u.OW; t = t / u.OW;
  let oh = t % u.OH; let n = t / u.OH;
  let c = oc / u.mult; let q = oc % u.mult;
  var acc = 0.0;
  for (var ky = 0u; ky < u.KH; ky = ky + 1u) {
    let ih = i32(oh * u.sh + ky * u.dh) - u.padTop;
    if (ih < 0 || ih >= i32(u.H)) { continue; }
    for (var kx = 0u; kx < u.KW; kx = kx + 1u) {
      let iw = i32(ow * u.sw + kx * u.dw) - u.padLeft;
      if (iw < 0 || iw >= i32(u.W)) { continue; }
      acc = acc + x0[((n * u.H + u32(ih)) * u.W + u32(iw)) * u.C + c] * x1[((ky * u.KW + kx) * u.C + c) * u.mult + q];
    }
  }
  out[gi] = acc;`;

/** dy [N, OH, OW, C * M], filter -> dx [N, H, W, C]: every (tap, multiplier) whose output pixel exists. */
const BACKPROP_INPUT = `
  let c = gi % u.C; var t = gi / u.C;
  let w = t % u.W; t = t / u.W;
  let h = t % u.H; let n = t / u.H;
  var acc = 0.0;
  for (var ky = 0u; ky < u.KH; ky = ky + 1u) {
    let ohs = i32(h) + u.padTop - i32(ky * u.dh);
    if (ohs < 0 || u32(ohs) % u.sh != 0u || u32(ohs) / u.sh >= u.OH) { continue; }
    let oh = u32(ohs) / u.sh;
    for (var kx = 0u; kx < u.KW; kx = kx + 1u) {
      let ows = i32(w) + u.padLeft - i32(kx * u.dw);
      if (ows < 0 || u32(ows) % u.sw != 0u || u32(ows) / u.sw >= u.OW) { continue; }
      let ow = u32(ows) / u.sw;
      for (var q = 0u; q < u.mult; q = q + 1u) {
        acc = acc + x0[((n * u.OH + oh) * u.OW + ow) * u.C * u.mult + c * u.mult + q] * x1[((ky * u.KW + kx) * u.C + c) * u.mult + q];
      }
    }
  }
  out[gi] = acc;`;

/** x, dy -> dfilter [kh, kw, C, M]: sums over batch and output pixels. */
const BACKPROP_FILTER = `
  let q = gi % u.mult; var t = gi / u.mult;
  let c = t % u.C; t = t / u.C;
  let kx = t % u.KW; let ky = t / u.KW;
  var acc = 0.0;
  for (var n = 0u; n < u.N; n = n + 1u) {
    for (var oh = 0u; oh < u.OH; oh = oh + 1u) {
      let ih = i32(oh * u.sh + ky * u.dh) - u.padTop;
      if (ih < 0 || ih >= i32(u.H)) { continue; }
      for (var ow = 0u; ow < u.OW; ow = ow + 1u) {
        let iw = i32(ow * u.sw + kx * u.dw) - u.padLeft;
        if (iw < 0 || iw >= i32(u.W)) { continue; }
        acc = acc + x0[((n * u.H + u32(ih)) * u.W + u32(iw)) * u.C + c] * x1[((n * u.OH + oh) * u.OW + ow) * u.C * u.mult + c * u.mult + q];
      }
    }
  }
  out[gi] = acc;`;

function program(name: string, body: string) {
  return { key: `depthwise:${name}`, uniforms: layout, source: () => [bindings(['f32', 'f32'], 'f32', layout), flatMain(body)].join('\n') };
}
const programs = {
  forward: program('forward', FORWARD),
  input: program('input', BACKPROP_INPUT),
  filter: program('filter', BACKPROP_FILTER),
};

function run(
  backend: WebGPUBackend,
  which: keyof typeof programs,
  inputs: readonly TensorInfo[],
  outShape: readonly number[],
  x: readonly number[],
  y: readonly number[],
  filter: readonly number[],
  attrs: Conv2DAttrs,
): TensorInfo {
  return runPerElement(backend, programs[which], inputs, outShape, 'float32', {
    N: x[0], H: x[1], W: x[2], C: x[3], OH: y[1], OW: y[2], mult: filter[3], KH: filter[0], KW: filter[1],
    sh: attrs.strides[0], sw: attrs.strides[1], dh: attrs.dilations[0], dw: attrs.dilations[1],
    padTop: attrs.pad[0], padLeft: attrs.pad[2],
  });
}

/** DepthwiseConv2D: channel c feeds outputs `c * M .. c * M + M - 1`. */
export const depthwiseConv2dConfig: KernelConfig<'DepthwiseConv2D', WebGPUBackend> = {
  kernelName: 'DepthwiseConv2D',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x, filter], attrs, backend }) => {
    assertDType('DepthwiseConv2D', x, ['float32'], 'x');
    assertDType('DepthwiseConv2D', filter, ['float32'], 'filter');
    const [n, h, w, c] = x.shape;
    const [kh, kw, , m] = filter.shape;
    const oh = util.convOutputSize(h, kh, attrs.strides[0], attrs.dilations[0], attrs.pad[0], attrs.pad[1]);
    const ow = util.convOutputSize(w, kw, attrs.strides[1], attrs.dilations[1], attrs.pad[2], attrs.pad[3]);
    const yShape = [n, oh, ow, c * m];
    return run(backend, 'forward', [x, filter], yShape, x.shape, yShape, filter.shape, attrs);
  },
};

/** DepthwiseConv2DBackpropInput: dy, filter -> dx of `attrs.inputShape`. */
export const depthwiseConv2dBackpropInputConfig: KernelConfig<'DepthwiseConv2DBackpropInput', WebGPUBackend> = {
  kernelName: 'DepthwiseConv2DBackpropInput',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [dy, filter], attrs, backend }) => {
    assertDType('DepthwiseConv2DBackpropInput', dy, ['float32'], 'dy');
    assertDType('DepthwiseConv2DBackpropInput', filter, ['float32'], 'filter');
    return run(backend, 'input', [dy, filter], attrs.inputShape, attrs.inputShape, dy.shape, filter.shape, attrs);
  },
};

/** DepthwiseConv2DBackpropFilter: x, dy -> dfilter of `attrs.filterShape`. */
export const depthwiseConv2dBackpropFilterConfig: KernelConfig<'DepthwiseConv2DBackpropFilter', WebGPUBackend> = {
  kernelName: 'DepthwiseConv2DBackpropFilter',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x, dy], attrs, backend }) => {
    assertDType('DepthwiseConv2DBackpropFilter', x, ['float32'], 'x');
    assertDType('DepthwiseConv2DBackpropFilter', dy, ['float32'], 'dy');
    return run(backend, 'filter', [x, dy], attrs.filterShape, x.shape, dy.shape, attrs.filterShape, attrs);
  },
};
