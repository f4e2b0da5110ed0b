import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { assertFloat32, assertShape, outShapeOf, windowGeometry } from '../util/window.js';

/**
 * DepthwiseConv2DBackpropInput: the gradient of DepthwiseConv2D for its input, gathered
 * (no scatter): each input pixel sums, over the taps that read it, `dy * filter` of its
 * channel's M outputs. Tap `ky` reads pixel `iy` from output row `(iy + top - ky * dh) / sh`
 * when that is a whole number inside the output.
 */
export const depthwiseConv2DBackpropInputConfig: KernelConfig<'DepthwiseConv2DBackpropInput', CpuBackend> = {
  kernelName: 'DepthwiseConv2DBackpropInput',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [dy, filter], attrs, backend }) => {
    assertFloat32('DepthwiseConv2DBackpropInput', dy, filter);
    const { inputShape } = attrs;
    const [kh, kw, , mult] = filter.shape;
    const g = windowGeometry('DepthwiseConv2DBackpropInput', inputShape, [kh, kw], inputShape[3] * mult, attrs);
    assertShape('DepthwiseConv2DBackpropInput', 'filter', filter.shape, [kh, kw, g.inC, mult]);
    assertShape('DepthwiseConv2DBackpropInput', 'dy', dy.shape, outShapeOf(g));
    const dx = new Float32Array(util.sizeFromShape(inputShape));
    if (dx.length === 0) return backend.output(dx, inputShape, 'float32');

    const dyv = backend.values(dy);
    const fv = backend.values(filter);
    const { batch, inH, inW, inC, outH, outW, outC, sh, sw, dh, dw, top, left } = g;
    const acc = new Float64Array(inC);
    let o = 0;
    for (let n = 0; n < batch; n++) {
      for (let iy = 0; iy < inH; iy++) {
        for (let ix = 0; ix < inW; ix++, o += inC) {
          acc.fill(0);
          for (let ky = 0; ky < kh; ky++) {
            const ty = iy + top - ky * dh;
            if (ty < 0 || ty % sh !== 0) continue;
            const oy = ty / sh;
            if (oy >= outH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const tx = ix + left - kx * dw;
              if (tx < 0 || tx % sw !== 0) continue;
              const ox = tx / sw;
              if (ox >= outW) continue;
              const go = ((n * outH + oy) * outW + ox) * outC;
              const fo = (ky * kw + kx) * outC;
              for (let c = 0, j = 0; c < inC; c++) {
                let s = 0;
                for (let m = 0; m < mult; m++, j++) s += dyv[go + j] * fv[fo + j];
                acc[c] += s;
              }
            }
          }
          for (let c = 0; c < inC; c++) dx[o + c] = acc[c];
        }
      }
    }
    return backend.output(dx, inputShape, 'float32');
  },
};
