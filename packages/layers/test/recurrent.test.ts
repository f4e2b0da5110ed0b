// Behaviour of the recurrent layers beyond the harness and the Keras fixtures: masks (padded
// steps change nothing, in the output, the loss and the gradient), stateful layers and
// resetStates, training loops that leak no tensor, Keras's auto-names, and typed errors.
import '@tessera/cpu-backend';
import { cast, dispose, memory, Prng, slice, tensor, tidy, ValueError, ShapeError, type Tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import {
  Bidirectional,
  clearSession,
  Dense,
  Embedding,
  GRU,
  GRUCell,
  Input,
  LSTM,
  LSTMCell,
  Masking,
  Model,
  RNN,
  Sequential,
  SimpleRNN,
  SimpleRNNCell,
  StackedRNNCells,
  TimeDistributed,
  LayerConfigError,
  layerFromConfig,
  type SymbolicTensor,
} from '../src/index.js';

function normals(shape: number[], seed: number): Tensor {
  const rng = new Prng(seed);
  return tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.nextNormal()), shape);
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol);
}

describe('masks', () => {
  it('padded steps change nothing: any values there give the same outputs and final states', () => {
    for (const make of [() => new LSTM({ units: 3, returnSequences: true, returnState: true }), () => new GRU({ units: 3, returnSequences: true, returnState: true }), () => new SimpleRNN({ units: 3, returnSequences: true, returnState: true, goBackwards: true })]) {
      const layer = make();
      const a = normals([2, 5, 2], 1);
      const mask = tidy(() => cast(tensor([1, 1, 0, 0, 0, 1, 1, 1, 1, 0], [2, 5]), 'bool'));
      // The same sequences with other values at the padded steps (2..4 of sample 0, 4 of sample 1).
      const padded = tidy(() => {
        const other = normals([2, 5, 2], 9);
        const m = tensor([1, 1, 0, 0, 0, 1, 1, 1, 1, 0], [2, 5, 1]);
        const av = a.dataSync();
        const ov = other.dataSync();
        const mv = m.dataSync();
        return tensor(Float32Array.from(av, (v, i) => (mv[Math.floor(i / 2)] ? v : ov[i])), [2, 5, 2]);
      });
      const [ya, yb] = [a, padded].map((x) => tidy(() => layer.apply(x, { mask }) as Tensor[]));
      ya.forEach((t, i) => close(t.dataSync(), yb[i].dataSync()));
      dispose([a, padded, mask, ...ya, ...yb]);
      layer.dispose();
    }
  });

  it('Embedding(maskZero) -> LSTM: trailing padding gives the output of the unpadded sequence', () => {
    clearSession();
    const embed = new Embedding({ inputDim: 5, outputDim: 3, maskZero: true });
    const lstm = new LSTM({ units: 4 });
    // Built for any number of steps, so one layer runs both lengths.
    embed.build([null, null]);
    lstm.build([null, null, 3]);
    const ids = tensor([3, 1, 4, 0, 0], [1, 5], 'int32');
    const short = tensor([3, 1, 4], [1, 3], 'int32');
    const run = (t: Tensor) =>
      tidy(() => {
        const e = embed.apply(t) as Tensor;
        const mask = embed.computeMask(t) as Tensor | undefined;
        return lstm.apply(e, { mask }) as Tensor;
      });
    const [full, cut] = [run(ids), run(short)];
    close(full.dataSync(), cut.dataSync());
    dispose([ids, short, full, cut]);
    embed.dispose();
    lstm.dispose();
  });

  it('the masked loss and its gradient ignore the targets of padded steps', async () => {
    const train = async (padTarget: number) => {
      clearSession();
      const model = new Sequential([
        new Embedding({ inputDim: 6, outputDim: 3, maskZero: true, inputShape: [4], embeddingsInitializer: 'ones' }),
        new LSTM({ units: 3, returnSequences: true, kernelInitializer: 'ones', recurrentInitializer: 'zeros' }),
        new TimeDistributed({ layer: new Dense({ units: 2, kernelInitializer: 'ones' }) }),
      ]);
      model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
      const ids = tensor([2, 5, 0, 0, 1, 3, 4, 0], [2, 4], 'int32');
      const y = tensor([0.1, 0.2, 0.3, 0.4, padTarget, padTarget, padTarget, padTarget, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, padTarget, padTarget], [2, 4, 2]);
      const before = (await model.evaluate(ids, y, { verbose: 0 })) as number[];
      await model.fit(ids, y, { epochs: 1, batchSize: 2, verbose: 0 });
      const weights = model.getWeights();
      const values = weights.map((w) => Array.from(w.dataSync()));
      dispose([ids, y, ...weights]);
      model.dispose();
      return { before, values };
    };
    const a = await train(0);
    const b = await train(100);
    close(a.before, b.before, 1e-6);
    a.values.forEach((v, i) => close(v, b.values[i], 1e-6));
  });

  it('Masking masks steps whose features all equal maskValue, and zeroes them', () => {
    const layer = new Masking({ maskValue: 2 });
    const x = tensor([1, 2, 2, 2, 2, 0], [1, 3, 2]);
    const y = layer.apply(x) as Tensor;
    const m = layer.computeMask(x) as Tensor;
    expect(Array.from(y.dataSync())).toEqual([1, 2, 0, 0, 2, 0]);
    expect(Array.from(m.dataSync())).toEqual([1, 0, 1]);
    dispose([x, y, m]);
  });

  it('masks flow through a functional graph: the output mask of return_sequences reaches the loss', () => {
    const inp = Input({ shape: [3], dtype: 'int32' } as never);
    const e = new Embedding({ inputDim: 4, outputDim: 2, maskZero: true }).apply(inp) as SymbolicTensor;
    const s = new GRU({ units: 2, returnSequences: true }).apply(e) as SymbolicTensor;
    const model = new Model({ inputs: inp, outputs: s });
    const ids = tensor([1, 0, 2], [1, 3], 'int32');
    const { outputs, masks } = model.runMasked([ids], false);
    expect(Array.from(masks[0]!.dataSync())).toEqual([1, 0, 1]);
    dispose([ids, outputs, masks[0]!]);
    model.dispose();
  });
});

