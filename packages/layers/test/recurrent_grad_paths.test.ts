// The recurrent layers' gradients match those of the loop as it was first written: each
// step's input taken with its own `slice` of the projection (one tape node per step),
// where the layer now splits the projection in one node. Checked for the fused LSTM and
// GRU steps and for the composite ones (other activations, GRU without reset-after).
import '@tessera/cpu-backend';
import { memory, Prng, reshape, slice, stack, sum, mul, tensor, tidy, variableGrads, type Tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, type RNN } from '../src/index.js';

function normals(shape: number[], seed: number): Tensor {
  const rng = new Prng(seed);
  return tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.nextNormal()), shape);
}

/** The loop of the first RNN layer: one `slice` per step, outputs stacked. */
function slicedLoop(layer: RNN, x: Tensor): Tensor {
  const [batch, steps, features] = x.shape;
  const cell = layer.cell;
  cell.beginSequence(batch, features, false);
  const xw = cell.project(x);
  const width = xw.shape[2];
  let states = cell.stateSize.map((s) => tensor(new Float32Array(batch * s), [batch, s]));
  const outputs: Tensor[] = [];
  for (let t = 0; t < steps; t++) {
    const r = cell.step(reshape(slice(xw, [0, t, 0], [batch, 1, width]), [batch, width]), states);
    states = r.states;
    outputs.push(r.output);
  }
  cell.endSequence();
  return stack(outputs, 1);
}

/** The weights' gradients of `sum(f(x) * w)`, as arrays, by variable name. */
function gradients(f: () => Tensor, w: Tensor): Map<string, Float32Array> {
  return tidy(() => {
    const { value, grads } = variableGrads(() => sum(mul(f(), w)));
    value.dispose();
    return new Map(Object.entries(grads).map(([name, g]) => [name, g.dataSync() as Float32Array]));
  });
}

const CASES: [string, () => RNN][] = [
  ['LSTM (fused step)', () => new LSTM({ units: 5, returnSequences: true })],
  ['LSTM relu (composite step)', () => new LSTM({ units: 5, activation: 'relu', returnSequences: true })],
  ['GRU (fused step)', () => new GRU({ units: 4, returnSequences: true })],
  ['GRU resetAfter false (composite step)', () => new GRU({ units: 4, resetAfter: false, returnSequences: true })],
];

describe('recurrent gradients: one split node vs a slice per step', () => {
  for (const [name, make] of CASES) {
    it(name, () => {
      const start = memory().numTensors;
      const layer = make();
      const x = normals([3, 6, 2], 1);
      tidy(() => { layer.apply(x); });
      const w = normals([3, 6, layer.cell.outputSize], 2);
      const now = gradients(() => layer.apply(x) as Tensor, w);
      const before = gradients(() => slicedLoop(layer, x), w);
      expect([...now.keys()]).toEqual([...before.keys()]);
      for (const [key, a] of now) {
        const b = before.get(key)!;
        for (let i = 0; i < a.length; i++) {
          expect(Math.abs(a[i] - b[i]), `${key}[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(1e-5 * Math.max(1e-3, Math.abs(b[i])));
        }
      }
      x.dispose();
      w.dispose();
      layer.dispose();
      expect(memory().numTensors).toBe(start);
    });
  }
});
