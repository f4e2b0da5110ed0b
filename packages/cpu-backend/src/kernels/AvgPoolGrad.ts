import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { assertFloat32, forEachClippedWindow, assertShape, outShapeOf, poolGeometry } from '../util/window.js';

/** AvgPoolGrad: the gradient of AvgPool: each window's `dy / count` added to the image positions of the window. */
export const avgPoolGradConfig: KernelConfig<'AvgPoolGrad', CpuBackend> = {
  kernelName: 'AvgPoolGrad',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [dy], attrs, backend }) => {
    assertFloat32('AvgPoolGrad', dy);
    const { inputShape } = attrs;
    const g = poolGeometry('AvgPoolGrad', inputShape, attrs);
    assertShape('AvgPoolGrad', 'dy', dy.shape, outShapeOf(g));
    const dx = new Float32Array(util.sizeFromShape(inputShape));
    const dyv = backend.values(dy);
    const { inH, inW, inC: C } = g;
    const share = new Float64Array(C);
    forEachClippedWindow(g, ({ n, ys, ye, xs, xe, o }) => {
      const count = (ye - ys) * (xe - xs);
      if (count === 0) return;
      for (let c = 0; c < C; c++) share[c] = dyv[o + c] / count;
      for (let iy = ys; iy < ye; iy++) {
        for (let ix = xs; ix < xe; ix++) {
          const xo = ((n * inH + iy) * inW + ix) * C;
          for (let c = 0; c < C; c++) dx[xo + c] += share[c];
        }
      }
    });
    return backend.output(dx, inputShape, 'float32');
  },
};
