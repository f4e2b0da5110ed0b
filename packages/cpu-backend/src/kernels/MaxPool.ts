import { util, type KernelConfig, type PoolAttrs, type Shape } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { maxPoolWasm } from '../util/max_pool_wasm.js';
import { getVectorImplementation } from '../util/vector_wasm.js';
import { assertFloat32, forEachClippedWindow, outShapeOf, poolGeometry, type WindowGeometry } from '../util/window.js';

/** The key of MaxPool's note about its input: the input's shape (a reshape shares the buffer) and the window, which MaxPoolGrad must match. */
export function maxPoolNoteKey(shape: Shape, attrs: PoolAttrs): string {
  return `MaxPool [${shape.join(',')}] ${attrs.poolSize.join(',')} ${attrs.strides.join(',')} ${attrs.pad.join(',')}`;
}

/**
 * What MaxPool notes for MaxPoolGrad: each maximum's place in its window, as bytes where
 * kh * kw < 256 (a quarter of the traffic of int32, and what the WebAssembly loops read),
 * else int32.
 */
export type MaxPoolPositions = Uint8Array | Int32Array;

/** The dtype of MaxPool's positions for this window (see {@link MaxPoolPositions}). */
export function positionsDType(g: WindowGeometry): 'bool' | 'int32' {
  return g.kh * g.kw < 256 ? 'bool' : 'int32';
}

/**
 * MaxPool: the largest value of each window of `x [N, H, W, C]`, per channel. The window
 * is clipped to the image, so padding is never the maximum. NaN never wins a comparison,
 * so it is skipped unless a whole window is NaN; an empty window (padding only) gives 0.
 *
 * It also notes, for MaxPoolGrad, where each maximum is (the first one scanning rows then
 * columns, as MaxPoolGrad's own search would find): its number in that scan of the window
 * clipped to the image (`kh * kw` for an empty window). The comparisons pick bit
 * patterns with a mask, without branches: a branch per element mispredicts on real
 * activations. Channels in whole vectors of 4 run on WebAssembly SIMD
 * (`setVectorImplementation('js')` keeps the TypeScript loop).
 */
export const maxPoolConfig: KernelConfig<'MaxPool', CpuBackend> = {
  kernelName: 'MaxPool',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], attrs, backend }) => {
    assertFloat32('MaxPool', x);
    const g = poolGeometry('MaxPool', x.shape, attrs);
    const outShape = outShapeOf(g);
    const size = util.sizeFromShape(outShape);
    backend.forget(x);
    const out = backend.alloc('float32', size) as Float32Array;
    const at = backend.alloc(positionsDType(g), size) as MaxPoolPositions;
    maxPool(g, backend.values(x) as Float32Array, out, at);
    backend.note(x, maxPoolNoteKey(x.shape, attrs), at);
    return backend.output(out, outShape, 'float32');
  },
};

/** Whether the WebAssembly loops take a pooling: channels in whole vectors of 4, positions in bytes. */
export function wasmPools(g: WindowGeometry, at: MaxPoolPositions): at is Uint8Array {
  return at instanceof Uint8Array && getVectorImplementation() === 'wasm' && g.inC % 4 === 0 && at.length > 0;
}

/** MaxPool's loop (see {@link maxPoolConfig}): the maxima into `out`, their positions into `at`, which it returns. */
export function maxPool(g: WindowGeometry, xv: Float32Array, out: Float32Array, at: MaxPoolPositions): MaxPoolPositions {
  if (wasmPools(g, at)) maxPoolWasm(g, xv, out, at, false);
  else maxPoolJs(g, xv, out, at);
  return at;
}

/** MaxPool in TypeScript: the maxima into `out`, their numbers in the scan of the window into `at`. */
function maxPoolJs(g: WindowGeometry, xv: Float32Array, out: Float32Array, at: MaxPoolPositions): void {
  const outBits = new Int32Array(out.buffer, out.byteOffset, out.length);
  const xBits = new Int32Array(xv.buffer, xv.byteOffset, xv.length);
  const { inH, inW, inC: C } = g;
  // The window's positions (flat offsets of channel 0), row-major: the scan order.
  const pos = new Int32Array(g.kh * g.kw);
  forEachClippedWindow(g, ({ n, ys, ye, xs, xe, o }) => {
    let count = 0;
    for (let iy = ys; iy < ye; iy++) for (let ix = xs; ix < xe; ix++) pos[count++] = ((n * inH + iy) * inW + ix) * C;
    if (count === 0) {
      out.fill(0, o, o + C);
      at.fill(pos.length, o, o + C);
      return;
    }
    for (let c = 0; c < C; c++) {
      let best = 0;
      let value = xv[pos[0] + c];
      for (let q = 1; q < count; q++) {
        // All ones where this position wins: strictly greater (ties keep the first), or a NaN best.
        const m = -(+(xv[pos[q] + c] > value) | +(value !== value));
        best = (q & m) | (best & ~m);
        value = xv[pos[best] + c];
      }
      outBits[o + c] = xBits[pos[best] + c];
      at[o + c] = best;
    }
  });
}
