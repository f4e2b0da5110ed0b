// The stock layers of issue 13 (part 3) against the real Keras 3: outputs for fixed inputs
// and weights, configs, gradients (central finite differences) and memory.
// The expected values come from fixtures/stock_layers_b_keras.py, run with Keras 3.15 on JAX.
import '@tessera/cpu-backend';
import { readFileSync } from 'node:fs';
import {
  add,
  dispose,
  memory,
  mul,
  sum,
  tensor,
  tidy,
  variable,
  variableGrads,
  ValueError,
  ShapeError,
  slice,
  transpose,
  type Tensor,
  type Variable,
} from '@tessera/tensor';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ActivityRegularization,
  AlphaDropout,
  CenterCrop,
  clearSession,
  Dense,
  Embedding,
  GaussianDropout,
  GaussianNoise,
  GroupNormalization,
  Input,
  Model,
  Normalization,
  RepeatVector,
  Rescaling,
  Resizing,
  Sequential,
  UnitNormalization,
  type Layer,
  type ResizeInterpolation,
} from '../src/index.js';
import { resizeImages, resizeSeparable } from '../src/layers/image_resize.js';

interface KerasCase {
  config: Record<string, unknown>;
  shape: number[];
  y: number[];
  weights?: number[][];
  weight_names?: string[];
  weight_dtypes?: string[];
  evaluate?: number;
}
const REF = JSON.parse(readFileSync(new URL('./fixtures/stock_layers_b_keras.json', import.meta.url), 'utf8')) as Record<string, KerasCase>;

/** The inputs of the Python script: `s * sin(i * a + b)` in float64, stored as float32. */
function wave(shape: readonly number[], a = 0.37, b = 0.1, s = 2): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return tensor(Float32Array.from({ length: n }, (_, i) => s * Math.sin(i * a + b)), shape);
}

const values = (t: Tensor) => Array.from(t.dataSync());

function expectClose(got: readonly number[], want: readonly number[], rtol = 1e-5, atol = 1e-6): void {
  expect(got.length).toBe(want.length);
  const bad = want.findIndex((w, i) => !(Math.abs(got[i] - w) <= atol + rtol * Math.abs(w)));
  if (bad >= 0) expect.fail(`element ${bad}: got ${got[bad]}, Keras ${want[bad]}`);
}

/** Keras's config without what does not compare: the name (auto-numbered), dtype, and Keras 3's module keys. */
function comparable(config: Record<string, unknown>): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([k]) => !['name', 'dtype', 'module', 'registered_name'].includes(k))
          .map(([k, x]) => [k, strip(x)]),
      );
    }
    return v;
  };
  return strip(config);
}

/**
 * Calls `layer` on `x` and compares output and config with the Keras case; checks that the
 * call leaves no tensor behind and that `fromConfig`-style reconstruction from the config
 * gives the same config.
 */
function checkAgainstKeras(name: string, layer: Layer, x: Tensor, tol = { rtol: 1e-5, atol: 1e-6 }): void {
  const ref = REF[name];
  expect(ref, `no Keras case '${name}'`).toBeDefined();
  if (!layer.built) layer.build([null, ...x.shape.slice(1)]);
  const before = memory().numTensors;
  const y = tidy(() => {
    const out = layer.apply(x) as Tensor;
    return { shape: [...out.shape], v: values(out) };
  });
  expect(memory().numTensors).toBe(before);
  expect(y.shape).toEqual(ref.shape);
  expectClose(y.v, ref.y, tol.rtol, tol.atol);
  expect(comparable(layer.getConfig())).toEqual(comparable(ref.config));
}

/**
 * Central finite differences of `loss` against the gradient autodiff gives, for every
 * element of every variable in `params` (small shapes only).
 */
function checkGradients(loss: () => Tensor, params: Variable[], h = 1e-2, tol = 2e-3): void {
  const { value, grads } = variableGrads(loss, params);
  value.dispose();
  for (const p of params) {
    const analytic = values(grads[p.name]);
    const base = Float32Array.from(p.dataSync());
    const numeric = Array.from(base, (_, k) => {
      const at = (delta: number) => {
        const moved = Float32Array.from(base);
        moved[k] += delta;
        tidy(() => p.assign(tensor(moved, p.shape, p.dtype)));
        return tidy(() => loss().dataSync()[0]);
      };
      return (at(h) - at(-h)) / (2 * h);
    });
    tidy(() => p.assign(tensor(base, p.shape, p.dtype)));
    numeric.forEach((n, k) => {
      if (!(Math.abs(analytic[k] - n) <= tol * (1 + Math.abs(n)))) expect.fail(`${p.name}[${k}]: autodiff ${analytic[k]}, finite differences ${n}`);
    });
  }
  dispose(Object.values(grads));
}

