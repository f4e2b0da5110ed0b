import '@tessera/cpu-backend';
import { dispose, grads, memory, setRandomSeed, ShapeError, sum, tensor, tidy, type Tensor } from '@tessera/tensor';
import { beforeEach, describe, expect, it } from 'vitest';
import { Layer, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, clearSession } from '../src/index.js';

/** Eager training-mode call in a tidy scope, returning the values. */
const augment = (layer: Layer, x: Tensor) => tidy(() => Array.from((layer.apply(x, { training: true }) as Tensor).dataSync()));
const expectClose = (got: number[], want: number[], digits = 5) => {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, digits));
};

// One 2 x 3 single-channel image, repeated: flips are easy to recognize.
const image = [1, 2, 3, 4, 5, 6];
const mirrored = [3, 2, 1, 6, 5, 4];
const upsideDown = [4, 5, 6, 1, 2, 3];
const rotated180 = [6, 5, 4, 3, 2, 1];
const batchOf = (n: number) => tensor(Array.from({ length: n }, () => image).flat(), [n, 2, 3, 1]);
const images = (values: number[], n: number) => Array.from({ length: n }, (_, i) => values.slice(i * 6, i * 6 + 6));

describe('augmentation layers', () => {
  beforeEach(() => clearSession());

  const all = (): Layer[] => [
    new RandomFlip({ seed: 1 }),
    new RandomTranslation({ heightFactor: 0.5, widthFactor: 0.5, seed: 1 }),
    new RandomRotation({ factor: 0.5, seed: 1 }),
    new RandomZoom({ heightFactor: 0.5, seed: 1 }),
  ];

  it('are the identity at inference (the same tensor comes back)', () => {
    const x = batchOf(4);
    for (const layer of all()) {
      expect(layer.apply(x)).toBe(x);
      expect(layer.apply(x, { training: false })).toBe(x);
    }
    x.dispose();
  });

  it('are deterministic for a seed, draw new transforms per call, and leak nothing', () => {
    const x = tensor(Array.from({ length: 4 * 5 * 5 }, (_, i) => (i * 7) % 11), [4, 5, 5, 1]);
    const start = memory().numTensors;
    const pairs: Array<[() => Layer]> = [
      [() => new RandomFlip({ seed: 3 })],
      [() => new RandomTranslation({ heightFactor: 0.4, widthFactor: 0.4, seed: 3 })],
      [() => new RandomRotation({ factor: 0.3, seed: 3 })],
      [() => new RandomZoom({ heightFactor: 0.4, widthFactor: 0.3, seed: 3 })],
    ];
    for (const [make] of pairs) {
      const a = make();
      const b = make();
      const a1 = augment(a, x);
      const a2 = augment(a, x);
      expect(augment(b, x)).toEqual(a1);
      expect(augment(b, x)).toEqual(a2);
      expect(a2).not.toEqual(a1);
    }
    expect(memory().numTensors).toBe(start);
    x.dispose();
  });

  it('unseeded layers follow setRandomSeed', () => {
    const x = tensor(Array.from({ length: 4 * 5 * 5 }, (_, i) => (i * 7) % 11), [4, 5, 5, 1]);
    setRandomSeed(42);
    const a = augment(new RandomRotation({ factor: 0.3 }), x);
    setRandomSeed(42);
    const b = augment(new RandomRotation({ factor: 0.3 }), x);
    setRandomSeed(undefined);
    expect(b).toEqual(a);
    x.dispose();
  });

  it('reject inputs that are not images', () => {
    const x = tensor([1, 2, 3, 4], [2, 2]);
    expect(() => new RandomFlip().apply(x, { training: true })).toThrow(ShapeError);
    expect(() => new RandomZoom({ heightFactor: 0.1 }).apply(x)).toThrow(/random_zoom expects images \(batch, height, width, channels\) \(or one image without the batch\) but got shape \(None, 2\)/);
    x.dispose();
  });

  it('RandomFlip horizontal mirrors whole images, about half of them', () => {
    const x = batchOf(16);
    const out = images(augment(new RandomFlip({ mode: 'horizontal', seed: 11 }), x), 16);
    const flipped = out.filter((im) => JSON.stringify(im) === JSON.stringify(mirrored)).length;
    const kept = out.filter((im) => JSON.stringify(im) === JSON.stringify(image)).length;
    expect(flipped + kept).toBe(16);
    expect(flipped).toBeGreaterThan(2);
    expect(kept).toBeGreaterThan(2);
    x.dispose();
  });

  it('RandomFlip vertical and horizontal_and_vertical (one coin per image, as Keras 3)', () => {
    const x = batchOf(16);
    const vertical = images(augment(new RandomFlip({ mode: 'vertical', seed: 2 }), x), 16).map((im) => JSON.stringify(im));
    expect(new Set(vertical)).toEqual(new Set([JSON.stringify(image), JSON.stringify(upsideDown)]));
    const both = images(augment(new RandomFlip({ seed: 2 }), x), 16).map((im) => JSON.stringify(im));
    expect(new Set(both)).toEqual(new Set([JSON.stringify(image), JSON.stringify(rotated180)]));
    x.dispose();
  });

  it('RandomFlip handles single images and channels_first', () => {
    const single = tensor(image, [2, 3, 1]);
    const outs = new Set<string>();
    const layer = new RandomFlip({ mode: 'horizontal', seed: 4 });
    for (let i = 0; i < 8; i++) outs.add(JSON.stringify(augment(layer, single)));
    expect(outs).toEqual(new Set([JSON.stringify(image), JSON.stringify(mirrored)]));
    const first = tensor([...image, ...image.map((v) => v * 10)], [1, 2, 2, 3]); // two channels of 2 x 3
    const flipped = new Set<string>();
    const cf = new RandomFlip({ mode: 'horizontal', seed: 4, dataFormat: 'channels_first' });
    for (let i = 0; i < 8; i++) flipped.add(JSON.stringify(augment(cf, first)));
    expect(flipped).toEqual(new Set([JSON.stringify([...image, ...image.map((v) => v * 10)]), JSON.stringify([...mirrored, ...mirrored.map((v) => v * 10)])]));
    dispose([single, first]);
  });

  it('RandomTranslation shifts by the drawn fraction and fills by fillMode', () => {
    // One row a b c d = 1 2 3 4, shifted right by exactly half its width (factor range [0.5, 0.5]).
    const row = tensor([1, 2, 3, 4], [1, 1, 4, 1]);
    const shift = (fillMode: 'constant' | 'nearest' | 'reflect' | 'wrap', interpolation: 'bilinear' | 'nearest' = 'bilinear') =>
      augment(new RandomTranslation({ heightFactor: 0, widthFactor: [0.5, 0.5], fillMode, interpolation, fillValue: 9, seed: 1 }), row);
    expect(shift('constant')).toEqual([9, 9, 1, 2]);
    expect(shift('nearest')).toEqual([1, 1, 1, 2]);
    expect(shift('reflect')).toEqual([2, 1, 1, 2]);
    expect(shift('wrap')).toEqual([3, 4, 1, 2]);
    expect(shift('constant', 'nearest')).toEqual([9, 9, 1, 2]);
    // A negative shift of a quarter moves left by one pixel.
    const left = new RandomTranslation({ heightFactor: 0, widthFactor: [-0.25, -0.25], fillMode: 'constant', seed: 1 });
    expect(augment(left, row)).toEqual([2, 3, 4, 0]);
    // Half a pixel: bilinear mixes neighbours.
    const half = new RandomTranslation({ heightFactor: 0, widthFactor: [0.125, 0.125], fillMode: 'nearest', seed: 1 });
    expect(augment(half, row)).toEqual([1, 1.5, 2.5, 3.5]);
    row.dispose();
  });

  it('names the supported fill modes and interpolations when given another', () => {
    expect(() => new RandomTranslation({ heightFactor: 0.1, widthFactor: 0.1, fillMode: 'mirror' as 'reflect' })).toThrow(
      /unsupported fillMode 'mirror'; supported: 'reflect', 'wrap', 'constant', 'nearest'/,
    );
    expect(() => new RandomZoom({ heightFactor: 0.1, interpolation: 'bicubic' as 'bilinear' })).toThrow(/unsupported interpolation 'bicubic'; supported: 'nearest', 'bilinear'/);
    expect(() => new RandomZoom({ heightFactor: 1.5 })).toThrow(/heightFactor.*in \[-1, 1\]/);
    expect(() => new RandomFlip({ mode: 'diagonal' as 'vertical' })).toThrow(/expected mode 'horizontal', 'vertical' or 'horizontal_and_vertical'/);
  });

  it('RandomRotation turns counter-clockwise by the drawn fraction of a full turn', () => {
    const square = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const quarter = new RandomRotation({ factor: [0.25, 0.25], fillMode: 'constant', seed: 1 });
    expectClose(augment(quarter, square), [3, 6, 9, 2, 5, 8, 1, 4, 7]);
    const half = new RandomRotation({ factor: [0.5, 0.5], seed: 1, interpolation: 'nearest' });
    expect(augment(half, square)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const none = new RandomRotation({ factor: 0, seed: 1 });
    expect(augment(none, square)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    square.dispose();
  });

  it('RandomZoom zooms about the center (positive factors zoom out)', () => {
    const row = tensor([0, 1, 2, 3, 4], [1, 1, 5, 1]);
    const none = new RandomZoom({ heightFactor: 0, seed: 1 });
    expect(augment(none, row)).toEqual([0, 1, 2, 3, 4]);
    // Zoom out x2 horizontally: output x reads input 2x - 2, so the center stays and the edges fill.
    const out = new RandomZoom({ heightFactor: 0, widthFactor: [1, 1], fillMode: 'constant', fillValue: -1, seed: 1 });
    expect(augment(out, row)).toEqual([-1, 0, 2, 4, -1]);
    // Zoom in x2: output x reads input x / 2 + 1.
    const inward = new RandomZoom({ heightFactor: 0, widthFactor: [-0.5, -0.5], seed: 1 });
    expect(augment(inward, row)).toEqual([1, 1.5, 2, 2.5, 3]);
    row.dispose();
  });

  it('passes gradients back to the images', () => {
    const x = tensor([1, 2, 3, 4], [1, 1, 4, 1]);
    const layer = new RandomTranslation({ heightFactor: 0, widthFactor: [0.5, 0.5], fillMode: 'constant', seed: 1 });
    const [g] = grads((t) => sum(layer.apply(t, { training: true }) as Tensor))([x]);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 0, 0]);
    dispose([x, g]);
  });
});
