import '@tessera/cpu-backend';
import { DTypeError, ShapeError, ValueError, add, dispose, memory, square, sum, tensor, tidy, variable } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  ExponentialDecay,
  Nadam,
  RMSprop,
  SGD,
  type Optimizer,
} from '../src/index.js';
import { expectClose, fresh } from './helpers.js';

/** Optimizers configured to create every kind of slot and run every code path. */
const everything = (): Optimizer[] => [
  new SGD({ momentum: 0.9, nesterov: true, clipnorm: 1 }),
  new RMSprop({ momentum: 0.5, centered: true, globalClipnorm: 1 }),
  new Adam({ amsgrad: true, clipvalue: 0.5 }),
  new AdamW({ learningRate: new ExponentialDecay(0.01, 10, 0.9) }),
  new Adagrad({ lossScaleFactor: 2 }),
  new Adadelta(),
  new Adamax({ weightDecay: 0.01 }),
  new Nadam(),
];

describe('memory', () => {
  it.each(everything().map((o) => [o.className, o] as const))('%s: 100 steps leak nothing after the first creates the slots', (_n, opt) => {
    const a = fresh([1, -2, 3]);
    const b = fresh([0.5]);
    const ga = tensor([0.1, -0.2, 0.3]);
    const gb = tensor([-0.4]);
    const before = memory();
    opt.applyGradients([[ga, a], [gb, b]]);
    const afterFirst = memory();
    expect(afterFirst.numTensors - before.numTensors).toBe(opt.variables().length);
    for (let i = 0; i < 99; i++) opt.applyGradients([[ga, a], [gb, b]]);
    expect(memory().numTensors).toBe(afterFirst.numTensors);
    expect(memory().numDataBuffers).toBe(afterFirst.numDataBuffers);
    expect(opt.iterations).toBe(100);
    opt.dispose();
    expect(memory().numTensors).toBe(before.numTensors);
    dispose([a, b, ga, gb]);
  });

  it('minimize leaks nothing either', () => {
    const w = fresh([3, -1]);
    const opt = new Adam({ learningRate: 0.1 });
    opt.minimize(() => sum(square(w)), [w]);
    const n = memory().numTensors;
    for (let i = 0; i < 20; i++) opt.minimize(() => sum(square(w)), [w]);
    expect(memory().numTensors).toBe(n);
    opt.dispose();
    w.dispose();
  });
});

describe('minimize', () => {
  it('returns the loss before the step and applies the gradient', () => {
    const w = fresh([3]);
    const opt = new SGD({ learningRate: 0.1 });
    expect(opt.minimize(() => sum(square(w)), [w])).toBeCloseTo(9, 5);
    expectClose([Array.from(w.dataSync())], [[2.4]]);
    // Without varList: every trainable variable the loss reaches (slots are not trainable).
    expect(opt.minimize(() => sum(square(w)))).toBeCloseTo(5.76, 5);
    expectClose([Array.from(w.dataSync())], [[1.92]]);
    w.dispose();
  });
});

describe('learning rate', () => {
  it('can be read and set like Keras optimizer.learning_rate', () => {
    const w = fresh([1]);
    const opt = new SGD({ learningRate: 0.1 });
    expect(opt.learningRate).toBe(0.1);
    opt.learningRate = 0.5;
    expect(opt.currentLearningRate()).toBe(0.5);
    opt.applyGradients([[tensor([1]), w]]);
    expectClose([Array.from(w.dataSync())], [[0.5]]);
    expect(opt.getConfig().learning_rate).toBe(0.5);
    expect(() => (opt.learningRate = -1)).toThrow(ValueError);
    w.dispose();
  });

  it('a schedule is evaluated at iterations and cannot be replaced by a number', () => {
    const opt = new Adam({ learningRate: new ExponentialDecay(0.1, 1, 0.5) });
    expect(opt.learningRate).toBe(0.1);
    opt.iterations = 2;
    expect(opt.currentLearningRate()).toBeCloseTo(0.025, 12);
    expect(() => (opt.learningRate = 0.01)).toThrow(/LearningRateSchedule/);
    expect(opt.learningRateSchedule).toBeInstanceOf(ExponentialDecay);
  });
});