describe('initial states', () => {
  it('Bidirectional takes [x, ...forward states, ...backward states], as Keras splits them', () => {
    const bi = new Bidirectional({ layer: new GRU({ units: 2 }), mergeMode: null });
    const x = normals([2, 3, 2], 1);
    const [s1, s2] = [normals([2, 2], 2), normals([2, 2], 3)];
    const [f, b] = bi.apply([x, s1, s2]) as Tensor[];
    const f2 = bi.forwardLayer.apply(x, { initialState: [s1] }) as Tensor;
    const b2 = bi.backwardLayer.apply(x, { initialState: [s2] }) as Tensor;
    close(f.dataSync(), f2.dataSync());
    close(b.dataSync(), b2.dataSync());
    const zero = bi.forwardLayer.apply(x) as Tensor;
    expect(Math.max(...Array.from(zero.dataSync(), (v, i) => Math.abs(v - f.dataSync()[i])))).toBeGreaterThan(1e-4);
    dispose([x, s1, s2, f, b, f2, b2, zero]);
    bi.dispose();
  });
});

describe('stateful layers', () => {
  it('carry their states across calls until resetStates()', () => {
    for (const make of [(s: boolean) => new LSTM({ units: 3, stateful: s }), (s: boolean) => new GRU({ units: 3, stateful: s })]) {
      const stateful = make(true);
      const plain = make(false);
      const x = normals([2, 6, 2], 4);
      const [first, second] = [slice(x, [0, 0, 0], [2, 3, 2]), slice(x, [0, 3, 0], [2, 3, 2])];
      tidy(() => void stateful.apply(first));
      tidy(() => void plain.apply(x));
      const ws = plain.getWeights();
      stateful.setWeights(ws);
      stateful.resetStates();
      const y1 = stateful.apply(first) as Tensor;
      const y2 = stateful.apply(second) as Tensor;
      const whole = plain.apply(x) as Tensor;
      close(y2.dataSync(), whole.dataSync(), 1e-5);
      stateful.resetStates();
      const again = stateful.apply(first) as Tensor;
      close(again.dataSync(), y1.dataSync());
      expect(() => stateful.apply(normals([3, 3, 2], 1))).toThrow(/stateful for batches of 2 samples but got a batch of 3/);
      dispose([x, first, second, ...ws, y1, y2, whole, again]);
      stateful.dispose();
      plain.dispose();
    }
    expect(() => new LSTM({ units: 2 }).resetStates()).toThrow(ValueError);
  });
});

describe('training loops leak no tensors', () => {
  it('fit with Embedding(maskZero), LSTM with dropouts, GRU, Bidirectional, TimeDistributed, a stateful RNN and stacked cells', async () => {
    clearSession();
    const ids = tensor(Float32Array.from({ length: 8 * 5 }, (_, i) => (i * 7) % 6), [8, 5], 'int32');
    const y = normals([8, 5, 2], 3);
    const models = [
      new Sequential([
        new Embedding({ inputDim: 6, outputDim: 3, maskZero: true, inputShape: [5] }),
        new LSTM({ units: 4, returnSequences: true, dropout: 0.2, recurrentDropout: 0.3, seed: 1 }),
        new Bidirectional({ layer: new GRU({ units: 2, returnSequences: true, recurrentDropout: 0.1 }) }),
        new TimeDistributed({ layer: new Dense({ units: 2 }) }),
      ]),
      new Sequential([
        new Embedding({ inputDim: 6, outputDim: 3, batchInputShape: [4, 5] }),
        new RNN({ cell: new StackedRNNCells({ cells: [new SimpleRNNCell({ units: 3, dropout: 0.1 }), new LSTMCell({ units: 2 })] }), returnSequences: true, stateful: true }),
        new GRU({ units: 2, returnSequences: true, resetAfter: false }),
      ]),
    ];
    for (const model of models) {
      model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
      const start = memory().numTensors;
      await model.fit(ids, y, { epochs: 2, batchSize: 4, verbose: 0 });
      expect(memory().numTensors, 'after fit').toBe(start);
      await model.evaluate(ids, y, { verbose: 0, batchSize: 4 });
      const p = model.predict(ids, { batchSize: 4 }) as Tensor;
      p.dispose();
      expect(memory().numTensors, 'after evaluate and predict').toBe(start);
      model.dispose();
    }
    dispose([ids, y]);
  });
});

