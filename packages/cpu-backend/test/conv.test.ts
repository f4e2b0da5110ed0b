// The im2col + GEMM convolution kernels past what the conformance suite's small shapes
// reach: several bands of output pixels, both GEMMs, and the speed at the MNIST
// tutorial's shape (printed, not asserted).
import { afterAll, describe, expect, it } from 'vitest';
import { conv2d, conv2dBackpropFilter, conv2dTranspose, dispose, grads, tensor, tidy, type Tensor } from '@tessera/tensor';
import { getGemmImplementation, setGemmImplementation, wasmGemmAvailable } from '../src/index.js';
import { expectClose, randomFloats } from './helpers.js';

interface Window {
  strides: [number, number];
  padding: 'valid' | 'same';
  dilations: [number, number];
}

/** TensorFlow's output size and padding before along one axis. */
function axis(size: number, k: number, s: number, d: number, padding: 'valid' | 'same'): [number, number] {
  const span = (k - 1) * d + 1;
  if (padding === 'valid') return [Math.floor((size - span) / s) + 1, 0];
  const out = Math.ceil(size / s);
  return [out, Math.floor(Math.max((out - 1) * s + span - size, 0) / 2)];
}

/** Calls `tap(xIndex, fIndex, yIndex)` (flat, without channels) for every product of a conv2d. */
function eachTap(xs: number[], fs: number[], w: Window, tap: (xi: number, fi: number, yi: number) => void): number[] {
  const [n, h, wd] = xs;
  const [kh, kw] = fs;
  const [oh, top] = axis(h, kh, w.strides[0], w.dilations[0], w.padding);
  const [ow, left] = axis(wd, kw, w.strides[1], w.dilations[1], w.padding);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy * w.strides[0] - top + ky * w.dilations[0];
            const ix = ox * w.strides[1] - left + kx * w.dilations[1];
            if (iy >= 0 && iy < h && ix >= 0 && ix < wd) tap((b * h + iy) * wd + ix, ky * kw + kx, (b * oh + oy) * ow + ox);
          }
  return [n, oh, ow, fs[3]];
}

/** Naive conv2d and its two gradients in double precision. */
function reference(x: Float32Array, xs: number[], f: Float32Array, fs: number[], dy: Float32Array | undefined, w: Window) {
  const [cin, cout] = [fs[2], fs[3]];
  const outShape = eachTap(xs, fs, w, () => undefined);
  const y = new Float64Array(outShape.reduce((a, b) => a * b, 1));
  const dx = new Float64Array(x.length);
  const df = new Float64Array(f.length);
  eachTap(xs, fs, w, (xi, fi, yi) => {
    for (let ci = 0; ci < cin; ci++) {
      for (let co = 0; co < cout; co++) {
        const fv = f[(fi * cin + ci) * cout + co];
        y[yi * cout + co] += x[xi * cin + ci] * fv;
        if (dy) {
          dx[xi * cin + ci] += dy[yi * cout + co] * fv;
          df[(fi * cin + ci) * cout + co] += x[xi * cin + ci] * dy[yi * cout + co];
        }
      }
    }
  });
  return { y, dx, df, outShape };
}

const implementations = wasmGemmAvailable() ? (['js', 'wasm'] as const) : (['js'] as const);
const initial = getGemmImplementation();
afterAll(() => void setGemmImplementation(initial));

