import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { checkResizeShapes, nearestMap } from '../util/resize.js';
import { assertFloat32 } from '../util/window.js';

/** ResizeNearestNeighbor: each output pixel copies the input pixel its coordinates map to (row and column maps computed once). */
export const resizeNearestNeighborConfig: KernelConfig<'ResizeNearestNeighbor', CpuBackend> = {
  kernelName: 'ResizeNearestNeighbor',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], attrs: { size, alignCorners, halfPixelCenters }, backend }) => {
    assertFloat32('ResizeNearestNeighbor', x);
    const [batch, inH, inW, C] = x.shape;
    const [outH, outW] = size;
    const outShape = [batch, outH, outW, C];
    checkResizeShapes('ResizeNearestNeighbor', x.shape, outShape);
    const out = new Float32Array(util.sizeFromShape(outShape));
    if (out.length === 0) return backend.output(out, outShape, 'float32');
    const xv = backend.values(x);
    const ys = nearestMap(inH, outH, alignCorners, halfPixelCenters);
    const xs = nearestMap(inW, outW, alignCorners, halfPixelCenters);
    let o = 0;
    for (let n = 0; n < batch; n++) {
      for (let y = 0; y < outH; y++) {
        const line = (n * inH + ys[y]) * inW;
        for (let xo = 0; xo < outW; xo++) {
          for (let s = (line + xs[xo]) * C, e = s + C; s < e; s++) out[o++] = xv[s];
        }
      }
    }
    return backend.output(out, outShape, 'float32');
  },
};