/** A fixed weighting of the output, so the scalar loss sees every output element differently. */
const weighted = (y: Tensor) => sum(mul(y, wave(y.shape, 0.71, 0.3, 1)));

/** Gradient check of a layer's output with respect to its input (and its trainable weights). */
function checkLayerGradients(layer: Layer, x: Tensor, withWeights = true): void {
  const xv = variable(x, { name: `input_${layer.name}` });
  if (!layer.built) layer.build([null, ...x.shape.slice(1)]);
  const params = [xv, ...(withWeights ? layer.trainableWeights : [])];
  checkGradients(() => weighted(layer.apply(xv) as Tensor), params);
  xv.dispose();
}

let start = 0;
beforeEach(() => {
  clearSession();
  start = memory().numTensors;
});
/** Every test ends with what it started with. */
function expectNoLeak(): void {
  expect(memory().numTensors).toBe(start);
}

describe("Keras's auto-names", () => {
  it('are the snake_case class names, numbered on repeats', () => {
    // As keras.layers.X().name prints for each class in a fresh session.
    const layers = [
      new Rescaling({ scale: 1 }),
      new Normalization(),
      new Resizing({ height: 1, width: 1 }),
      new CenterCrop({ height: 1, width: 1 }),
      new Embedding({ inputDim: 2, outputDim: 2 }),
      new RepeatVector({ n: 2 }),
      new GaussianNoise({ stddev: 0.1 }),
      new GaussianDropout({ rate: 0.1 }),
      new AlphaDropout({ rate: 0.1 }),
      new ActivityRegularization(),
      new UnitNormalization(),
      new GroupNormalization(),
      new GroupNormalization(),
    ];
    expect(layers.map((l) => l.name)).toEqual([
      'rescaling',
      'normalization',
      'resizing',
      'center_crop',
      'embedding',
      'repeat_vector',
      'gaussian_noise',
      'gaussian_dropout',
      'alpha_dropout',
      'activity_regularization',
      'unit_normalization',
      'group_normalization',
      'group_normalization_1',
    ]);
  });
});

describe('Rescaling', () => {
  it('matches Keras for a scalar and a per-channel scale and offset', () => {
    const x = wave([2, 3]);
    const r = new Rescaling({ scale: 1 / 255, offset: 0.5 });
    checkAgainstKeras('rescaling', r, x);
    const x3 = wave([2, 3, 2]);
    const rv = new Rescaling({ scale: [1, 2], offset: [0.1, 0.2] });
    checkAgainstKeras('rescaling_vector', rv, x3);
    checkLayerGradients(rv, x3);
    dispose([x, x3]);
    expectNoLeak();
  });

  it('casts integer inputs to float32 and names bad arguments', () => {
    const y = tidy(() => values(new Rescaling({ scale: 2 }).apply(tensor([1, 2], [1, 2], 'int32')) as Tensor));
    expect(y).toEqual([2, 4]);
    expect(() => new Rescaling({ scale: 'x' as never })).toThrow(/`scale`/);
    expect(() => new Rescaling({ scale: 1, offset: [] })).toThrow(/`offset`/);
    expectNoLeak();
  });
});

