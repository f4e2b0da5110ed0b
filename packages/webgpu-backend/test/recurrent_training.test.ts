// Training loops with the sequence layers on WebGPU: a masked Embedding -> LSTM (dropouts) ->
// Bidirectional(GRU) -> TimeDistributed(Dense) model and a stateful stack of cells train without
// leaking a tensor, and a deterministic masked model reaches the same losses as on the CPU.
import '@tessera/cpu-backend';
import './setup.js';
import { Bidirectional, Dense, Embedding, GRU, LSTM, LSTMCell, RNN, Sequential, SimpleRNNCell, TimeDistributed, clearSession } from '@tessera/layers';
import { dispose, memory, setBackend, tensor, type Tensor } from '@tessera/tensor';
import { afterAll, describe, expect, it } from 'vitest';

const IDS = Array.from({ length: 8 * 5 }, (_, i) => ((i * 7) % 5 === 4 ? 0 : (i * 7) % 5));
const TARGET = Array.from({ length: 8 * 5 * 2 }, (_, i) => Math.sin(i * 0.7));

function data(): [Tensor, Tensor] {
  return [tensor(IDS, [8, 5], 'int32'), tensor(TARGET, [8, 5, 2])];
}

/** A masked model with fixed weights (the same on every backend). */
function deterministic(): Sequential {
  clearSession();
  const model = new Sequential([
    new Embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputShape: [5] }),
    new LSTM({ units: 4, returnSequences: true }),
    new Bidirectional({ layer: new GRU({ units: 2, returnSequences: true }) }),
    new TimeDistributed({ layer: new Dense({ units: 2 }) }),
  ]);
  const ws = model.weights.map((w, k) => tensor(Array.from({ length: w.size }, (_, i) => 0.3 * Math.sin(i * 1.3 + k)), [...w.shape]));
  model.setWeights(ws);
  dispose(ws);
  return model;
}

async function losses(backend: 'cpu' | 'webgpu'): Promise<number[]> {
  await setBackend(backend);
  const [x, y] = data();
  const model = deterministic();
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const out: number[] = [];
  for (let i = 0; i < 3; i++) out.push((await model.trainOnBatch(x, y)) as number);
  model.dispose();
  dispose([x, y]);
  return out;
}

describe('sequence models on WebGPU', () => {
  afterAll(() => setBackend('cpu'));

  it('a masked recurrent model takes the same training steps as on the CPU', async () => {
    const cpu = await losses('cpu');
    const gpu = await losses('webgpu');
    gpu.forEach((l, i) => expect(Math.abs(l - cpu[i]), `step ${i}: ${l} vs ${cpu[i]}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(cpu[i]))));
  });

  it('training loops with dropouts, Bidirectional, TimeDistributed, stateful stacked cells leak no tensor', async () => {
    await setBackend('webgpu');
    const [x, y] = data();
    const models = [
      new Sequential([
        new Embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputShape: [5] }),
        new LSTM({ units: 4, returnSequences: true, dropout: 0.2, recurrentDropout: 0.2 }),
        new Bidirectional({ layer: new GRU({ units: 2, returnSequences: true }) }),
        new TimeDistributed({ layer: new Dense({ units: 2 }) }),
      ]),
      new Sequential([
        new Embedding({ inputDim: 5, outputDim: 3, batchInputShape: [4, 5] }),
        new RNN({ cell: [new SimpleRNNCell({ units: 3 }), new LSTMCell({ units: 2 })], returnSequences: true, stateful: true }),
      ]),
    ];
    for (const model of models) {
      model.compile({ optimizer: 'adam', loss: 'mse' });
      const start = memory().numTensors;
      await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
      expect(memory().numTensors).toBe(start);
      model.dispose();
    }
    dispose([x, y]);
  });
});
