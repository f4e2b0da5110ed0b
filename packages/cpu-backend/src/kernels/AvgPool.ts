import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { assertFloat32, forEachClippedWindow, outShapeOf, poolGeometry } from '../util/window.js';

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
    const { inH, inW, inC: C } = g;
    const acc = new Float64Array(C);
    forEachClippedWindow(g, ({ n, ys, ye, xs, xe, o }) => {
      acc.fill(0);
      for (let iy = ys; iy < ye; iy++) {
        for (let ix = xs; ix < xe; ix++) {
          const xo = ((n * inH + iy) * inW + ix) * C;
          for (let c = 0; c < C; c++) acc[c] += xv[xo + c];
        }
      }
      const count = (ye - ys) * (xe - xs);
      for (let c = 0; c < C; c++) out[o + c] = count > 0 ? acc[c] / count : 0;
    });
    return backend.output(out, outShape, 'float32');
  },
};
