// While autodiff records, Conv2D keeps its whole patch matrix as a note about x, and
// Conv2DBackpropFilter reads it instead of building the patches again: the filter
// gradient must have the bits of the one built from scratch, and inference notes nothing.
// These inputs have few channels, which the direct kernels take by default (they need no
// patches): the im2col path is forced here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2d, getEngine, grads, mul, sum, type Tensor } from '@tessera/tensor';
import type { CpuBackend } from '../src/index.js';
import { setDirectConv } from '../src/util/conv_direct.js';
import { patchesNoteKey } from '../src/util/im2col.js';
import { windowGeometry } from '../src/util/window.js';
import { randomFloats, run, t } from './helpers.js';

const bitsOf = (x: Tensor) => Array.from(new Uint32Array(Float32Array.from(x.dataSync()).buffer));
const cpu = () => getEngine().backend as CpuBackend;

const CASES: Array<[string, number[], number[], [number, number], 'valid' | 'same']> = [
  ['3x3, stride 1, same', [3, 9, 8, 2], [3, 3, 2, 5], [1, 1], 'same'],
  ['5x5 of one channel (an MNIST first layer)', [4, 12, 12, 1], [5, 5, 1, 8], [1, 1], 'valid'],
  ['2x3, stride 2x1, same', [2, 7, 9, 3], [2, 3, 3, 4], [2, 1], 'same'],
  // 10800 output pixels of 25 patch values: more than one band (see bandRows).
  ['5x5 over two bands of output pixels', [3, 64, 64, 1], [5, 5, 1, 4], [1, 1], 'valid'],
];

/** TensorFlow's 'same' padding of one axis: `[before, after]`. */
function samePad(size: number, k: number, s: number): [number, number] {
  const total = Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

describe('Conv2D patches noted for Conv2DBackpropFilter', () => {
  beforeAll(() => setDirectConv(false));
  afterAll(() => setDirectConv(true));
  for (const [name, xShape, fShape, strides, padding] of CASES) {
    it(`${name}: the filter gradient from the noted patches has the bits of a fresh one`, () => {
      const x = t(randomFloats(xShape.reduce((a, b) => a * b), 1), xShape);
      const filter = t(randomFloats(fShape.reduce((a, b) => a * b), 2), fShape);
      const [ph, pw] = padding === 'same' ? [samePad(xShape[1], fShape[0], strides[0]), samePad(xShape[2], fShape[1], strides[1])] : [[0, 0], [0, 0]];
      const pad: [number, number, number, number] = [ph[0], ph[1], pw[0], pw[1]];
      const attrs = { strides, dilations: [1, 1] as [number, number], pad };
      const g = windowGeometry('test', x.shape, [fShape[0], fShape[1]], fShape[3], attrs);
      const w = t(randomFloats(xShape[0] * g.outH * g.outW * fShape[3], 3), [xShape[0], g.outH, g.outW, fShape[3]]);
      const [dFilter] = grads((f: Tensor) => sum(mul(conv2d(x, f, { strides, padding }), w)))([filter]);
      expect(cpu().recall(x, patchesNoteKey(x.shape, g)), 'noted while recording').toBeDefined();
      // A copy of x has no note: the patches are built again, band by band.
      const fresh = run('Conv2DBackpropFilter', [t(x.dataSync(), x.shape), w], { ...attrs, filterShape: fShape as [number, number, number, number] });
      expect(bitsOf(dFilter)).toEqual(bitsOf(fresh));
      dFilter.dispose();
    });
  }

  it('notes nothing outside autodiff, and drops the note with x', () => {
    const x = t(randomFloats(2 * 6 * 6, 4), [2, 6, 6, 1]);
    const attrs = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number] };
    const g = windowGeometry('test', x.shape, [3, 3], 2, attrs);
    run('Conv2D', [x, t(randomFloats(18, 5), [3, 3, 1, 2])], attrs);
    expect(cpu().recall(x, patchesNoteKey(x.shape, g))).toBeUndefined();
    const filter = t(randomFloats(18, 5), [3, 3, 1, 2]);
    grads((f: Tensor) => sum(conv2d(x, f)))([filter]).forEach((d) => d.dispose());
    expect(cpu().recall(x, patchesNoteKey(x.shape, g))).toBeDefined();
    x.dispose();
    expect(cpu().recall(x, patchesNoteKey(x.shape, g))).toBeUndefined();
  });
});
