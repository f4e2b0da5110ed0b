import '@tessera/cpu-backend';
import { dispose, memory, mul, tensor, tidy, ValueError, type Tensor } from '@tessera/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import * as L from '../src/index.js';
import {
  Dense,
  Dot,
  ELU,
  Input,
  KERAS_LAYER_CLASSES,
  Layer,
  LayerConfigError,
  LeakyReLU,
  PReLU,
  ReLU,
  Softmax,
  Subtract,
  clearSession,
  configFactory,
  deserializeLayer,
  kerasArgs,
  knownLayerClasses,
  layerFromConfig,
  registerLayer,
  unregisterLayer,
  type LayerArgs,
  type Tensors,
} from '../src/index.js';

function failure(fn: () => unknown): LayerConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LayerConfigError);
    return e as LayerConfigError;
  }
  throw new Error('expected a LayerConfigError');
}

class Scale extends Layer {
  static override readonly className = 'Scale';
  readonly factor: number;
  constructor(args: LayerArgs & { factor?: number } = {}) {
    super(args);
    this.factor = args.factor ?? 1;
  }
  call(x: Tensors): Tensor {
    return mul(Array.isArray(x) ? x[0] : x, this.factor);
  }
}

describe('layer deserialization (layers owns fromConfig)', () => {
  afterEach(() => {
    unregisterLayer('Scale');
    unregisterLayer('Lambda');
  });

  it('knows every built-in class, the new activation and merge layers included', () => {
    const known = knownLayerClasses();
    for (const c of ['Dense', 'Conv2D', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax', 'Identity', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Subtract', 'Dot']) {
      expect(known).toContain(c);
    }
    // Every class Tessera knows is a Keras class (no made-up names in files we write).
    expect(known.filter((c) => !KERAS_LAYER_CLASSES.has(c))).toEqual([]);
  });

  it('every exported layer class has an entry in the built-in table', () => {
    const exported = Object.values(L)
      .filter((v) => typeof v === 'function' && v.prototype instanceof Layer && v !== L.Model && v !== L.Sequential)
      .map((v) => (v as unknown as { className: string }).className);
    const known = new Set(knownLayerClasses());
    expect(
      exported.filter((c) => !known.has(c)),
      'layer classes without a fromConfig: add a line to BUILT_IN in packages/layers/src/serialization/built_in.ts',
    ).toEqual([]);
  });

  it('a Keras layer Tessera lacks says so and lists the supported ones', () => {
    const e = failure(() => layerFromConfig('ConvLSTM2D', { name: 'conv_lstm2d', filters: 8 }));
    expect(e.code).toBe('unsupported');
    expect(e.layer).toBe('conv_lstm2d');
    expect(e.message).toMatch(/^Keras layer ConvLSTM2D is not supported by Tessera yet; supported: [A-Z]\w+(, [A-Z]\w+)+ \(found ConvLSTM2D\) \[layer 'conv_lstm2d'\]$/);
    expect(e.message).toContain(', Dense, ');
    expect(e.message).toContain(', ReLU, ');
    expect(e.message).not.toMatch(/registerLayer/);
    // Keras 2's removed classes count as Keras's own too.
    expect(failure(() => layerFromConfig('ThresholdedReLU', { name: 't' })).code).toBe('unsupported');
  });

  it('Lambda says why it cannot load and how to replace it', () => {
    const e = failure(() => deserializeLayer({ class_name: 'Lambda', config: { name: 'lambda', function: { class_name: '__lambda__', config: { code: '4wEAAAAAAAAA' } } } }));
    expect(e.code).toBe('unsupported');
    expect(e.message).toMatch(/Keras layer Lambda holds a Python function .*, which cannot run in JavaScript/);
    expect(e.message).toContain("registerLayer('Lambda', ");
    // A registration replaces the refusal.
    registerLayer('Lambda', (config) => new Scale({ ...kerasArgs(config), factor: 2 }));
    expect(layerFromConfig('Lambda', { name: 'lambda', function: {} })).toBeInstanceOf(Scale);
  });

  it('an unknown class keeps the registerLayer hint; registering it makes it load', () => {
    const e = failure(() => layerFromConfig('Scale', { name: 'scale', factor: 3 }));
    expect(e.code).toBe('unknown_layer');
    expect(e.message).toContain("registerLayer('Scale', (config) => new Scale(kerasArgs(config)))");
    registerLayer('Scale', configFactory(Scale));
    const layer = layerFromConfig('Scale', { name: 'scale', factor: 3, dtype: 'float32', trainable: true }) as Scale;
    expect(layer.factor).toBe(3);
    expect(knownLayerClasses()).toContain('Scale');
    expect(() => registerLayer('Scale', configFactory(Scale))).toThrow(/already registered/);
    expect(() => registerLayer('Dense', configFactory(Scale))).toThrow(/built-in/);
    unregisterLayer('Scale');
    expect(knownLayerClasses()).not.toContain('Scale');
    // Keras 3 writes a custom class's registered_name ('package>Class'): it is tried next.
    registerLayer('Scale', configFactory(Scale));
    expect(deserializeLayer({ class_name: 'ScaleV2', registered_name: 'my_package>Scale', config: { name: 's' } })).toBeInstanceOf(Scale);
  });

  it('a model class is not a layer', () => {
    expect(failure(() => layerFromConfig('Sequential', { name: 's', layers: [] })).message).toMatch(/modelFromKerasConfig/);
  });

  it("LeakyReLU loads Keras 2's alpha; Keras 3 writes negative_slope", () => {
    const k2 = layerFromConfig('LeakyReLU', { name: 'leaky_re_lu_1', trainable: true, dtype: 'float32', alpha: 0.1 }) as LeakyReLU;
    expect(k2.negativeSlope).toBeCloseTo(0.1);
    expect(k2.getConfig()).toEqual({ name: 'leaky_re_lu_1', trainable: true, dtype: 'float32', negative_slope: 0.1 });
    expect((layerFromConfig('LeakyReLU', { name: 'l' }) as LeakyReLU).negativeSlope).toBe(0.3);
  });

  it('bad arguments are typed errors that say what was expected', () => {
    expect(() => new ReLU({ maxValue: -1 })).toThrow(new ValueError('ReLU: expected maxValue >= 0 but got -1'));
    expect(() => new ReLU({ threshold: Number.NaN })).toThrow(/ReLU: expected threshold >= 0 but got NaN/);
    expect(() => new LeakyReLU({ negativeSlope: -0.1 })).toThrow(/LeakyReLU: expected negativeSlope >= 0 but got -0.1/);
    expect(() => new PReLU({ sharedAxes: [0] })).toThrow(/PReLU: expected sharedAxes of integers >= 1/);
    expect(() => new ELU({ alpha: Number.POSITIVE_INFINITY })).toThrow(/ELU: expected a finite number alpha/);
    expect(() => new Softmax({ axis: [] })).toThrow(/Softmax: expected an integer axis/);
    expect(() => new Dot({ axes: [1, 2, 3] as never })).toThrow(/Dot: expected axes as an integer or a list of two integers but got \[1,2,3\]/);
    expect(() => new Dot({ axes: 1 }).apply([Input({ shape: [3] }), Input({ shape: [4] })])).toThrow(/axis 1 of the first input \(3\) and axis 1 of the second \(4\) must match/);
    expect(() => new Dot({ axes: 0 }).apply([Input({ shape: [3] }), Input({ shape: [3] })])).toThrow(/must name a non-batch axis/);
    expect(() => new Subtract().apply([Input({ shape: [3] }), Input({ shape: [3] }), Input({ shape: [3] })])).toThrow(/exactly 2 inputs/);
    expect(() => new PReLU().apply(Input({ shape: [null as unknown as number, 3] }))).toThrow(/every axis not in sharedAxes must have a known size/);
    // Through a config, the same errors.
    expect(() => layerFromConfig('ReLU', { name: 'r', max_value: -2 })).toThrow(/ReLU: expected maxValue >= 0 but got -2/);
  });

  it('an option Tessera lacks is refused by name', () => {
    const e = failure(() => layerFromConfig('Conv2D', { name: 'c', filters: 2, kernel_size: 3, groups: 2 }));
    expect(e.code).toBe('unsupported');
    expect(e.message).toBe("Conv2D: groups=2 is not supported by Tessera [layer 'c']");
    const warnings: string[] = [];
    layerFromConfig('PReLU', { name: 'p', alpha_constraint: { class_name: 'NonNeg', config: {} } }, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual(["PReLU 'p': alpha_constraint is ignored (Tessera has no constraints)"]);
  });

  it('a weight budget refuses weights larger than the file can hold', () => {
    const layer = layerFromConfig('Dense', { name: 'big', units: 1000 }, { budget: { left: 100, zeros: true } });
    const e = failure(() => layer.apply(Input({ shape: [10] })));
    expect(e.code).toBe('bad_config');
    expect(e.message).toMatch(/asks for a weight of shape \[10, 1000\], more values than the file holds \(expected at most 100 more values, found 10000\)/);
  });

  it('Softmax takes a mask as Keras does (masked positions 0, a fully masked row all 0)', () => {
    clearSession();
    const before = memory().numTensors;
    const x = tensor([[1, 2, 3, 4], [0.5, -1, 2, 0]]);
    const mask = tensor([[1, 1, 0, 1], [0, 0, 0, 0]]);
    const rowMask = tensor([true, false, true, true], [4], 'bool');
    const [y, z] = tidy(() => [new Softmax().apply(x, { mask }) as Tensor, new Softmax().apply(x, { mask: rowMask }) as Tensor]);
    const want = [0.04201006516814232, 0.11419519037008286, 0, 0.8437947034835815, 0, 0, 0, 0];
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    const want2 = [0.03511902317404747, 0, 0.25949645042419434, 0.7053844928741455, 0.16425162553787231, 0, 0.7361246943473816, 0.09962364286184311];
    Array.from(z.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want2[i], 6));
    expect(() => tidy(() => new Softmax().apply(x, { mask: tensor([1, 0, 1]) }))).toThrow(/the mask must broadcast to the input \[2, 4\]/);
    dispose([x, mask, y, rowMask, z]);
    expect(memory().numTensors).toBe(before);
  });

  it('Dense round-trips through its config', () => {
    const dense = new Dense({ units: 3, activation: 'relu', name: 'd' });
    expect((layerFromConfig('Dense', dense.getConfig()) as Dense).getConfig()).toEqual(dense.getConfig());
  });
});
