import '@tessera/cpu-backend';
import { ValueError, mul, sub, type Tensor, type Variable } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  CosineDecay,
  ExponentialDecay,
  Nadam,
  Optimizer,
  RMSprop,
  SGD,
  deserialize,
  getOptimizer,
  registerOptimizer,
  serialize,
  type Config,
  type OptimizerOptions,
} from '../src/index.js';

const BASE_DEFAULTS = {
  weight_decay: null,
  clipnorm: null,
  global_clipnorm: null,
  clipvalue: null,
  use_ema: false,
  ema_momentum: 0.99,
  ema_overwrite_frequency: null,
  loss_scale_factor: null,
  gradient_accumulation_steps: null,
};

describe('string ids', () => {
  it("getOptimizer('adam') has Keras 3's defaults and config keys", () => {
    const opt = getOptimizer('adam');
    expect(opt).toBeInstanceOf(Adam);
    expect(opt.getConfig()).toEqual({
      name: 'adam',
      learning_rate: 0.001,
      ...BASE_DEFAULTS,
      beta_1: 0.9,
      beta_2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
    });
  });

  it('resolves every Keras id, case-insensitively, with its defaults', () => {
    const expected: Array<[string, unknown, Record<string, unknown>]> = [
      ['sgd', SGD, { name: 'SGD', learning_rate: 0.01, momentum: 0, nesterov: false }],
      ['RMSprop', RMSprop, { name: 'rmsprop', learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false }],
      ['AdamW', AdamW, { name: 'adamw', learning_rate: 0.001, weight_decay: 0.004, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false }],
      ['ADAGRAD', Adagrad, { name: 'adagrad', learning_rate: 0.001, initial_accumulator_value: 0.1, epsilon: 1e-7 }],
      ['adadelta', Adadelta, { name: 'adadelta', learning_rate: 0.001, rho: 0.95, epsilon: 1e-7 }],
      ['adamax', Adamax, { name: 'adamax', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 }],
      ['Nadam', Nadam, { name: 'nadam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 }],
    ];
    for (const [id, cls, config] of expected) {
      const opt = getOptimizer(id);
      expect(opt).toBeInstanceOf(cls as typeof Optimizer);
      expect(opt.getConfig()).toEqual({ ...BASE_DEFAULTS, ...config });
    }
  });

  it('an unknown id lists the valid ones', () => {
    expect(() => getOptimizer('adamm')).toThrow(ValueError);
    expect(() => getOptimizer('adamm')).toThrow(
      "Unknown optimizer 'adamm'. Valid: sgd, rmsprop, adam, adamw, adagrad, adadelta, adamax, nadam",
    );
    expect(() => deserialize({ class_name: 'Adamm', config: {} })).toThrow(/Unknown optimizer 'Adamm'/);
  });

  it('returns an optimizer as is', () => {
    const opt = new SGD();
    expect(getOptimizer(opt)).toBe(opt);
  });
});

describe('config round trips', () => {
  const optimizers: Optimizer[] = [
    new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true, clipnorm: 1 }),
    new RMSprop({ rho: 0.8, momentum: 0.1, epsilon: 1e-6, centered: true, globalClipnorm: 2 }),
    new Adam({ learningRate: new ExponentialDecay(0.01, 100, 0.9), amsgrad: true, clipvalue: 0.5 }),
    new AdamW({ weightDecay: 0.01, beta1: 0.8, name: 'my_adamw' }),
    new Adagrad({ initialAccumulatorValue: 0.2, lossScaleFactor: 128 }),
    new Adadelta({ learningRate: 1, rho: 0.9 }),
    new Adamax({ learningRate: new CosineDecay(0.01, 1000, 0.1, 0.1, 10), beta2: 0.99 }),
    new Nadam({ learningRate: 0.002, weightDecay: 0.001 }),
  ];

  it.each(optimizers.map((o) => [o.className, o] as const))('%s: getConfig -> fromConfig -> same config', (_n, opt) => {
    const config = opt.getConfig();
    const json = JSON.parse(JSON.stringify(config)) as Config;
    const cls = opt.constructor as unknown as { fromConfig(c: Config): Optimizer };
    const back = cls.fromConfig(json);
    expect(back).toBeInstanceOf(opt.constructor);
    expect(back.getConfig()).toEqual(config);
    const serialized = serialize(opt);
    expect(serialized).toMatchObject({ module: 'keras.optimizers', class_name: opt.className, registered_name: null });
    expect(deserialize(JSON.parse(JSON.stringify(serialized))).getConfig()).toEqual(config);
  });

  it('a schedule is serialized in learning_rate', () => {
    const config = new SGD({ learningRate: new ExponentialDecay(0.1, 10, 0.5) }).getConfig();
    expect(config.learning_rate).toEqual({
      module: 'keras.optimizers.schedules',
      class_name: 'ExponentialDecay',
      config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5, staircase: false, name: 'ExponentialDecay' },
      registered_name: null,
    });
  });

  it('loads a config as Keras 3 writes it (and Keras 2 extras such as decay)', () => {
    const keras = {
      module: 'keras.optimizers',
      class_name: 'Adam',
      config: {
        name: 'adam',
        learning_rate: 0.0010000000474974513,
        ...BASE_DEFAULTS,
        beta_1: 0.9,
        beta_2: 0.999,
        epsilon: 1e-7,
        amsgrad: false,
      },
      registered_name: null,
    };
    const opt = getOptimizer(keras) as Adam;
    expect(opt.learningRate).toBe(0.0010000000474974513);
    expect(getOptimizer({ class_name: 'SGD', config: { learning_rate: 0.1, decay: 0, momentum: 0.5 } }).getConfig()).toMatchObject({
      learning_rate: 0.1,
      momentum: 0.5,
    });
  });

  it('rejects unknown keys and features Tessera does not have', () => {
    expect(() => Adam.fromConfig({ betaa: 1 })).toThrow(/unknown config key\(s\) betaa/);
    expect(() => Adam.fromConfig({ use_ema: true })).toThrow(/use_ema/);
    expect(() => SGD.fromConfig({ gradient_accumulation_steps: 4 })).toThrow(/gradient_accumulation_steps/);
  });
});

describe('custom optimizers', () => {
  class PlainSGD extends Optimizer {
    static readonly className = 'PlainSGD';
    constructor(options: OptimizerOptions = {}) {
      super(options, { learningRate: 0.5, name: 'plain_sgd' });
    }
    protected slotGroups() {
      return [];
    }
    protected updateStep(g: Tensor, v: Variable, _slots: Readonly<Record<string, Variable>>, lr: number): void {
      v.assign(sub(v, mul(g, lr)));
    }
    static fromConfig(config: Config): PlainSGD {
      return new PlainSGD(Optimizer.baseOptions('PlainSGD', config));
    }
  }

  it('registerOptimizer makes a class reachable by id and by config', () => {
    registerOptimizer('PlainSGD', PlainSGD);
    const opt = getOptimizer('plainsgd');
    expect(opt).toBeInstanceOf(PlainSGD);
    expect(opt.learningRate).toBe(0.5);
    const serialized = serialize(new PlainSGD({ learningRate: 0.2 }));
    expect(serialized).toMatchObject({ class_name: 'PlainSGD', registered_name: 'PlainSGD', module: null });
    expect(deserialize(serialized).learningRate).toBe(0.2);
    expect(() => getOptimizer('nope')).toThrow(/Valid: .*nadam, plainsgd/);
  });
});
