import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { assertFloat32, outShapeOf, poolGeometry } from '../util/window.js';

/**
 * AvgPool: the mean of each window of `x [N, H, W, C]`, per channel, over the positions
 * inside the image only (a padded border window divides by fewer, as TensorFlow).
 */
export const avgPoolConfig: KernelConfig<'AvgPool', CpuBackend> = {
  kernelName: 'AvgPool',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], attrs, backend }) => {
    assertFloat32('AvgPool', x);
    const g = poolGeometry('AvgPool', x.shape, attrs);
    const outShape = outShapeOf(g);
    const out = new Float32Array(util.sizeFromShape(outShape));
    const xv = backend.values(x);
    const { batch, inH, inW, inC: C, outH, outW, kh, kw, sh, sw, top, left } = g;
    const acc = new Float64Array(C);
    let o = 0;
    for (let n = 0; n < batch; n++) {
      for (let oy = 0; oy < outH; oy++) {
        const y0 = oy * sh - top;
        const ys = Math.max(y0, 0);
        const ye = Math.min(y0 + kh, inH);
        for (let ox = 0; ox < outW; ox++, o += C) {
          const x0 = ox * sw - left;
          const xs = Math.max(x0, 0);
          const xe = Math.min(x0 + kw, inW);
          acc.fill(0);
          for (let iy = ys; iy < ye; iy++) {
            for (let ix = xs; ix < xe; ix++) {
              const xo = ((n * inH + iy) * inW + ix) * C;
              for (let c = 0; c < C; c++) acc[c] += xv[xo + c];
            }
          }
          const count = (ye - ys) * (xe - xs);
          for (let c = 0; c < C; c++) out[o + c] = count > 0 ? acc[c] / count : 0;
        }
      }
    }
    return backend.output(out, outShape, 'float32');
  },
};
