import { util, type Conv2DAttrs, type KernelConfig, type Shape4D, type TensorInfo } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { runGemm, type GemmSpec } from '../shaders/gemm.js';
import type { UniformField } from '../uniforms.js';
import { checkBias, withEpilogue } from './fused_epilogue.js';
import { assertDType } from './unary.js';

/*
 * The three convolution kernels as implicit GEMMs over NHWC images and
 * [kh, kw, cin, cout] filters: the tiled matrix product reads the patch matrix
 * through `loadA`, which computes each element from the image (zero in the padding),
 * so the patches are never stored.
 */

const FIELDS: readonly UniformField[] = [
  ['H', 'u32'], ['W', 'u32'], ['Cin', 'u32'], ['OH', 'u32'], ['OW', 'u32'], ['Cout', 'u32'],
  ['KW', 'u32'], ['sh', 'u32'], ['sw', 'u32'], ['dh', 'u32'], ['dw', 'u32'], ['padTop', 'i32'], ['padLeft', 'i32'],
];

const NO_BATCH = 'fn offsets(b: u32) -> vec2<u32> { return vec2<u32>(0u, 0u); }';

/**
 * WGSL: element (pixel, tap) of the patch matrix of image `x0` [N, H, W, Cin]: `pixel`
 * runs over N*OH*OW output pixels, `tap` over kh*kw*Cin filter taps; zero in the padding.
 */
const PATCH = /* wgsl */ `
fn patchValue(pixel: u32, tap: u32) -> f32 {
  let ow = pixel % u.OW; let t = pixel / u.OW; let oh = t % u.OH; let n = t / u.OH;
  let ci = tap % u.Cin; let k = tap / u.Cin; let kx = k % u.KW; let ky = k / u.KW;
  let ih = i32(oh * u.sh + ky * u.dh) - u.padTop;
  let iw = i32(ow * u.sw + kx * u.dw) - u.padLeft;
  if (ih < 0 || iw < 0 || ih >= i32(u.H) || iw >= i32(u.W)) { return 0.0; }
  return x0[((n * u.H + u32(ih)) * u.W + u32(iw)) * u.Cin + ci];
}`;

/** y [N, OH, OW, Cout] = patches [N*OH*OW, kh*kw*Cin] x filter [kh*kw*Cin, Cout]. */
const CONV2D: GemmSpec = {
  key: 'conv2d',
  type: 'f32',
  fields: FIELDS,
  loaders: `${NO_BATCH}
${PATCH}
fn loadA(off: u32, m: u32, k: u32) -> f32 { return patchValue(m, k); }
fn loadB(off: u32, k: u32, n: u32) -> f32 { return x1[k * u.Cout + n]; }`,
};

/**
 * dx [N, H, W, Cin] = (dy at the output pixels each input pixel feeds) [N*H*W, kh*kw*Cout]
 * x filter rearranged [kh*kw*Cout, Cin]; an input pixel feeds output (oh, ow) at tap
 * (ky, kx) when `oh * stride = h + pad - ky * dilation`.
 */
const CONV2D_BACKPROP_INPUT: GemmSpec = {
  key: 'conv2d-backprop-input',
  type: 'f32',
  fields: FIELDS,
  loaders: `${NO_BATCH}
fn loadA(off: u32, m: u32, k: u32) -> f32 {
  let w = m % u.W; let t = m / u.W; let h = t % u.H; let n = t / u.H;
  let co = k % u.Cout; let tap = k / u.Cout; let kx = tap % u.KW; let ky = tap / u.KW;
  let ohs = i32(h) + u.padTop - i32(ky * u.dh);
  let ows = i32(w) + u.padLeft - i32(kx * u.dw);
  if (ohs < 0 || ows < 0) { return 0.0; }
  if (u32(ohs) % u.sh != 0u || u32(ows) % u.sw != 0u) { return 0.0; }
  let oh = u32(ohs) / u.sh; let ow = u32(ows) / u.sw;
  if (oh >= u.OH || ow >= u.OW) { return 0.0; }
  return x0[((n * u.OH + oh) * u.OW + ow) * u.Cout + co];
}
fn loadB(off: u32, k: u32, ci: u32) -> f32 {
  let co = k % u.Cout; let tap = k / u.Cout;
  return x1[(tap * u.Cin + ci) * u.Cout + co];
}`,
};

/** dfilter [kh*kw*Cin, Cout] = patchesᵀ [kh*kw*Cin, N*OH*OW] x dy [N*OH*OW, Cout]. */
const CONV2D_BACKPROP_FILTER: GemmSpec = {
  key: 'conv2d-backprop-filter',
  type: 'f32',
  fields: FIELDS,
  loaders: `${NO_BATCH}
${PATCH}
fn loadA(off: u32, m: u32, k: u32) -> f32 { return patchValue(k, m); }
fn loadB(off: u32, k: u32, n: u32) -> f32 { return x1[k * u.Cout + n]; }`,
};

