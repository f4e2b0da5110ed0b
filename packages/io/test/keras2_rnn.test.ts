// Keras 2 recurrent files (fixtures/keras2_rnn, written in Keras 2's layout by make_keras2_rnn.py):
// an LSTM with Keras 2's config keys and a reset-before GRU with its 1-D bias load as they are;
// CuDNNLSTM / CuDNNGRU (and a Bidirectional CuDNNLSTM) load as LSTM / GRU with their CuDNN weights
// converted as Keras 2's _convert_rnn_weights converts them, predicting what Keras 3 predicts with
// the converted weights; a CuDNNGRU's weights under a reset-before GRU fail with a typed error.
import '@tessera/cpu-backend';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bidirectional, GRU, LSTM, type Model } from '@tessera/layers';
import { dispose, memory, tensor, type Tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { loadModel, ModelFileError } from '../src/index.js';
import { maxAbsDiff } from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = (name: string) => resolve(here, 'fixtures/keras2_rnn', name);
interface Values {
  shape: number[];
  values: number[];
}
const expected = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as Record<string, Values>;

async function predictionOf(name: string): Promise<{ model: Model; y: Float32Array; shape: number[] }> {
  const model = await loadModel(fixture(`${name}.h5`));
  const x = tensor(expected.x.values, expected.x.shape);
  const out = model.predict(x) as Tensor;
  const y = Float32Array.from(await out.data());
  const shape = [...out.shape];
  dispose([x, out]);
  return { model, y, shape };
}

describe('Keras 2 recurrent files', () => {
  it('an LSTM (implementation, time_major keys) and a reset-before GRU (1-D bias) predict as Keras', async () => {
    const before = memory().numTensors;
    const { model, y, shape } = await predictionOf('lstm_gru_keras2');
    expect(model.layers.map((l) => l.className)).toEqual(['LSTM', 'GRU', 'Dense']);
    expect((model.layers[1] as GRU).cell.resetAfter).toBe(false);
    expect(shape).toEqual(expected.lstm_gru_keras2.shape);
    expect(maxAbsDiff(y, expected.lstm_gru_keras2.values)).toBeLessThan(1e-5);
    model.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it("CuDNNLSTM and CuDNNGRU load as LSTM and reset-after GRU, their weights converted as Keras 2's _convert_rnn_weights", async () => {
    const { model, y, shape } = await predictionOf('cudnn_keras2');
    expect(model.layers.map((l) => l.className)).toEqual(['LSTM', 'GRU', 'Dense']);
    expect((model.layers[1] as GRU).cell.resetAfter).toBe(true);
    const lstm = model.layers[0] as LSTM;
    expect(lstm.weights.map((w) => w.shape)).toEqual([[3, 12], [3, 12], [12]]);
    expect(shape).toEqual(expected.cudnn_keras2.shape);
    expect(maxAbsDiff(y, expected.cudnn_keras2.values)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('a Bidirectional CuDNNLSTM converts each direction', async () => {
    const { model, y } = await predictionOf('bidirectional_cudnn_keras2');
    const bi = model.layers[0] as Bidirectional;
    expect(bi.className).toBe('Bidirectional');
    expect([bi.forwardLayer.name, bi.backwardLayer.name]).toEqual(['forward_cu_dnnlstm_2', 'backward_cu_dnnlstm_2']);
    expect(maxAbsDiff(y, expected.bidirectional_cudnn_keras2.values)).toBeLessThan(1e-5);
    model.dispose();
  });

  it("a CuDNNGRU's weights under a reset-before GRU fail clearly, as in Keras 2", async () => {
    const before = memory().numTensors;
    const e = await loadModel(fixture('cudnn_gru_into_reset_before_keras2.h5')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ModelFileError);
    const err = e as ModelFileError;
    expect(err.code).toBe('weight_mismatch');
    expect(err.message).toMatch(/CuDNNGRU weights are not compatible with a GRU\(reset_after=False\)/);
    expect(err.message).toContain("layer 'gru_2'");
    expect(memory().numTensors).toBe(before);
  });
});
