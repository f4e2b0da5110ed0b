import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { assertFloat32, forEachClippedWindow, outShapeOf, poolGeometry } from '../util/window.js';

/**
 * MaxPool: the largest value of each window of `x [N, H, W, C]`, per channel. The window
 * is clipped to the image, so padding is never the maximum. NaN never wins a comparison,
 * so it is skipped unless a whole window is NaN.
 */
export const maxPoolConfig: KernelConfig<'MaxPool', CpuBackend> = {
  kernelName: 'MaxPool',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], attrs, backend }) => {
    assertFloat32('MaxPool', x);
    const g = poolGeometry('MaxPool', x.shape, attrs);
    const outShape = outShapeOf(g);
    const out = new Float32Array(util.sizeFromShape(outShape));
    const xv = backend.values(x);
    const { inH, inW, inC: C } = g;
    forEachClippedWindow(g, ({ n, ys, ye, xs, xe, o }) => {
      let first = true;
      for (let iy = ys; iy < ye; iy++) {
        for (let ix = xs; ix < xe; ix++) {
          const xo = ((n * inH + iy) * inW + ix) * C;
          if (first) {
            for (let c = 0; c < C; c++) out[o + c] = xv[xo + c];
            first = false;
          } else {
            for (let c = 0; c < C; c++) if (xv[xo + c] > out[o + c] || out[o + c] !== out[o + c]) out[o + c] = xv[xo + c];
          }
        }
      }
    });
    return backend.output(out, outShape, 'float32');
  },
};
