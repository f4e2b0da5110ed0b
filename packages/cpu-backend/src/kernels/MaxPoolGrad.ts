import { util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { assertFloat32, forEachClippedWindow, assertShape, outShapeOf, poolGeometry, type WindowGeometry } from '../util/window.js';
import { maxPoolWasm } from '../util/max_pool_wasm.js';
import { maxPool, maxPoolNoteKey, positionsDType, wasmPools, type MaxPoolPositions } from './MaxPool.js';

/**
 * MaxPoolGrad: the gradient of MaxPool. Each window's `dy` is added to the position of
 * its maximum in `x` (the first one, scanning rows then columns, as TensorFlow). When
 * MaxPool ran on this very `x` with the same window (as in backprop), the positions it
 * noted are used; otherwise MaxPool's loop finds them again. Channels in whole vectors of 4
 * run on WebAssembly SIMD, which writes dx in one pass.
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
    const size = dyv.length;
    const at =
      (backend.recall(x, maxPoolNoteKey(x.shape, attrs)) as MaxPoolPositions | undefined) ??
      maxPool(g, backend.values(x) as Float32Array, new Float32Array(size), util.makeTypedArray(positionsDType(g), size));
    if (wasmPools(g, at)) {
      maxPoolWasm(g, dx, dyv, at, true);
    } else {
      dx.fill(0);
      addAtNoted(g, at, dyv, dx);
    }
    return backend.output(dx, x.shape, 'float32');
  },
};

/** Adds each window's dy to its maximum, by its number in the scan of the clipped window. */
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