describe('weights (optimizer state)', () => {
  it('are listed in Keras 3 order with Keras 3 names', () => {
    const a = variable(tensor([1, 2]), { name: 'dense/kernel' });
    const b = variable(tensor([3]), { name: 'dense/bias' });
    const opt = new Adam({ amsgrad: true });
    expect(opt.weightNames()).toEqual(['adam/iteration', 'adam/learning_rate']);
    opt.build([a, b]);
    expect(opt.weightNames()).toEqual([
      'adam/iteration',
      'adam/learning_rate',
      'adam/dense_kernel_momentum',
      'adam/dense_kernel_velocity',
      'adam/dense_bias_momentum',
      'adam/dense_bias_velocity',
      'adam/dense_kernel_velocity_hat',
      'adam/dense_bias_velocity_hat',
    ]);
    // A second optimizer of the same name gets distinct slot names.
    const other = new Adam();
    other.build([a]);
    expect(other.variables().map((v) => v.name)).toEqual(['adam/dense_kernel_momentum_1', 'adam/dense_kernel_velocity_1']);
    expect(new Nadam().weightNames()).toEqual(['nadam/iteration', 'nadam/learning_rate', 'nadam/u_product']);
    expect(new SGD({ learningRate: new ExponentialDecay(0.1, 1, 0.5) }).weightNames()).toEqual(['SGD/iteration']);
    dispose([a, b]);
    opt.dispose();
    other.dispose();
  });

  it.each([
    ['Adam', () => new Adam({ learningRate: 0.1, amsgrad: true })],
    ['Nadam', () => new Nadam({ learningRate: 0.1 })],
    ['RMSprop', () => new RMSprop({ learningRate: 0.1, momentum: 0.5, centered: true })],
  ] as const)('%s: getWeights -> setWeights restores the state exactly', (_n, make) => {
    const grads = [[0.1, -0.2], [0.3, 0.05], [-0.15, 0.4], [0.2, 0.2]];
    const w1 = fresh([1, -0.5]);
    const opt1 = make();
    for (const g of grads.slice(0, 3)) tidy(() => void opt1.applyGradients([[tensor(g), w1]]));
    const state = opt1.getWeights();
    expect(state.length).toBe(opt1.weightNames().length);
    expect(state[0].dataSync()[0]).toBe(3);

    const w2 = fresh(Array.from(w1.dataSync()));
    const opt2 = make();
    opt2.build([w2]);
    opt2.setWeights(state);
    expect(opt2.iterations).toBe(3);
    for (const [opt, w] of [[opt1, w1], [opt2, w2]] as const) tidy(() => void opt.applyGradients([[tensor(grads[3]), w]]));
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w1.dataSync()));

    // The snapshot does not follow later steps.
    expect(state[0].dataSync()[0]).toBe(3);
    dispose([state, w1, w2]);
    opt1.dispose();
    opt2.dispose();
  });

  it('setWeights checks the count, the shapes and the dtypes, and accepts plain values', () => {
    const w = fresh([1, 2]);
    const opt = new SGD({ momentum: 0.9 });
    expect(() => opt.setWeights([0, 0.1, [0, 0]])).toThrow(/call build\(variables\) first/);
    opt.build([w]);
    expect(() => opt.setWeights([0, 0.1])).toThrow(ValueError);
    expect(() => opt.setWeights([0, 0.1, [1, 2, 3]])).toThrow(ShapeError);
    const ints = tensor([1, 2], [2], 'int32');
    expect(() => opt.setWeights([0, 0.1, ints])).toThrow(DTypeError);
    opt.setWeights([7, 0.25, [0.5, -0.5]]);
    expect(opt.iterations).toBe(7);
    expect(opt.learningRate).toBe(0.25);
    expect(Array.from(opt.variables()[0].dataSync())).toEqual([0.5, -0.5]);
    dispose([w, ints]);
    opt.dispose();
  });
});

