// The activation and merge layers against Keras 3 itself: fixtures/keras_activations_merges.json
// holds, for each case, the config Keras wrote, the inputs, the weights and Keras's output
// (fixtures/keras_activations_merges.py makes it). Each Keras config must load, predict the same
// and serialize back to the same config.
import '@tessera/cpu-backend';
import { dispose, tensor, tidy, type Tensor } from '@tessera/tensor';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as L from '../src/index.js';
import { clearSession, deserializeLayer } from '../src/index.js';

interface Values {
  shape: number[];
  values: number[];
}
interface Case {
  class_name: string;
  config: Record<string, unknown>;
  inputs: Values[];
  weights: (Values & { name: string })[];
  output: Values;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/keras_activations_merges.json', import.meta.url), 'utf8')) as {
  keras_version: string;
  cases: Case[];
};

/** A Keras config without what Tessera writes differently on purpose: the dtype policy object and the module keys of nested objects. */
function comparable(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === 'dtype') continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const { module: _m, registered_name: _r, ...rest } = v as Record<string, unknown>;
      out[k] = rest;
    } else out[k] = v;
  }
  return out;
}

describe(`activation and merge layers match Keras ${fixture.keras_version}`, () => {
  for (const c of fixture.cases) {
    it(`${c.class_name} ${JSON.stringify(comparable(c.config)).slice(0, 140)}`, () => {
      clearSession();
      const layer = deserializeLayer({ class_name: c.class_name, config: c.config });
      const xs = c.inputs.map((i) => tensor(i.values, i.shape));
      const y = tidy(() => {
        layer.apply(xs.length === 1 ? xs[0] : xs);
        const ws = c.weights.map((w) => tensor(w.values, w.shape));
        layer.setWeights(ws);
        dispose(ws);
        const out = layer.apply(xs.length === 1 ? xs[0] : xs) as Tensor;
        return out;
      });
      expect(layer.weightEntries.map((w) => w.name)).toEqual(c.weights.map((w) => w.name));
      expect(y.shape).toEqual(c.output.shape);
      const got = y.dataSync();
      c.output.values.forEach((want, i) => expect(Math.abs(got[i] - want), `output[${i}]`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(want)));
      expect(comparable(layer.getConfig())).toEqual(comparable(c.config));
      if (y !== xs[0]) y.dispose();
      dispose(xs);
      layer.dispose();
    });
  }
});

it("auto-names the new layers as Keras 3 does (keras.layers.ReLU().name == 're_lu', ...)", () => {
  clearSession();
  const made = [
    new L.ReLU(),
    new L.ReLU(),
    new L.LeakyReLU(),
    new L.PReLU(),
    new L.ELU(),
    new L.Softmax(),
    new L.Identity(),
    new L.Multiply(),
    new L.Average(),
    new L.Maximum(),
    new L.Minimum(),
    new L.Subtract(),
    new L.Dot({ axes: 1 }),
  ];
  expect(made.map((l) => l.name)).toEqual([
    're_lu',
    're_lu_1',
    'leaky_re_lu',
    'p_re_lu',
    'elu',
    'softmax',
    'identity',
    'multiply',
    'average',
    'maximum',
    'minimum',
    'subtract',
    'dot',
  ]);
});