describe.each(implementations)('Conv2D and its gradients on several bands of output pixels (%s GEMM)', (impl) => {
  // [x shape, filter shape, window]: each has more output pixels (times patch size) than one band holds.
  const shapes: Array<[number[], number[], Window]> = [
    [[4, 50, 50, 8], [3, 3, 8, 8], { strides: [1, 1], padding: 'same', dilations: [1, 1] }],
    [[3, 61, 47, 5], [4, 3, 5, 7], { strides: [2, 1], padding: 'same', dilations: [1, 2] }],
    [[2, 200, 190, 3], [1, 1, 3, 4], { strides: [1, 1], padding: 'valid', dilations: [1, 1] }],
    // Runs of 48 and more values (a patch row, or one tap's channels at a border), which im2col copies natively.
    [[2, 9, 8, 16], [3, 3, 16, 4], { strides: [1, 1], padding: 'same', dilations: [1, 1] }],
    [[1, 6, 7, 64], [3, 2, 64, 3], { strides: [1, 2], padding: 'same', dilations: [1, 1] }],
  ];
  for (const [xs, fs, w] of shapes) {
    it(`x [${xs}] * filter [${fs}], ${w.padding}, strides [${w.strides}], dilations [${w.dilations}]`, () => {
      setGemmImplementation(impl);
      const xv = randomFloats(xs.reduce((a, b) => a * b, 1), 1);
      const fv = randomFloats(fs.reduce((a, b) => a * b, 1), 2);
      const outShape = reference(xv, xs, fv, fs, undefined, w).outShape;
      const dyv = randomFloats(outShape.reduce((a, b) => a * b, 1), 3);
      const ref = reference(xv, xs, fv, fs, dyv, w);
      tidy(() => {
        const x = tensor(xv, xs);
        const f = tensor(fv, fs);
        const dy = tensor(dyv, outShape);
        const y = conv2d(x, f, w);
        expect(y.shape).toEqual(outShape);
        expectClose(y.dataSync(), ref.y, 1e-5);
        expectClose(conv2dTranspose(dy, f, xs, w).dataSync(), ref.dx, 1e-5);
        expectClose(conv2dBackpropFilter(x, dy, fs, w).dataSync(), ref.df, 1e-4);
      });
    });
  }
});

describe('speed at the MNIST tutorial shape (printed, not asserted)', () => {
  const time = (fn: () => void, runs = 5): number => {
    fn(); // warm up
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      fn();
      ms.push(performance.now() - t0);
    }
    return ms.sort((a, b) => a - b)[Math.floor(runs / 2)];
  };

  for (const impl of implementations) {
    it(`conv2d [128, 28, 28, 1] * [5, 5, 1, 32], forward and forward + backward (${impl} GEMM)`, () => {
      setGemmImplementation(impl);
      const x = tensor(randomFloats(128 * 28 * 28, 4), [128, 28, 28, 1]);
      const f = tensor(randomFloats(5 * 5 * 32, 5), [5, 5, 1, 32]);
      const dy = tensor(randomFloats(128 * 24 * 24 * 32, 6), [128, 24, 24, 32]);
      const forward = time(() => conv2d(x, f).dispose());
      const filterGrad = time(() => conv2dBackpropFilter(x, dy, [5, 5, 1, 32]).dispose());
      const inputGrad = time(() => conv2dTranspose(dy, f, [128, 28, 28, 1]).dispose());
      // grads(f)(xs, dy) backpropagates dy itself (the gradient of sum(conv2d * dy)): the conv alone.
      // A first layer's training step needs the filter gradient only; the input gradient is then skipped.
      const stepFilter = time(() => dispose(grads((b: Tensor) => conv2d(x, b))([f], dy)));
      const stepBoth = time(() => dispose(grads((a: Tensor, b: Tensor) => conv2d(a, b))([x, f], dy)));
      console.log(
        `conv2d [128,28,28,1]x[5,5,1,32] (${impl} GEMM, medians of 5): forward ${forward.toFixed(1)} ms; ` +
          `Conv2DBackpropFilter ${filterGrad.toFixed(1)} ms; Conv2DBackpropInput ${inputGrad.toFixed(1)} ms; ` +
          `forward + backward for the filter ${stepFilter.toFixed(1)} ms; for input and filter ${stepBoth.toFixed(1)} ms`,
      );
      dispose([x, f, dy]);
      expect(forward).toBeGreaterThan(0);
    });
  }
});
