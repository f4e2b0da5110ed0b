import '@tessera/cpu-backend';
import { describe, expect, it } from 'vitest';
import { abs, mean, sub, tensor, ValueError, type Tensor } from '@tessera/tensor';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  Hinge,
  Huber,
  KLDivergence,
  Loss,
  LossFunctionWrapper,
  MeanAbsoluteError,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
  categoricalCrossentropy,
  getLoss,
  meanSquaredError,
  registerLoss,
  serializeLoss,
  type LossConfig,
  type LossOptions,
} from '../src/index.js';

const json = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe('getConfig in Keras JSON shape', () => {
  it('has exactly Keras keys and defaults', () => {
    expect(new CategoricalCrossentropy().getConfig()).toEqual({
      name: 'categorical_crossentropy',
      reduction: 'sum_over_batch_size',
      from_logits: false,
      label_smoothing: 0,
      axis: -1,
    });
    expect(new SparseCategoricalCrossentropy().getConfig()).toEqual({
      name: 'sparse_categorical_crossentropy',
      reduction: 'sum_over_batch_size',
      from_logits: false,
      ignore_class: null,
    });
    expect(new BinaryCrossentropy().getConfig()).toEqual({
      name: 'binary_crossentropy',
      reduction: 'sum_over_batch_size',
      from_logits: false,
      label_smoothing: 0,
      axis: -1,
    });
    expect(new MeanSquaredError().getConfig()).toEqual({ name: 'mean_squared_error', reduction: 'sum_over_batch_size' });
    expect(new MeanAbsoluteError().getConfig()).toEqual({ name: 'mean_absolute_error', reduction: 'sum_over_batch_size' });
    expect(new Huber().getConfig()).toEqual({ name: 'huber_loss', reduction: 'sum_over_batch_size', delta: 1 });
    expect(new KLDivergence().getConfig()).toEqual({ name: 'kl_divergence', reduction: 'sum_over_batch_size' });
    expect(new Hinge().getConfig()).toEqual({ name: 'hinge', reduction: 'sum_over_batch_size' });
  });

  const custom: Loss[] = [
    new CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1, axis: 1, reduction: 'sum', name: 'cce' }),
    new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: 255, reduction: 'none' }),
    new BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.2, reduction: 'mean_with_sample_weight' }),
    new MeanSquaredError({ name: 'my_mse', reduction: 'sum' }),
    new MeanAbsoluteError({ reduction: 'mean' }),
    new Huber({ delta: 2.5 }),
    new KLDivergence({ name: 'kl' }),
    new Hinge({ reduction: 'none' }),
  ];

  it('round-trips through fromConfig and JSON', () => {
    for (const loss of custom) {
      const cls = loss.constructor as typeof CategoricalCrossentropy;
      const back = cls.fromConfig(json(loss.getConfig()));
      expect(back).toBeInstanceOf(cls);
      expect(back.getConfig()).toEqual(loss.getConfig());
    }
  });

  it('round-trips through serializeLoss and getLoss', () => {
    for (const loss of custom) {
      const spec = json(serializeLoss(loss));
      expect(spec.module).toBe('keras.losses');
      expect(spec.class_name).toBe((loss.constructor as typeof CategoricalCrossentropy).className);
      const back = getLoss(spec);
      expect(back.constructor).toBe(loss.constructor);
      expect(back.getConfig()).toEqual(loss.getConfig());
    }
  });

  it('reads configs written by Keras (dtype, reduction null, partial configs)', () => {
    const cce = CategoricalCrossentropy.fromConfig({
      name: 'categorical_crossentropy',
      reduction: 'sum_over_batch_size',
      from_logits: true,
      label_smoothing: 0.1,
      axis: -1,
      dtype: 'float32',
    });
    expect(cce.fromLogits).toBe(true);
    expect(cce.labelSmoothing).toBe(0.1);
    expect(SparseCategoricalCrossentropy.fromConfig({ reduction: null as never }).reduction).toBe('none');
    expect(getLoss({ class_name: 'Huber', config: { delta: 3 } })).toMatchObject({ delta: 3, name: 'huber_loss' });
    expect(getLoss({ class_name: 'CategoricalCrossentropy', config: { from_logits: true } })).toMatchObject({ fromLogits: true });
  });

  it('rejects unknown keys and bad values', () => {
    expect(() => CategoricalCrossentropy.fromConfig({ from_logit: true } as Partial<LossConfig>)).toThrow(/unknown option 'fromLogit'/);
    expect(() => new MeanSquaredError({ reduction: 'avg' as never })).toThrow(ValueError);
    expect(() => new MeanSquaredError({ reduction: 'avg' as never })).toThrow(/'sum_over_batch_size', 'sum', 'none'/);
    expect(() => new CategoricalCrossentropy({ labelSmoothing: 1.5 })).toThrow(/labelSmoothing in \[0, 1\]/);
    expect(() => new BinaryCrossentropy({ fromLogits: 'yes' as never })).toThrow(/fromLogits to be a boolean/);
    expect(() => new Huber({ delta: 0 })).toThrow(/delta to be a positive number/);
    expect(() => new SparseCategoricalCrossentropy({ ignoreClass: 0.5 })).toThrow(/ignoreClass to be an integer/);
    expect(() => new CategoricalCrossentropy({ axis: 1.5 })).toThrow(/axis to be an integer/);
  });
});

