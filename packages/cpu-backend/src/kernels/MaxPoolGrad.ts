import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { assertFloat32, forEachClippedWindow, assertShape, outShapeOf, poolGeometry, type WindowGeometry } from '../util/window.js';
import { getVectorImplementation } from '../util/vector_wasm.js';
import { maxPoolWasm } from '../util/max_pool_wasm.js';
import { maxPoolNoteKey, type MaxPoolPositions } from './MaxPool.js';

/**
 * MaxPoolGrad: the gradient of MaxPool. Each window's `dy` is added to the position of
 * its maximum in `x` (the first one, scanning rows then columns, as TensorFlow). When
 * MaxPool ran on this very `x` with the same window (as in backprop), the positions it
 * noted are used (on WebAssembly SIMD for channels in whole vectors of 4, writing dx in
 * one pass); otherwise each window is searched again.
 */
export const maxPoolGradConfig: KernelConfig<'MaxPoolGrad', CpuBackend> = {
  kernelName: 'MaxPoolGrad',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [dy, x], attrs, backend }) => {
    assertFloat32('MaxPoolGrad', dy, x);
    const g = poolGeometry('MaxPoolGrad', x.shape, attrs);
    assertShape('MaxPoolGrad', 'dy', dy.shape, outShapeOf(g));
    const dx = backend.alloc('float32', util.sizeFromShape(x.shape)) as Float32Array;
    const dyv = backend.values(dy) as Float32Array;
    const noted = backend.recall(x, maxPoolNoteKey(x.shape, attrs)) as MaxPoolPositions | undefined;
    if (noted instanceof Uint8Array && getVectorImplementation() === 'wasm' && g.inC % 4 === 0 && dx.length > 0) {
      maxPoolWasm(g, dx, dyv, noted, true);
    } else if (noted) {
      dx.fill(0);
      addAtNoted(g, noted, dyv, dx);
    } else {
      dx.fill(0);
      searchAndAdd(g, backend.values(x), dyv, dx);
    }
    return backend.output(dx, x.shape, 'float32');
  },
};

/** Adds each window's dy to the maximum MaxPool noted, by its number in the scan of the clipped window. */
function addAtNoted(g: WindowGeometry, at: MaxPoolPositions, dyv: Float32Array, dx: Float32Array): void {
  const { inH, inW, inC: C } = g;
  forEachClippedWindow(g, ({ n, ys, ye, xs, xe, o }) => {
    const cols = xe - xs;
    for (let c = 0; c < C; c++) {
      const q = at[o + c];
      if (q < (ye - ys) * cols) dx[((n * inH + ys + Math.floor(q / cols)) * inW + xs + (q % cols)) * C + c] += dyv[o + c];
    }
  });
}

/** Adds each window's dy to its first maximum in `x`, found by scanning the window. */
function searchAndAdd(g: WindowGeometry, xv: ArrayLike<number>, dyv: ArrayLike<number>, dx: Float32Array): void {
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
}