describe('Normalization', () => {
  const data = () => tidy(() => {
    const w = wave([4, 3, 2], 0.9, 0.3, 5);
    return tensor(Float32Array.from(w.dataSync(), (v) => v + 1), [4, 3, 2]);
  });

  for (const [name, axis] of [
    ['norm_adapt', undefined],
    ['norm_adapt_axes', [1, 2]],
    ['norm_adapt_none', null],
  ] as const) {
    it(`adapts as Keras (${name}, axis ${JSON.stringify(axis)}): weights mean, variance, count and outputs`, () => {
      const d = data();
      const x = wave([2, 3, 2]);
      const n = new Normalization(axis === undefined ? {} : { axis });
      n.adapt(d);
      const ref = REF[name];
      expect(n.weightEntries.map((w) => w.name)).toEqual(ref.weight_names);
      expect(n.weights.map((w) => w.dtype)).toEqual(ref.weight_dtypes);
      expect(n.weights.every((w) => !w.trainable)).toBe(true);
      n.weights.forEach((w, i) => expectClose(values(w), ref.weights![i], 1e-5, 1e-5));
      checkAgainstKeras(name, n, x);
      checkLayerGradients(n, x);
      n.dispose();
      dispose([d, x]);
      expectNoLeak();
    });
  }

  it('adapting on a list of batches gives the statistics of all the data (Keras running update)', () => {
    const d = data();
    const parts = tidy(() => [slice(d, [0, 0, 0], [1, 3, 2]), slice(d, [1, 0, 0], [3, 3, 2])]);
    const whole = new Normalization();
    whole.adapt(d);
    const batched = new Normalization();
    batched.adapt(parts);
    expectClose(values(batched.adaptMean!), values(whole.adaptMean!), 1e-5, 1e-5);
    expectClose(values(batched.adaptVariance!), values(whole.adaptVariance!), 1e-5, 1e-5);
    whole.dispose();
    batched.dispose();
    dispose([d, ...parts]);
    expectNoLeak();
  });

  it('takes fixed statistics (and inverts) as Keras, with no weights', () => {
    const x = wave([2, 3, 2]);
    const fixed = new Normalization({ mean: [1, 2], variance: [4, 9] });
    checkAgainstKeras('norm_fixed', fixed, x);
    expect(fixed.weights).toHaveLength(0);
    const inv = new Normalization({ axis: [1, 2], mean: [1, -1], variance: [0.25, 9], invert: true });
    checkAgainstKeras('norm_fixed_invert', inv, x);
    checkLayerGradients(inv, x);
    x.dispose();
    expectNoLeak();
  });

  it('names bad arguments', () => {
    expect(() => new Normalization({ mean: [1] })).toThrow(/both `mean` and `variance`/);
    expect(() => new Normalization({ mean: [1, 2], variance: [1] })).toThrow(/same shape/);
    expect(() => new Normalization({ axis: 1.5 as never })).toThrow(/`axis`/);
    const one = tensor([1, 2]);
    expect(() => new Normalization({ mean: 0, variance: 1 }).adapt(one)).toThrow(ValueError);
    one.dispose();
    const n = new Normalization({ axis: 3 });
    expect(() => n.build([null, 2])).toThrow(/axis 3 is out of range/);
    const a = new Normalization();
    a.build([null, 3]);
    const bad = tensor([1, 2, 3, 4], [2, 2]);
    expect(() => a.adapt(bad)).toThrow(ShapeError);
    a.dispose();
    bad.dispose();
    expectNoLeak();
  });
});

