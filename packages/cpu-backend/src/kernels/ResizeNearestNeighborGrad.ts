import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { checkResizeShapes, nearestMap } from '../util/resize.js';
import { assertFloat32 } from '../util/window.js';

/** ResizeNearestNeighborGrad: each value of `dy` added to the input pixel that output pixel copied. */
export const resizeNearestNeighborGradConfig: KernelConfig<'ResizeNearestNeighborGrad', CpuBackend> = {
  kernelName: 'ResizeNearestNeighborGrad',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [dy], attrs: { inputShape, alignCorners, halfPixelCenters }, backend }) => {
    assertFloat32('ResizeNearestNeighborGrad', dy);
    checkResizeShapes('ResizeNearestNeighborGrad', inputShape, dy.shape);
    const [batch, inH, inW, C] = inputShape;
    const [, outH, outW] = dy.shape;
    const dx = new Float32Array(util.sizeFromShape(inputShape));
    if (dx.length === 0 || dy.shape.includes(0)) return backend.output(dx, inputShape, 'float32');
    const dyv = backend.values(dy);
    const ys = nearestMap(inH, outH, alignCorners, halfPixelCenters);
    const xs = nearestMap(inW, outW, alignCorners, halfPixelCenters);
    let o = 0;
    for (let n = 0; n < batch; n++) {
      for (let y = 0; y < outH; y++) {
        const line = (n * inH + ys[y]) * inW;
        for (let xo = 0; xo < outW; xo++) {
          for (let s = (line + xs[xo]) * C, e = s + C; s < e; s++) dx[s] += dyv[o++];
        }
      }
    }
    return backend.output(dx, inputShape, 'float32');
  },
};
