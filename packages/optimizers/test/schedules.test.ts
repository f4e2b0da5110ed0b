import '@tessera/cpu-backend';
import { ValueError, sum } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import {
  CosineDecay,
  ExponentialDecay,
  LearningRateSchedule,
  PiecewiseConstantDecay,
  SGD,
  deserializeSchedule,
  registerSchedule,
  serializeSchedule,
  type Config,
} from '../src/index.js';
import { expectClose, fresh } from './helpers.js';

const close = (a: number, b: number) => expect(a).toBeCloseTo(b, 12);

describe('ExponentialDecay', () => {
  it('lr0 * rate^(step / steps), floored with staircase', () => {
    const s = new ExponentialDecay(0.1, 10, 0.5);
    close(s.call(0), 0.1);
    close(s.call(5), 0.1 * Math.sqrt(0.5));
    close(s.call(20), 0.025);
    const stairs = new ExponentialDecay(0.1, 10, 0.5, true);
    close(stairs.call(9), 0.1);
    close(stairs.call(15), 0.05);
    close(stairs.call(29), 0.025);
  });

  it('rejects decaySteps <= 0', () => {
    expect(() => new ExponentialDecay(0.1, 0, 0.5)).toThrow(ValueError);
  });
});

describe('PiecewiseConstantDecay', () => {
  it('values[i] on (boundaries[i-1], boundaries[i]]', () => {
    const s = new PiecewiseConstantDecay([10, 20], [1, 0.5, 0.1]);
    expect([0, 10, 11, 20, 21, 1000].map((t) => s.call(t))).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
  });

  it('needs one value more than boundaries, and increasing boundaries', () => {
    expect(() => new PiecewiseConstantDecay([10, 20], [1, 0.5])).toThrow(/one element fewer/);
    expect(() => new PiecewiseConstantDecay([20, 10], [1, 0.5, 0.1])).toThrow(/strictly increasing/);
  });
});

describe('CosineDecay', () => {
  it('cosine from lr0 to alpha * lr0, then constant', () => {
    const s = new CosineDecay(0.1, 100);
    close(s.call(0), 0.1);
    close(s.call(50), 0.05);
    close(s.call(25), 0.1 * 0.5 * (1 + Math.cos(Math.PI / 4)));
    close(s.call(100), 0);
    close(s.call(500), 0);
    const floor = new CosineDecay(0.1, 100, 0.1);
    close(floor.call(100), 0.01);
    close(floor.call(50), 0.1 * (0.9 * 0.5 + 0.1));
  });

  it('linear warmup to warmupTarget, then cosine from it', () => {
    const s = new CosineDecay(0, 100, 0, 0.1, 10);
    close(s.call(0), 0);
    close(s.call(5), 0.05);
    close(s.call(10), 0.1);
    close(s.call(60), 0.05);
    close(s.call(110), 0);
    close(s.call(1000), 0);
  });
});

describe('schedules in optimizers', () => {
  it('each step uses the value at iterations (before the step)', () => {
    const opt = new SGD({ learningRate: new PiecewiseConstantDecay([1], [0.1, 0.01]) });
    const w = fresh([1]);
    const lrs: number[] = [];
    for (let i = 0; i < 3; i++) {
      lrs.push(opt.currentLearningRate());
      opt.minimize(() => sum(w), [w]);
    }
    expect(lrs).toEqual([0.1, 0.1, 0.01]);
    // d(w)/dw = 1 each step: w = 1 - 0.1 - 0.1 - 0.01.
    expectClose([Array.from(w.dataSync())], [[0.79]]);
    expect(opt.learningRate).toBe(0.01);
    w.dispose();
    opt.dispose();
  });
});

describe('schedule configs', () => {
  const schedules: LearningRateSchedule[] = [
    new ExponentialDecay(0.1, 1000, 0.96, true),
    new PiecewiseConstantDecay([100, 200], [0.1, 0.01, 0.001]),
    new CosineDecay(0.001, 500, 0.05, 0.01, 50),
  ];

  it.each(schedules.map((s) => [s.className, s] as const))('%s: getConfig -> fromConfig -> same config', (_n, s) => {
    const cls = s.constructor as unknown as { fromConfig(c: Config): LearningRateSchedule };
    const json = JSON.parse(JSON.stringify(s.getConfig())) as Config;
    expect(cls.fromConfig(json).getConfig()).toEqual(s.getConfig());
    const serialized = serializeSchedule(s);
    expect(serialized.class_name).toBe(s.className);
    expect(serialized.module).toBe('keras.optimizers.schedules');
    expect(deserializeSchedule(JSON.parse(JSON.stringify(serialized))).getConfig()).toEqual(s.getConfig());
  });

  it("writes Keras's keys", () => {
    expect(new ExponentialDecay(0.1, 10, 0.5).getConfig()).toEqual({
      initial_learning_rate: 0.1,
      decay_steps: 10,
      decay_rate: 0.5,
      staircase: false,
      name: 'ExponentialDecay',
    });
    expect(new PiecewiseConstantDecay([10], [1, 0.5]).getConfig()).toEqual({ boundaries: [10], values: [1, 0.5], name: 'PiecewiseConstant' });
    expect(new CosineDecay(0.1, 10).getConfig()).toEqual({
      initial_learning_rate: 0.1,
      decay_steps: 10,
      alpha: 0,
      name: 'CosineDecay',
      warmup_target: null,
      warmup_steps: 0,
    });
  });

  it('registers custom schedules and names the valid ones for unknown classes', () => {
    expect(() => deserializeSchedule({ class_name: 'Halving', config: {} })).toThrow(
      "Unknown learning rate schedule 'Halving'. Valid: ExponentialDecay, PiecewiseConstantDecay, CosineDecay",
    );
    class Halving extends LearningRateSchedule {
      static readonly className = 'Halving';
      constructor(readonly initial: number) {
        super();
      }
      call(step: number): number {
        return this.initial / 2 ** step;
      }
      getConfig(): Config {
        return { initial: this.initial };
      }
      static fromConfig(c: Config): Halving {
        return new Halving(c.initial as number);
      }
    }
    registerSchedule('Halving', Halving);
    const s = deserializeSchedule(serializeSchedule(new Halving(0.4)));
    expect(s).toBeInstanceOf(Halving);
    expect(s.call(2)).toBe(0.1);
    expect(serializeSchedule(s).registered_name).toBe('Halving');
  });
});