describe('bad input', () => {
  it('rejects bad hyperparameters with ValueError', () => {
    expect(() => new SGD({ learningRate: -0.1 })).toThrow(ValueError);
    expect(() => new SGD({ learningRate: -0.1 })).toThrow('SGD: `learning_rate` must be a number >= 0 or a LearningRateSchedule but got -0.1');
    expect(() => new SGD({ momentum: 1.5 })).toThrow('SGD: `momentum` must be a number in [0, 1] but got 1.5');
    expect(() => new SGD({ momentum: -0.1 })).toThrow(ValueError);
    expect(() => new RMSprop({ momentum: 2 })).toThrow(ValueError);
    expect(() => new Adam({ beta1: 1 })).toThrow(ValueError);
    expect(() => new Adam({ epsilon: -1 })).toThrow(ValueError);
    expect(() => new AdamW({ weightDecay: null })).toThrow(ValueError);
    expect(() => new Adagrad({ initialAccumulatorValue: -1 })).toThrow(ValueError);
    expect(() => new SGD({ learningRate: Number.NaN })).toThrow(ValueError);
  });

  it('a gradient of the wrong shape names the variable and both shapes', () => {
    const w = variable(tensor([1, 2]), { name: 'dense_9/kernel' });
    const g = tensor([1, 2, 3]);
    const opt = new Adam();
    expect(() => opt.applyGradients([[g, w]])).toThrow(ShapeError);
    expect(() => opt.applyGradients([[g, w]])).toThrow("Adam.applyGradients: variable 'dense_9/kernel' has shape [2] but its gradient has shape [3]");
    expect(opt.iterations).toBe(0);
    dispose([w, g]);
  });

  it('a non-float variable or gradient is a DTypeError', () => {
    const iv = variable(tensor([1, 2], [2], 'int32'), { name: 'counts' });
    const w = fresh([1, 2]);
    const ig = tensor([1, 2], [2], 'int32');
    const g = tensor([1, 2]);
    const opt = new SGD();
    expect(() => opt.applyGradients([[g, iv]])).toThrow(DTypeError);
    expect(() => opt.applyGradients([[g, iv]])).toThrow(/'counts' has dtype int32/);
    expect(() => opt.applyGradients([[ig, w]])).toThrow(DTypeError);
    dispose([iv, w, ig, g]);
  });

  it('skips missing gradients, but not all of them; rejects duplicates', () => {
    const a = fresh([1]);
    const b = fresh([1]);
    const g = tensor([1]);
    const opt = new SGD({ learningRate: 0.5 });
    opt.applyGradients([[g, a], [null, b]]);
    expect([a.dataSync()[0], b.dataSync()[0]]).toEqual([0.5, 1]);
    expect(() => opt.applyGradients([[null, a]])).toThrow(/no gradients/);
    expect(() => opt.applyGradients([[g, a], [g, a]])).toThrow(/more than once/);
    dispose([a, b, g]);
  });

  it('excludeFromWeightDecay skips the named variables', () => {
    const kernel = variable(tensor([1]), { name: 'wd_dense/kernel' });
    const bias = variable(tensor([1]), { name: 'wd_dense/bias' });
    const zero = tensor([0]);
    const opt = new SGD({ learningRate: 0.1, weightDecay: 0.5 });
    opt.excludeFromWeightDecay({ names: ['bias'] });
    opt.applyGradients([[zero, kernel], [zero, bias]]);
    expectClose([[kernel.dataSync()[0], bias.dataSync()[0]]], [[0.95, 1]]);
    dispose([kernel, bias, zero]);
  });

  it('works inside an outer tidy without disposing the slots', () => {
    const w = fresh([1]);
    const opt = new Adam();
    tidy(() => {
      opt.applyGradients([[add(tensor([0.5]), 0), w]]);
    });
    expect(opt.variables().every((v) => !v.isDisposed)).toBe(true);
    opt.applyGradients([[tensor([0.5]), w]]);
    opt.dispose();
    w.dispose();
  });
});
