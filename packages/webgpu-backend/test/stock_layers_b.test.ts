// The stock layers of issue 13 (part 3) on WebGPU: outputs and gradients (input and
// weights) equal the CPU's, and nothing leaks. The layers compose existing ops only.
import '@tessera/cpu-backend';
import './setup.js';
import {
  ActivityRegularization,
  AlphaDropout,
  CenterCrop,
  clearSession,
  Embedding,
  GaussianDropout,
  GaussianNoise,
  GroupNormalization,
  Normalization,
  RepeatVector,
  Rescaling,
  Resizing,
  UnitNormalization,
  type Layer,
} from '@tessera/layers';
import { add, dispose, getBackend, memory, mul, setBackend, sum, tensor, tidy, variable, variableGrads, type Tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';

const wave = (n: number, a = 0.37, b = 0.1, s = 2) => Float32Array.from({ length: n }, (_, i) => s * Math.sin(i * a + b));

interface Case {
  name: string;
  build: () => Layer;
  shape: number[];
  /** Integer inputs (Embedding): no input gradient. */
  ids?: boolean;
  training?: boolean;
  /** Prepares the layer after it is built (Normalization.adapt). */
  prepare?: (layer: Layer) => void;
}

const CASES: Case[] = [
  { name: 'Rescaling', build: () => new Rescaling({ scale: [0.5, 2, -1], offset: 0.25 }), shape: [2, 4, 3] },
  {
    name: 'Normalization (adapted)',
    build: () => new Normalization({ axis: [1, 2] }),
    shape: [3, 4, 2],
    prepare: (l) => tidy(() => (l as Normalization).adapt(tensor(wave(24, 0.9, 0.3, 5), [3, 4, 2]))),
  },
  { name: 'Normalization (fixed, invert)', build: () => new Normalization({ mean: [1, 2], variance: [4, 9], invert: true }), shape: [3, 2] },
  { name: 'Resizing bilinear', build: () => new Resizing({ height: 3, width: 5 }), shape: [2, 5, 4, 2] },
  { name: 'Resizing nearest', build: () => new Resizing({ height: 7, width: 3, interpolation: 'nearest' }), shape: [2, 5, 4, 2] },
  { name: 'Resizing bicubic antialias, cropped', build: () => new Resizing({ height: 2, width: 3, interpolation: 'bicubic', antialias: true, cropToAspectRatio: true }), shape: [1, 6, 5, 2] },
  { name: 'Resizing lanczos5 padded', build: () => new Resizing({ height: 4, width: 4, interpolation: 'lanczos5', padToAspectRatio: true, fillValue: 0.5 }), shape: [1, 3, 5, 2] },
  { name: 'CenterCrop', build: () => new CenterCrop({ height: 3, width: 2 }), shape: [2, 5, 4, 1] },
  { name: 'CenterCrop (smaller image)', build: () => new CenterCrop({ height: 6, width: 3 }), shape: [1, 4, 4, 2] },
  { name: 'Embedding', build: () => new Embedding({ inputDim: 7, outputDim: 3 }), shape: [2, 4], ids: true },
  { name: 'RepeatVector', build: () => new RepeatVector({ n: 3 }), shape: [2, 4] },
  { name: 'GaussianNoise (training)', build: () => new GaussianNoise({ stddev: 0.3, seed: 2 }), shape: [3, 4], training: true },
  { name: 'GaussianDropout (training)', build: () => new GaussianDropout({ rate: 0.3, seed: 2 }), shape: [3, 4], training: true },
  { name: 'AlphaDropout (training)', build: () => new AlphaDropout({ rate: 0.3, noiseShape: [null, 1], seed: 2 }), shape: [3, 4], training: true },
  { name: 'ActivityRegularization', build: () => new ActivityRegularization({ l1: 0.1, l2: 0.2 }), shape: [3, 4] },
  { name: 'UnitNormalization', build: () => new UnitNormalization({ axis: [1, 2] }), shape: [2, 3, 2] },
  { name: 'GroupNormalization', build: () => new GroupNormalization({ groups: 2 }), shape: [2, 3, 4] },
];

/** Output and gradients (input first, then trainable weights) of one case on one backend. */
async function runOn(backend: 'cpu' | 'webgpu', c: Case): Promise<number[][]> {
  await setBackend(backend);
  expect(getBackend()).toBe(backend);
  clearSession();
  const start = memory().numTensors;
  const n = c.shape.reduce((a, b) => a * b, 1);
  const x = c.ids ? tensor(Int32Array.from({ length: n }, (_, i) => (i * 3) % 7), c.shape, 'int32') : tensor(wave(n), c.shape);
  const layer = c.build();
  layer.build([null, ...c.shape.slice(1)]);
  c.prepare?.(layer);
  tidy(() => layer.setWeights(layer.weights.map((w, i) => tensor(wave(w.size, 0.5 + 0.1 * i, 0.7, 1).map((v) => (w.name.includes('variance') ? 1 + v : v)), w.shape))));
  const xv = c.ids ? undefined : variable(x, { name: `x_${backend}` });
  const params = [...(xv ? [xv] : []), ...layer.trainableWeights];
  const losses: Tensor[] = [];
  const { value, grads } = variableGrads(() => {
    const y = layer.apply(xv ?? x, { training: c.training, losses }) as Tensor;
    const out = sum(mul(y, tensor(wave(y.size, 0.71, 0.3, 1), y.shape)));
    return losses.reduce((acc, l) => add(acc, l), out);
  }, params);
  const yCopy = tidy(() => add(layer.apply(xv ?? x, { training: false }) as Tensor, 0));
  const read = async (t: Tensor) => Array.from(await t.data());
  const result = [await read(yCopy), await read(value), ...(await Promise.all(params.map((p) => read(grads[p.name]))))];
  dispose([x, yCopy, value, Object.values(grads)]);
  xv?.dispose();
  layer.dispose();
  expect(memory().numTensors, `${c.name} on ${backend} leaves no tensor behind`).toBe(start);
  return result;
}

describe('stock layers (issue 13 part 3) on WebGPU', () => {
  for (const c of CASES) {
    it(`${c.name}: output and gradients equal the CPU's`, async () => {
      const cpu = await runOn('cpu', c);
      const gpu = await runOn('webgpu', c);
      expect(gpu.length).toBe(cpu.length);
      cpu.forEach((want, k) => {
        expect(gpu[k].length).toBe(want.length);
        want.forEach((w, i) => {
          if (!(Math.abs(gpu[k][i] - w) <= 1e-4 + 1e-4 * Math.abs(w))) expect.fail(`${c.name}: result ${k}[${i}] is ${gpu[k][i]} on WebGPU, ${w} on the CPU`);
        });
      });
    }, 60_000);
  }
});