describe('Resizing', () => {
  const interps: ResizeInterpolation[] = ['bilinear', 'nearest', 'bicubic', 'lanczos3', 'lanczos5'];
  // Outputs mix several inputs of magnitude ~2 in float32: differences to JAX of a few ulps of
  // the inputs remain (JAX's weight matrices themselves differ from ours by float32 rounding).
  const tol = { rtol: 1e-5, atol: 4e-6 };
  for (const interpolation of interps) {
    it(`matches Keras on JAX, ${interpolation}, down and up`, () => {
      const img = wave([2, 5, 7, 3]);
      checkAgainstKeras(`resize_down_${interpolation}`, new Resizing({ height: 3, width: 4, interpolation }), img, tol);
      checkAgainstKeras(`resize_up_${interpolation}`, new Resizing({ height: 8, width: 10, interpolation }), img, tol);
      img.dispose();
      expectNoLeak();
    });
  }

  it('matches Keras with antialias, crop and pad to the aspect ratio, and channels first', () => {
    const img = wave([2, 5, 7, 3]);
    checkAgainstKeras('resize_down_bilinear_antialias', new Resizing({ height: 3, width: 4, antialias: true }), img, tol);
    checkAgainstKeras('resize_down_bicubic_antialias', new Resizing({ height: 2, width: 3, interpolation: 'bicubic', antialias: true }), img, tol);
    checkAgainstKeras('resize_crop', new Resizing({ height: 4, width: 4, cropToAspectRatio: true }), img, tol);
    checkAgainstKeras('resize_pad', new Resizing({ height: 4, width: 4, padToAspectRatio: true, fillValue: 0.5 }), img, tol);
    const nchw = tidy(() => transpose(img, [0, 3, 1, 2]));
    checkAgainstKeras('resize_channels_first', new Resizing({ height: 3, width: 4, dataFormat: 'channels_first' }), nchw, tol);
    dispose([img, nchw]);
    expectNoLeak();
  });

  it('has gradients for every interpolation', () => {
    const img = wave([1, 3, 4, 2]);
    for (const interpolation of interps) checkLayerGradients(new Resizing({ height: 5, width: 3, interpolation, antialias: true }), img);
    checkLayerGradients(new Resizing({ height: 2, width: 2, cropToAspectRatio: true }), img);
    img.dispose();
    expectNoLeak();
  });

  it("uses the resize kernels where they give JAX's numbers: the same as JAX's formulas for many size pairs", () => {
    for (const [h, w] of [[1, 1], [3, 7], [6, 9], [13, 5]]) {
      const img = wave([1, h, w, 2]);
      for (const [oh, ow] of [[1, 2], [2, 3], [5, 4], [7, 7], [9, 14], [26, 3]]) {
        for (const interpolation of ['nearest', 'bilinear'] as const) {
          const [fast, exact] = tidy(() => [values(resizeImages(img, 1, oh, ow, interpolation, false)), values(resizeSeparable(img, 1, oh, ow, interpolation, false))]);
          expectClose(fast, exact, 1e-5, 2e-6);
        }
      }
      img.dispose();
    }
    expectNoLeak();
  });

  it('rejects what Keras on JAX rejects, naming the argument', () => {
    expect(() => new Resizing({ height: 2, width: 2, interpolation: 'area' as never })).toThrow(/interpolation 'area' is not supported/);
    expect(() => new Resizing({ height: 0, width: 2 })).toThrow(/`height`/);
    expect(() => new Resizing({ height: 2, width: 2, cropToAspectRatio: true, padToAspectRatio: true })).toThrow(/only one of/);
    expect(() => new Resizing({ height: 2, width: 2, fillMode: 'reflect' as never })).toThrow(/fillMode 'reflect'/);
    expect(() => new Resizing({ height: 2, width: 2 }).build([null, 4, 4])).toThrow(/rank 4/);
  });
});

describe('CenterCrop', () => {
  it('crops the center, and crops to the aspect ratio then resizes when the image is smaller, as Keras', () => {
    const img = wave([2, 5, 7, 3]);
    const crop = new CenterCrop({ height: 3, width: 4 });
    checkAgainstKeras('center_crop', crop, img);
    const small = new CenterCrop({ height: 6, width: 4 });
    checkAgainstKeras('center_crop_small', small, img);
    const x = wave([1, 4, 3, 1]);
    checkLayerGradients(new CenterCrop({ height: 2, width: 2 }), x);
    checkLayerGradients(new CenterCrop({ height: 5, width: 2 }), x);
    expect(() => new CenterCrop({ height: 2, width: -1 })).toThrow(/`width`/);
    dispose([img, x]);
    expectNoLeak();
  });
});

