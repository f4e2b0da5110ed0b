import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { assertFloat32, assertShape, outShapeOf, windowGeometry } from '../util/window.js';

/**
 * DepthwiseConv2DBackpropFilter: the gradient of DepthwiseConv2D for its filter,
 * `df[ky, kx, c, m] = sum over batch and output pixels of x[tap] * dy[c * M + m]`,
 * accumulated in double precision.
 */
export const depthwiseConv2DBackpropFilterConfig: KernelConfig<'DepthwiseConv2DBackpropFilter', CpuBackend> = {
  kernelName: 'DepthwiseConv2DBackpropFilter',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x, dy], attrs, backend }) => {
    assertFloat32('DepthwiseConv2DBackpropFilter', x, dy);
    const { filterShape } = attrs;
    const [kh, kw, , mult] = filterShape;
    const g = windowGeometry('DepthwiseConv2DBackpropFilter', x.shape, [kh, kw], x.shape[3] * mult, attrs);
    assertShape('DepthwiseConv2DBackpropFilter', 'filterShape', filterShape, [kh, kw, g.inC, mult]);
    assertShape('DepthwiseConv2DBackpropFilter', 'dy', dy.shape, outShapeOf(g));
    const { batch, inH, inW, inC, outH, outW, outC, sh, sw, dh, dw, top, left } = g;
    const acc = new Float64Array(kh * kw * outC);
    const xv = backend.values(x);
    const dyv = backend.values(dy);
    let go = 0;
    for (let n = 0; n < batch; n++) {
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++, go += outC) {
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - top + ky * dh;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - left + kx * dw;
              if (ix < 0 || ix >= inW) continue;
              const xo = ((n * inH + iy) * inW + ix) * inC;
              const fo = (ky * kw + kx) * outC;
              for (let c = 0, j = 0; c < inC; c++) {
                const v = xv[xo + c];
                for (let m = 0; m < mult; m++, j++) acc[fo + j] += v * dyv[go + j];
              }
            }
          }
        }
      }
    }
    return backend.output(Float32Array.from(acc), filterShape, 'float32');
  },
};