describe('getLoss', () => {
  const ids: Array<[string, new () => Loss]> = [
    ['categorical_crossentropy', CategoricalCrossentropy],
    ['sparse_categorical_crossentropy', SparseCategoricalCrossentropy],
    ['binary_crossentropy', BinaryCrossentropy],
    ['bce', BinaryCrossentropy],
    ['mse', MeanSquaredError],
    ['MSE', MeanSquaredError],
    ['mean_squared_error', MeanSquaredError],
    ['mae', MeanAbsoluteError],
    ['mean_absolute_error', MeanAbsoluteError],
    ['huber', Huber],
    ['kl_divergence', KLDivergence],
    ['kld', KLDivergence],
    ['hinge', Hinge],
    ['CategoricalCrossentropy', CategoricalCrossentropy],
    ['SparseCategoricalCrossentropy', SparseCategoricalCrossentropy],
    ['BinaryCrossentropy', BinaryCrossentropy],
    ['MeanSquaredError', MeanSquaredError],
    ['MeanAbsoluteError', MeanAbsoluteError],
    ['Huber', Huber],
    ['KLDivergence', KLDivergence],
    ['Hinge', Hinge],
  ];

  it('resolves every Keras id and class name to a default-configured instance', () => {
    for (const [id, cls] of ids) {
      const loss = getLoss(id);
      expect(loss, id).toBeInstanceOf(cls);
      expect(loss.getConfig()).toEqual(new cls().getConfig());
    }
  });

  it('throws a ValueError listing the valid ids for an unknown one, with a suggestion', () => {
    expect(() => getLoss('crossentropy')).toThrow(ValueError);
    expect(() => getLoss('crossentropy')).toThrow(
      /unknown loss 'crossentropy'.*'categorical_crossentropy'.*'sparse_categorical_crossentropy'.*'mse'.*'hinge'/,
    );
    expect(() => getLoss('categoricalCrossentropy')).toThrow(/Did you mean 'categorical_crossentropy'\?/);
    expect(() => getLoss(null as never)).toThrow(/could not interpret/);
    expect(() => getLoss({ class_name: 'Nope', config: {} })).toThrow(/unknown loss 'Nope'/);
  });

  it('passes Loss instances through, instantiates classes and maps built-in functions to their class', () => {
    const l = new Huber({ delta: 2 });
    expect(getLoss(l)).toBe(l);
    expect(getLoss(MeanAbsoluteError)).toBeInstanceOf(MeanAbsoluteError);
    expect(getLoss(categoricalCrossentropy)).toBeInstanceOf(CategoricalCrossentropy);
    expect(getLoss({ class_name: 'function', config: 'mse' })).toBeInstanceOf(MeanSquaredError);
    expect(serializeLoss(meanSquaredError)).toEqual({
      module: 'keras.losses',
      class_name: 'function',
      config: 'mean_squared_error',
      registered_name: 'mean_squared_error',
    });
  });

  it('wraps plain functions in a LossFunctionWrapper', () => {
    function meanAbsoluteErrorTimesTwo(yTrue: Tensor, yPred: Tensor) {
      return mean(abs(sub(yTrue, yPred)), -1);
    }
    const loss = getLoss(meanAbsoluteErrorTimesTwo);
    expect(loss).toBeInstanceOf(LossFunctionWrapper);
    expect(loss.name).toBe('mean_absolute_error_times_two');
    expect(loss.compute(tensor([[1, 2]]), tensor([[0, 0]])).dataSync()[0]).toBeCloseTo(1.5);
    expect(() => serializeLoss(loss)).toThrow(/not registered; call registerLoss/);
  });

  it('aligns [batch] targets with [batch, 1] predictions for wrapped functions, as Keras', () => {
    const shapes: number[][] = [];
    const loss = new LossFunctionWrapper((yTrue, yPred) => {
      shapes.push([...yTrue.shape], [...yPred.shape]);
      return mean(abs(sub(yTrue, yPred)), -1);
    });
    expect(loss.compute([1, 2, 3], tensor([[1], [1], [1]])).dataSync()[0]).toBeCloseTo(1);
    expect(shapes).toEqual([[3, 1], [3, 1]]);
  });

  it('a custom loss whose call returns no tensor is a clear error', () => {
    class Broken extends Loss {
      call() {
        return 3 as unknown as Tensor;
      }
    }
    expect(() => new Broken().compute([1], [1])).toThrow(/broken: call\(\) must return a Tensor/);
  });
});

