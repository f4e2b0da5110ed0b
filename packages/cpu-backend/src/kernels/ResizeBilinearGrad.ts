import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { bilinearMap, checkResizeShapes } from '../util/resize.js';
import { assertFloat32 } from '../util/window.js';

/** ResizeBilinearGrad: each value of `dy` added to its four source pixels, times their interpolation weights. */
export const resizeBilinearGradConfig: KernelConfig<'ResizeBilinearGrad', CpuBackend> = {
  kernelName: 'ResizeBilinearGrad',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [dy], attrs: { inputShape, alignCorners, halfPixelCenters }, backend }) => {
    assertFloat32('ResizeBilinearGrad', dy);
    checkResizeShapes('ResizeBilinearGrad', inputShape, dy.shape);
    const [batch, inH, inW, C] = inputShape;
    const [, outH, outW] = dy.shape;
    const dx = new Float32Array(util.sizeFromShape(inputShape));
    if (dx.length === 0 || dy.shape.includes(0)) return backend.output(dx, inputShape, 'float32');
    const dyv = backend.values(dy);
    const ym = bilinearMap(inH, outH, alignCorners, halfPixelCenters);
    const xm = bilinearMap(inW, outW, alignCorners, halfPixelCenters);
    let o = 0;
    for (let n = 0; n < batch; n++) {
      for (let y = 0; y < outH; y++) {
        const t = (n * inH + ym.lower[y]) * inW * C;
        const b = (n * inH + ym.upper[y]) * inW * C;
        const yl = ym.lerp[y];
        for (let xo = 0; xo < outW; xo++) {
          const l = xm.lower[xo] * C;
          const r = xm.upper[xo] * C;
          const xl = xm.lerp[xo];
          const wtl = (1 - yl) * (1 - xl);
          const wtr = (1 - yl) * xl;
          const wbl = yl * (1 - xl);
          const wbr = yl * xl;
          for (let c = 0; c < C; c++) {
            const v = dyv[o++];
            dx[t + l + c] += v * wtl;
            dx[t + r + c] += v * wtr;
            dx[b + l + c] += v * wbl;
            dx[b + r + c] += v * wbr;
          }
        }
      }
    }
    return backend.output(dx, inputShape, 'float32');
  },
};