describe('Embedding', () => {
  it('looks up rows as Keras, from int32 or float indices, with the gradient on the looked-up rows', () => {
    const emb = new Embedding({ inputDim: 5, outputDim: 3 });
    emb.build([null, 3]);
    const w = wave([5, 3]);
    emb.setWeights([w]);
    const ids = tensor([1, 2, 0, 4, 4, 3], [2, 3], 'int32');
    checkAgainstKeras('embedding', emb, ids);
    const asFloat = tensor([1, 2, 0, 4, 4, 3], [2, 3]);
    const fromFloat = tidy(() => values(emb.apply(asFloat) as Tensor));
    expectClose(fromFloat, REF.embedding.y);
    expect(emb.weightEntries.map((e) => e.name)).toEqual(['embeddings']);
    checkGradients(() => weighted(emb.apply(ids) as Tensor), [emb.embeddings!]);
    emb.dispose();
    dispose([w, ids, asFloat]);
    expectNoLeak();
  });

  it("defaults to Keras's 'uniform' initializer, keeps mask_zero, and names bad arguments", () => {
    const emb = new Embedding({ inputDim: 100, outputDim: 8, maskZero: true });
    emb.build([null, 4]);
    const v = values(emb.embeddings!);
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(0.05);
    expect(emb.getConfig()).toMatchObject({
      input_dim: 100,
      output_dim: 8,
      mask_zero: true,
      embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
    });
    emb.dispose();
    expect(() => new Embedding({ inputDim: 0, outputDim: 2 })).toThrow(/`inputDim`/);
    expect(() => new Embedding({ inputDim: 3, outputDim: 2.5 })).toThrow(/`outputDim`/);
    expect(() => new Embedding({ inputDim: 3, outputDim: 2, embeddingsConstraint: { class_name: 'NonNeg' } } as never)).toThrow(/embeddingsConstraint/);
    expectNoLeak();
  });

  it('trains inside a model fed integer ids', async () => {
    const model = new Sequential([new Embedding({ inputDim: 6, outputDim: 4, inputShape: [3] }), new Dense({ units: 1 })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tensor([0, 1, 2, 3, 4, 5], [2, 3], 'int32');
    const y = tensor([1, 0, 1, 0, 1, 0], [2, 3, 1]);
    const before = memory().numTensors;
    const first = (await model.trainOnBatch(x, y)) as number;
    let last = first;
    for (let i = 0; i < 20; i++) last = (await model.trainOnBatch(x, y)) as number;
    expect(last).toBeLessThan(first);
    expect(memory().numTensors).toBe(before);
    model.dispose();
    dispose([x, y]);
  });
});

describe('RepeatVector', () => {
  it('repeats each sample as Keras', () => {
    const x = wave([2, 3]);
    const r = new RepeatVector({ n: 3 });
    checkAgainstKeras('repeat_vector', r, x);
    expect(r.computeOutputShape([null, 3])).toEqual([null, 3, 3]);
    checkLayerGradients(r, x);
    expect(() => new RepeatVector({ n: 0 })).toThrow(/`n`/);
    expect(() => new RepeatVector({ n: 2 }).build([null, 2, 2])).toThrow(/rank 2/);
    x.dispose();
    expectNoLeak();
  });
});

describe('UnitNormalization', () => {
  it('scales to unit L2 norm as Keras, over one axis or several', () => {
    const x = wave([2, 3, 2]);
    const u = new UnitNormalization();
    checkAgainstKeras('unit_norm', u, x);
    const u2 = new UnitNormalization({ axis: [1, 2] });
    checkAgainstKeras('unit_norm_axes', u2, x);
    checkLayerGradients(u2, x);
    const zero = tensor([0, 0, 3, 4], [2, 2]);
    expect(tidy(() => values(new UnitNormalization().apply(zero) as Tensor))).toEqual([0, 0, 0.6000000238418579, 0.800000011920929]);
    expect(() => new UnitNormalization({ axis: 'x' as never })).toThrow(/`axis`/);
    expect(() => new UnitNormalization({ axis: 3 }).build([null, 2])).toThrow(/axis 3 is out of bounds/);
    dispose([x, zero]);
    expectNoLeak();
  });
});

describe('GroupNormalization', () => {
  it('matches Keras: groups, instance normalization (groups -1), another axis', () => {
    const x = wave([2, 3, 4], 0.53, 0.2, 3);
    const gn = new GroupNormalization({ groups: 2 });
    gn.build([null, 3, 4]);
    const gamma = tidy(() => tensor(Float32Array.from(wave([4], 0.3, 1, 1).dataSync(), (v) => v + 1), [4]));
    const beta = wave([4], 0.7, 0.4, 0.5);
    gn.setWeights([gamma, beta]);
    expect(gn.weightEntries.map((w) => w.name)).toEqual(['gamma', 'beta']);
    checkAgainstKeras('group_norm', gn, x);
    const inst = new GroupNormalization({ groups: -1, epsilon: 1e-5 });
    checkAgainstKeras('group_norm_instance', inst, x); // the config then holds the resolved groups, as Keras
    const ax1 = new GroupNormalization({ groups: 3, axis: 1, center: false });
    checkAgainstKeras('group_norm_axis1', ax1, x);
    checkLayerGradients(gn, x);
    dispose([x, gamma, beta]);
    gn.dispose();
    inst.dispose();
    ax1.dispose();
    expectNoLeak();
  });

  it('names bad arguments', () => {
    expect(() => new GroupNormalization({ groups: 0 })).toThrow(/`groups`/);
    expect(() => new GroupNormalization({ groups: 3 }).build([null, 4])).toThrow(/must divide the number of channels \(4\)/);
    expect(() => new GroupNormalization({ groups: 8 }).build([null, 4])).toThrow(/cannot be more than the number of channels/);
    expect(() => new GroupNormalization({ groups: 2 }).build([null, null])).toThrow(ShapeError);
  });
});

describe('noise layers', () => {
  it('are the identity at inference, with Keras configs', () => {
    const x = wave([2, 3]);
    checkAgainstKeras('gaussian_noise', new GaussianNoise({ stddev: 0.1, seed: 3 }), x);
    checkAgainstKeras('gaussian_dropout', new GaussianDropout({ rate: 0.2 }), x);
    checkAgainstKeras('alpha_dropout', new AlphaDropout({ rate: 0.2, noiseShape: [null, 1] }), x);
    x.dispose();
    expectNoLeak();
  });

  it('add noise of the right statistics in training, reproducibly with a seed', () => {
    const x = tidy(() => tensor(new Float32Array(20000).fill(1), [100, 200]));
    const stats = (t: Tensor) => {
      const v = values(t);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return { m, sd: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length) };
    };
    const run = (l: Layer) => tidy(() => stats(l.apply(x, { training: true }) as Tensor));
    const gn = run(new GaussianNoise({ stddev: 0.5, seed: 1 }));
    expect(gn.m).toBeCloseTo(1, 1);
    expect(gn.sd).toBeCloseTo(0.5, 1);
    const gd = run(new GaussianDropout({ rate: 0.2, seed: 1 }));
    expect(gd.m).toBeCloseTo(1, 1);
    expect(gd.sd).toBeCloseTo(Math.sqrt(0.2 / 0.8), 1);
    // AlphaDropout keeps zero mean and unit variance of standardized inputs.
    const z = tidy(() => tensor(Float32Array.from({ length: 20000 }, (_, i) => (i % 2 ? 1 : -1)), [100, 200]));
    const ad = tidy(() => stats(new AlphaDropout({ rate: 0.3, seed: 2 }).apply(z, { training: true }) as Tensor));
    expect(ad.m).toBeCloseTo(0, 1);
    expect(ad.sd).toBeCloseTo(1, 1);
    // A seeded layer is reproducible; each call draws new noise.
    const a = new GaussianNoise({ stddev: 1, seed: 7 });
    const b = new GaussianNoise({ stddev: 1, seed: 7 });
    const [a1, a2, b1] = tidy(() => [a, a, b].map((l) => values(l.apply(x, { training: true }) as Tensor).slice(0, 5)));
    expect(a1).toEqual(b1);
    expect(a1).not.toEqual(a2);
    // The noise shape broadcasts the mask: whole rows kept or dropped.
    const rows = tidy(() => {
      const y = values(new AlphaDropout({ rate: 0.5, noiseShape: [null, 1], seed: 3 }).apply(z, { training: true }) as Tensor);
      return Array.from({ length: 100 }, (_, r) => new Set(y.slice(r * 200, r * 200 + 200).map((v, i) => (i % 2 ? v : -v).toFixed(4))).size <= 2);
    });
    expect(rows.every(Boolean)).toBe(true);
    dispose([x, z]);
    expectNoLeak();
  });

  // AlphaDropout's slope on kept units: a = ((1 - rate) * (1 + rate * alphaP²))^-0.5, alphaP = -SELU alpha * scale.
  const ALPHA_DROPOUT_SLOPE = (0.7 * (1 + 0.3 * (1.6732632423543772 * 1.0507009873554805) ** 2)) ** -0.5;

  it('pass gradients through the noise', () => {
    const x = wave([2, 3]);
    const xv = variable(x, { name: 'noise_input' });
    for (const layer of [new GaussianNoise({ stddev: 0.3, seed: 1 }), new GaussianDropout({ rate: 0.3, seed: 1 }), new AlphaDropout({ rate: 0.3, seed: 1 })]) {
      let yv: number[] = [];
      const { value, grads } = variableGrads(() => {
        const y = layer.apply(xv, { training: true }) as Tensor;
        yv = values(y);
        return sum(mul(y, 1));
      }, [xv]);
      const g = values(grads[xv.name]);
      const xs = values(x);
      // Noise does not depend on x: y = x + n (slope 1), y = x * n (slope y / x), or y = a * x * kept + c (slope a or 0).
      g.forEach((gi, i) => {
        if (layer instanceof GaussianNoise) expect(gi).toBeCloseTo(1, 5);
        else if (layer instanceof GaussianDropout) expect(gi).toBeCloseTo(yv[i] / xs[i], 4);
        else expect(gi === 0 || Math.abs(gi - ALPHA_DROPOUT_SLOPE) < 1e-5, `slope ${gi}`).toBe(true);
      });
      dispose([value, grads[xv.name]]);
    }
    dispose([x, xv]);
    expectNoLeak();
  });

  it('name bad arguments', () => {
    expect(() => new GaussianNoise({ stddev: 2 })).toThrow(/`stddev`/);
    expect(() => new GaussianDropout({ rate: -0.1 })).toThrow(/`rate`/);
    expect(() => new AlphaDropout({ rate: 0.1, noiseShape: [0] })).toThrow(/`noiseShape`/);
    expect(() => new GaussianNoise({ stddev: 0.1, seed: 1.5 })).toThrow(/seed/);
  });
});

describe('ActivityRegularization', () => {
  it('passes the input through and adds the penalty over the batch size to the loss, as Keras', async () => {
    const x = wave([2, 3]);
    const layer = new ActivityRegularization({ l1: 0.1, l2: 0.01 });
    checkAgainstKeras('activity_regularization', layer, x);
    const input = Input({ shape: [3] });
    const model = new Model({ inputs: input, outputs: layer.apply(input) });
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    const y = tidy(() => tensor(new Float32Array(6), [2, 3]));
    const before = memory().numTensors;
    const loss = (await model.evaluate(x, y, { verbose: 0 })) as number;
    expect(loss).toBeCloseTo(REF.activity_regularization.evaluate!, 5);
    expect(memory().numTensors).toBe(before);
    // predict computes no penalty and leaves nothing behind.
    const p = model.predict(x) as Tensor;
    expectClose(values(p), values(x));
    p.dispose();
    expect(memory().numTensors).toBe(before);
    expect(() => new ActivityRegularization({ l1: -1 })).toThrow(/`l1`/);
    model.dispose();
    dispose([x, y]);
    expectNoLeak();
  });

  it('has the gradient of its penalty (finite differences)', () => {
    const value = wave([2, 3], 0.9, 0.4, 1.5);
    const x = variable(value, { name: 'activity_input' });
    value.dispose();
    const layer = new ActivityRegularization({ l1: 0.3, l2: 0.2 });
    checkGradients(() => {
      const losses: Tensor[] = [];
      const y = layer.apply(x, { losses }) as Tensor;
      return losses.reduce((acc, l) => add(acc, l), weighted(y));
    }, [x]);
    x.dispose();
    expectNoLeak();
  });

  it('counts inside a nested model too', async () => {
    const x = wave([2, 3]);
    const inner = new Sequential([new ActivityRegularization({ l1: 0.1, l2: 0.01, inputShape: [3] })]);
    const input = Input({ shape: [3] });
    const model = new Model({ inputs: input, outputs: inner.apply(input) });
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    const y = tidy(() => tensor(new Float32Array(6), [2, 3]));
    const loss = (await model.evaluate(x, y, { verbose: 0 })) as number;
    expect(loss).toBeCloseTo(REF.activity_regularization.evaluate!, 5);
    model.dispose();
    dispose([x, y]);
    expectNoLeak();
  });

  it('its penalty trains the layer before it', async () => {
    const dense = new Dense({ units: 2, inputShape: [3], kernelInitializer: 'ones' });
    const model = new Sequential([dense, new ActivityRegularization({ l2: 1 })]);
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    const x = wave([4, 3]);
    const y = tidy(() => tensor(new Float32Array(8), [4, 2]));
    const before = memory().numTensors;
    const l0 = (await model.trainOnBatch(x, y)) as number;
    const l1 = (await model.trainOnBatch(x, y)) as number;
    expect(l1).toBeLessThan(l0);
    expect(memory().numTensors).toBe(before);
    model.dispose();
    dispose([x, y]);
  });
});
