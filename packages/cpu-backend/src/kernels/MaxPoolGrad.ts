import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { assertFloat32, forEachClippedWindow, assertShape, outShapeOf, poolGeometry } from '../util/window.js';

/**
 * MaxPoolGrad: the gradient of MaxPool. Each window's maximum is found again in `x`
 * (the first one, scanning rows then columns, as TensorFlow), and the window's `dy` is
 * added to that position.
 */
export const maxPoolGradConfig: KernelConfig<'MaxPoolGrad', CpuBackend> = {
  kernelName: 'MaxPoolGrad',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [dy, x], attrs, backend }) => {
    assertFloat32('MaxPoolGrad', dy, x);
    const g = poolGeometry('MaxPoolGrad', x.shape, attrs);
    assertShape('MaxPoolGrad', 'dy', dy.shape, outShapeOf(g));
    const dx = new Float32Array(util.sizeFromShape(x.shape));
    const xv = backend.values(x);
    const dyv = backend.values(dy);
    const { inH, inW, inC: C } = g;
    const best = new Float32Array(C);
    const at = new Int32Array(C);
    forEachClippedWindow(g, ({ n, ys, ye, xs, xe, o }) => {
      at.fill(-1);
      for (let iy = ys; iy < ye; iy++) {
        for (let ix = xs; ix < xe; ix++) {
          const xo = ((n * inH + iy) * inW + ix) * C;
          for (let c = 0; c < C; c++) {
            const v = xv[xo + c];
            // Strictly greater: ties keep the first. A NaN best (only ever the first) yields to any number, as MaxPool.
            if (at[c] < 0 || v > best[c] || best[c] !== best[c]) {
              best[c] = v;
              at[c] = xo + c;
            }
          }
        }
      }
      for (let c = 0; c < C; c++) if (at[c] >= 0) dx[at[c]] += dyv[o + c];
    });
    return backend.output(dx, x.shape, 'float32');
  },
};
