import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { assertFloat32, assertShape, outShapeOf, windowGeometry } from '../util/window.js';

/**
 * DepthwiseConv2D: `x [N, H, W, C]` with `filter [kh, kw, C, M]` -> `[N, OH, OW, C * M]`,
 * output channel `c * M + m` from input channel `c`. A direct loop: for each output
 * pixel, the taps inside the image add `x * filter` into one row of C * M sums.
 */
export const depthwiseConv2DConfig: KernelConfig<'DepthwiseConv2D', CpuBackend> = {
  kernelName: 'DepthwiseConv2D',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x, filter], attrs, backend }) => {
    assertFloat32('DepthwiseConv2D', x, filter);
    const [kh, kw, , mult] = filter.shape;
    const g = windowGeometry('DepthwiseConv2D', x.shape, [kh, kw], x.shape[3] * mult, attrs);
    assertShape('DepthwiseConv2D', 'filter', filter.shape, [kh, kw, g.inC, mult]);
    const outShape = outShapeOf(g);
    const out = new Float32Array(util.sizeFromShape(outShape));
    if (out.length === 0) return backend.output(out, outShape, 'float32');

    const xv = backend.values(x);
    const fv = backend.values(filter);
    const { batch, inH, inW, inC, outH, outW, outC, sh, sw, dh, dw, top, left } = g;
    const acc = new Float64Array(outC);
    let o = 0;
    for (let n = 0; n < batch; n++) {
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++, o += outC) {
          acc.fill(0);
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - top + ky * dh;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - left + kx * dw;
              if (ix < 0 || ix >= inW) continue;
              const xo = ((n * inH + iy) * inW + ix) * inC;
              const fo = (ky * kw + kx) * outC;
              if (mult === 1) {
                for (let c = 0; c < inC; c++) acc[c] += xv[xo + c] * fv[fo + c];
              } else {
                for (let c = 0, j = 0; c < inC; c++) {
                  const v = xv[xo + c];
                  for (let m = 0; m < mult; m++, j++) acc[j] += v * fv[fo + j];
                }
              }
            }
          }
          for (let j = 0; j < outC; j++) out[o + j] = acc[j];
        }
      }
    }
    return backend.output(out, outShape, 'float32');
  },
};
