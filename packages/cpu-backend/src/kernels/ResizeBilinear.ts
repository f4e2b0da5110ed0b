import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { bilinearMap, checkResizeShapes } from '../util/resize.js';
import { assertFloat32 } from '../util/window.js';

/**
 * ResizeBilinear: each output pixel interpolates its four source pixels, first along x
 * on the two rows, then between the rows (TensorFlow's order of operations).
 */
export const resizeBilinearConfig: KernelConfig<'ResizeBilinear', CpuBackend> = {
  kernelName: 'ResizeBilinear',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], attrs: { size, alignCorners, halfPixelCenters }, backend }) => {
    assertFloat32('ResizeBilinear', x);
    const [batch, inH, inW, C] = x.shape;
    const [outH, outW] = size;
    const outShape = [batch, outH, outW, C];
    checkResizeShapes('ResizeBilinear', x.shape, outShape);
    const out = new Float32Array(util.sizeFromShape(outShape));
    if (out.length === 0) return backend.output(out, outShape, 'float32');
    const xv = backend.values(x);
    const ym = bilinearMap(inH, outH, alignCorners, halfPixelCenters);
    const xm = bilinearMap(inW, outW, alignCorners, halfPixelCenters);
    let o = 0;
    for (let n = 0; n < batch; n++) {
      for (let y = 0; y < outH; y++) {
        const topLine = (n * inH + ym.lower[y]) * inW;
        const bottomLine = (n * inH + ym.upper[y]) * inW;
        const yl = ym.lerp[y];
        for (let xo = 0; xo < outW; xo++) {
          const l = xm.lower[xo] * C;
          const r = xm.upper[xo] * C;
          const xl = xm.lerp[xo];
          const t = topLine * C;
          const b = bottomLine * C;
          for (let c = 0; c < C; c++) {
            const top = xv[t + l + c] + (xv[t + r + c] - xv[t + l + c]) * xl;
            const bottom = xv[b + l + c] + (xv[b + r + c] - xv[b + l + c]) * xl;
            out[o++] = top + (bottom - top) * yl;
          }
        }
      }
    }
    return backend.output(out, outShape, 'float32');
  },
};
