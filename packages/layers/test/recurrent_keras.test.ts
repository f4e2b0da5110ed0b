// The recurrent layers against Keras 3 itself: fixtures/recurrent_keras.json holds, for each case,
// the config Keras wrote, seeded weights, inputs (with a mask or initial states) and Keras's
// outputs (fixtures/recurrent_keras.py makes it). Each config must load, predict the same and
// serialize back to the same config; a masked Embedding -> LSTM -> Dense model must predict, and
// score its masked loss and metric, as Keras does.
import '@tessera/cpu-backend';
import { cast, dispose, memory, tensor, tidy, type Tensor } from '@tessera/tensor';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clearSession, deserializeLayer, Dense, Embedding, LSTM, Sequential } from '../src/index.js';

interface Values {
  shape: number[];
  values: number[];
}
interface Case {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inputs: Values[];
  mask: Values | null;
  initial_state?: Values[];
  weights: (Values & { path: string })[];
  outputs: Values[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/recurrent_keras.json', import.meta.url), 'utf8')) as {
  keras_version: string;
  cases: Case[];
  masked_model: { ids: Values; target: Values; weights: Values[]; prediction: Values; loss: number; mae: number };
};

/** A Keras config without what Tessera writes differently on purpose (dtype policies, module keys, build configs), at any depth. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'dtype' || k === 'module' || k === 'registered_name' || k === 'build_config') continue;
    // Keras 3.15's GlorotUniform writes its (default) einsum axes; Tessera's initializers do not have them.
    if ((k === 'input_axes' || k === 'output_axes') && v === null) continue;
    // Tessera's Dense writes activity_regularizer and no quantization_config (both None); a wrapped Dense shows it.
    if ((k === 'activity_regularizer' || k === 'quantization_config') && v === null) continue;
    out[k] = comparable(v);
  }
  return out;
}

const t = (v: Values) => tensor(v.values, v.shape);

function expectClose(got: ArrayLike<number>, want: readonly number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i] - w), `${what}[${i}]: ${got[i]} vs Keras ${w}`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(w)));
}

describe(`recurrent layers match Keras ${fixture.keras_version}`, () => {
  for (const c of fixture.cases) {
    it(`${c.name} (${c.class_name})`, () => {
      clearSession();
      const before = memory().numTensors;
      const layer = deserializeLayer({ class_name: c.class_name, config: c.config });
      const xs = c.inputs.map(t);
      const cell = c.class_name.endsWith('Cell');
      const mask = c.mask ? tidy(() => cast(t(c.mask!), 'bool')) : undefined;
      const initialState = c.initial_state?.map(t);
      const run = () => layer.apply(cell ? xs : xs[0], { mask, initialState }) as Tensor | Tensor[];
      tidy(() => void run());
      const ws = c.weights.map(t);
      layer.setWeights(ws);
      const ys = tidy(() => {
        const y = run();
        return Array.isArray(y) ? y : [y];
      });
      expect(ys.length).toBe(c.outputs.length);
      ys.forEach((y, i) => {
        expect(y.shape, `output ${i} shape`).toEqual(c.outputs[i].shape);
        expectClose(y.dataSync(), c.outputs[i].values, `${c.name} output ${i}`);
      });
      expect(comparable(layer.getConfig())).toEqual(comparable(c.config));
      dispose([...xs, ...ws, ...ys, mask, initialState]);
      layer.dispose();
      expect(memory().numTensors).toBe(before);
    });
  }
});

describe('a masked Embedding(maskZero) -> LSTM -> Dense model, as Keras', () => {
  const m = fixture.masked_model;
  const build = () => {
    clearSession();
    const model = new Sequential([
      new Embedding({ inputDim: 6, outputDim: 3, maskZero: true, inputShape: [5] }),
      new LSTM({ units: 4, returnSequences: true }),
      new Dense({ units: 2 }),
    ]);
    const ws = m.weights.map(t);
    model.setWeights(ws);
    dispose(ws);
    return model;
  };

  it('predicts what Keras predicts (padded steps repeat the last output)', () => {
    const model = build();
    const ids = tensor(m.ids.values, m.ids.shape, 'int32');
    const y = model.predict(ids) as Tensor;
    expectClose(y.dataSync(), m.prediction.values, 'prediction');
    dispose([ids, y]);
    model.dispose();
  });

  it("scores Keras's masked loss and metric: padded timesteps count for nothing", async () => {
    const model = build();
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const ids = tensor(m.ids.values, m.ids.shape, 'int32');
    const target = t(m.target);
    const [loss, mae] = (await model.evaluate(ids, target, { verbose: 0 })) as number[];
    expect(Math.abs(loss - m.loss)).toBeLessThan(1e-5 * Math.max(1, m.loss));
    expect(Math.abs(mae - m.mae)).toBeLessThan(1e-5 * Math.max(1, m.mae));
    dispose([ids, target]);
    model.dispose();
  });
});