/** The uniform values shared by the three kernels. */
function convValues(x: Shape4D | readonly number[], y: readonly number[], filter: readonly number[], attrs: Conv2DAttrs) {
  return {
    H: x[1], W: x[2], Cin: x[3], OH: y[1], OW: y[2], Cout: y[3], KW: filter[1],
    sh: attrs.strides[0], sw: attrs.strides[1], dh: attrs.dilations[0], dw: attrs.dilations[1],
    padTop: attrs.pad[0], padLeft: attrs.pad[2],
  };
}

function gemmOutput(backend: WebGPUBackend, shape: readonly number[], run: (target: GPUBuffer) => void): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  const target = backend.outputBuffer(out);
  if (target) run(target);
  return out;
}

/** The output shape and GEMM sizes of a Conv2D of `x` with `filter`. */
function conv2dGeometry(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs) {
  const [n, h, w] = x.shape;
  const [kh, kw, cin, cout] = filter.shape;
  const oh = util.convOutputSize(h, kh, attrs.strides[0], attrs.dilations[0], attrs.pad[0], attrs.pad[1]);
  const ow = util.convOutputSize(w, kw, attrs.strides[1], attrs.dilations[1], attrs.pad[2], attrs.pad[3]);
  return { yShape: [n, oh, ow, cout], sizes: { batch: 1, M: n * oh * ow, N: cout, K: kh * kw * cin } };
}

/** Conv2D: x [N, H, W, Cin] (*) filter [kh, kw, Cin, Cout] -> [N, OH, OW, Cout], as an implicit GEMM. */
export const conv2dConfig: KernelConfig<'Conv2D', WebGPUBackend> = {
  kernelName: 'Conv2D',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x, filter], attrs, backend }) => {
    assertDType('Conv2D', x, ['float32'], 'x');
    assertDType('Conv2D', filter, ['float32'], 'filter');
    const { yShape, sizes } = conv2dGeometry(x, filter, attrs);
    return gemmOutput(backend, yShape, (target) =>
      runGemm(backend, CONV2D, [x, filter], target, sizes, convValues(x.shape, yShape, filter.shape, attrs)),
    );
  },
};

/**
 * FusedConv2D: `activation(conv2d(x, filter) + bias)`: Conv2D's implicit GEMM with the
 * bias and the activation applied in the epilogue, as each output pixel's sum is stored.
 */
export const fusedConv2dConfig: KernelConfig<'FusedConv2D', WebGPUBackend> = {
  kernelName: 'FusedConv2D',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x, filter, bias], attrs, backend }) => {
    assertDType('FusedConv2D', x, ['float32'], 'x');
    assertDType('FusedConv2D', filter, ['float32'], 'filter');
    checkBias('FusedConv2D', bias, filter.shape[3], 'output channel');
    const { yShape, sizes } = conv2dGeometry(x, filter, attrs);
    const spec = withEpilogue(CONV2D, attrs, bias !== undefined);
    return gemmOutput(backend, yShape, (target) =>
      runGemm(backend, spec, bias ? [x, filter, bias] : [x, filter], target, sizes, {
        ...convValues(x.shape, yShape, filter.shape, attrs),
        alpha: attrs.alpha,
      }),
    );
  },
};

/** Conv2DBackpropInput: dy [N, OH, OW, Cout], filter -> dx of `attrs.inputShape` (also conv2dTranspose). */
export const conv2dBackpropInputConfig: KernelConfig<'Conv2DBackpropInput', WebGPUBackend> = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [dy, filter], attrs, backend }) => {
    assertDType('Conv2DBackpropInput', dy, ['float32'], 'dy');
    assertDType('Conv2DBackpropInput', filter, ['float32'], 'filter');
    const xShape = attrs.inputShape;
    const [kh, kw, , cout] = filter.shape;
    return gemmOutput(backend, xShape, (target) =>
      runGemm(
        backend,
        CONV2D_BACKPROP_INPUT,
        [dy, filter],
        target,
        { batch: 1, M: xShape[0] * xShape[1] * xShape[2], N: xShape[3], K: kh * kw * cout },
        convValues(xShape, dy.shape, filter.shape, attrs),
      ),
    );
  },
};

/** Conv2DBackpropFilter: x, dy [N, OH, OW, Cout] -> dfilter of `attrs.filterShape`. */
export const conv2dBackpropFilterConfig: KernelConfig<'Conv2DBackpropFilter', WebGPUBackend> = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x, dy], attrs, backend }) => {
    assertDType('Conv2DBackpropFilter', x, ['float32'], 'x');
    assertDType('Conv2DBackpropFilter', dy, ['float32'], 'dy');
    const fShape = attrs.filterShape;
    const [kh, kw, cin, cout] = fShape;
    return gemmOutput(backend, fShape, (target) =>
      runGemm(
        backend,
        CONV2D_BACKPROP_FILTER,
        [x, dy],
        target,
        { batch: 1, M: kh * kw * cin, N: cout, K: dy.shape[0] * dy.shape[1] * dy.shape[2] },
        convValues(x.shape, dy.shape, fShape, attrs),
      ),
    );
  },
};