describe('names and errors', () => {
  it("auto-names as Keras 3 (lstm, lstm_1, gru, simple_rnn, bidirectional, time_distributed, masking, rnn, the cells)", () => {
    clearSession();
    const names = [
      new LSTM({ units: 1 }),
      new LSTM({ units: 1 }),
      new GRU({ units: 1 }),
      new SimpleRNN({ units: 1 }),
      new Bidirectional({ layer: new LSTM({ units: 1 }) }),
      new TimeDistributed({ layer: new Dense({ units: 1 }) }),
      new Masking(),
      new RNN({ cell: new GRUCell({ units: 1 }) }),
      new SimpleRNNCell({ units: 1 }),
      new StackedRNNCells({ cells: [new LSTMCell({ units: 1 })] }),
    ].map((l) => l.name);
    expect(names).toEqual(['lstm', 'lstm_1', 'gru', 'simple_rnn', 'bidirectional', 'time_distributed', 'masking', 'rnn', 'simple_rnn_cell', 'stacked_rnn_cells']);
    const bi = new Bidirectional({ layer: new LSTM({ units: 2, name: 'enc' }) });
    expect([bi.forwardLayer.name, bi.backwardLayer.name]).toEqual(['forward_enc', 'backward_enc']);
    expect(bi.backwardLayer.goBackwards).toBe(true);
  });

  it('configs: Keras 2 keys accepted, what Tessera cannot honour refused with a typed error', () => {
    const lstm = layerFromConfig('LSTM', { name: 'l', units: 2, implementation: 1, time_major: false, recurrent_activation: 'hard_sigmoid' }) as LSTM;
    expect(lstm.getConfig().recurrent_activation).toBe('hard_sigmoid');
    // A GRU config without reset_after is Keras 2's before the option existed: reset-before.
    expect((layerFromConfig('GRU', { name: 'g', units: 2 }) as GRU).cell.resetAfter).toBe(false);
    expect((layerFromConfig('CuDNNGRU', { name: 'c', units: 2 }) as GRU).cell.resetAfter).toBe(true);
    const refuse = (cls: string, config: Record<string, unknown>) => {
      try {
        layerFromConfig(cls, config);
      } catch (e) {
        return e as LayerConfigError;
      }
      throw new Error('no error');
    };
    const bad = refuse('LSTM', { name: 'l', units: 2, recurrent_activation: 'nope' });
    expect(bad).toBeInstanceOf(LayerConfigError);
    expect(bad.code).toBe('unsupported');
    expect(bad.message).toContain("recurrent_activation 'nope'");
    expect(refuse('GRU', { name: 'g', units: 2, time_major: true }).message).toContain('time_major=true');
    expect(refuse('RNN', { name: 'r', cell: { class_name: 'Dense', config: { name: 'd', units: 2 } } }).message).toMatch(/`cell` must be a recurrent cell/);
  });

  it('bad arguments are typed errors naming the argument', () => {
    expect(() => new LSTM({ units: 0 })).toThrow(/`units`/);
    expect(() => new GRU({ units: 2, dropout: 1.5 })).toThrow(/`dropout`/);
    expect(() => new SimpleRNN({ units: 2, recurrentDropout: -1 })).toThrow(/`recurrentDropout`/);
    expect(() => new LSTM({ units: 2, returnSequences: 'yes' as never })).toThrow(/`returnSequences`/);
    expect(() => new Bidirectional({ layer: new Dense({ units: 2 }) as never })).toThrow(/`layer`/);
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }), mergeMode: 'max' as never })).toThrow(/`mergeMode`/);
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }), backwardLayer: new LSTM({ units: 2 }) })).toThrow(/goBackwards/);
    expect(() => new RNN({ cell: new Dense({ units: 2 }) as never })).toThrow(/`cell`/);
    expect(() => new StackedRNNCells({ cells: [] })).toThrow(/`cells`/);
    const lstm = new LSTM({ units: 2 });
    const flat = normals([2, 3], 1);
    expect(() => lstm.apply(flat)).toThrow(ShapeError);
    const x = normals([2, 3, 2], 1);
    const h = normals([2, 2], 2);
    expect(() => lstm.apply(x, { initialState: [h] })).toThrow(/expected 2 initial state\(s\) \(`initialState`\) but got 1/);
    dispose([flat, x, h]);
    lstm.dispose();
  });
});