describe('registerLoss', () => {
  it('registers a function that getLoss, serializeLoss and getLoss again understand', () => {
    const logError = (yTrue: Tensor, yPred: Tensor) => mean(abs(sub(yTrue, yPred)), -1);
    registerLoss('custom_log_error', logError);
    const loss = getLoss('custom_log_error');
    expect(loss).toBeInstanceOf(LossFunctionWrapper);
    expect(loss.name).toBe('custom_log_error');
    const spec = json(serializeLoss(new LossFunctionWrapper(logError, { name: 'mine', reduction: 'sum' })));
    expect(spec).toEqual({
      module: null,
      class_name: 'LossFunctionWrapper',
      config: { name: 'mine', reduction: 'sum', fn: 'custom_log_error' },
      registered_name: null,
    });
    const back = getLoss(spec);
    expect(back).toMatchObject({ name: 'mine', reduction: 'sum', fn: logError });
    expect(getLoss(logError).name).toBe('custom_log_error');
    expect(serializeLoss(logError)).toMatchObject({ class_name: 'function', config: 'custom_log_error' });
  });

  it('registers a Loss subclass with its own config', () => {
    class ScaledMse extends Loss {
      readonly scale: number;
      constructor(options: { scale?: number } & LossOptions = {}) {
        super(options);
        this.scale = options.scale ?? 1;
      }
      call(yTrue: Tensor, yPred: Tensor) {
        return mean(abs(sub(yTrue, yPred)), -1);
      }
      override getConfig() {
        return { ...super.getConfig(), scale: this.scale };
      }
    }
    expect(() => serializeLoss(new ScaledMse())).toThrow(/ScaledMse is not registered/);
    registerLoss('ScaledMse', ScaledMse);
    const loss = new ScaledMse({ scale: 3 });
    expect(loss.name).toBe('scaled_mse');
    const spec = json(serializeLoss(loss));
    expect(spec).toEqual({ module: null, class_name: 'ScaledMse', config: { name: 'scaled_mse', reduction: 'sum_over_batch_size', scale: 3 }, registered_name: 'ScaledMse' });
    const back = getLoss(spec);
    expect(back).toBeInstanceOf(ScaledMse);
    expect((back as ScaledMse).scale).toBe(3);
    expect(getLoss('ScaledMse')).toBeInstanceOf(ScaledMse);
  });

  it('refuses to replace built-ins, and registered names unless asked', () => {
    expect(() => registerLoss('mse', () => tensor(0))).toThrow(/built-in/);
    registerLoss('twice', () => tensor(0));
    expect(() => registerLoss('twice', () => tensor(1))).toThrow(/already registered/);
    const f = () => tensor(2);
    registerLoss('twice', f, { override: true });
    expect((getLoss('twice') as LossFunctionWrapper).fn).toBe(f);
    expect(() => registerLoss('x', 42 as never)).toThrow(/Loss subclass or a loss function/);
  });
});
