// The recurrent layers' gradients match those of the loop as it was first written: each
// step's input taken with its own `slice` of the projection (one tape node per step), and
// the composite steps' gates with a `slice` each, where the layer now splits the projection
// and the gates in one node each. Checked for the fused LSTM and GRU steps and for the
// composite ones (other activations, GRU without reset-after).
import '@tessera/cpu-backend';
import { add, matMul, memory, mul, Prng, relu, reshape, sigmoid, slice, stack, sub, sum, tanh, tensor, tidy, variableGrads, type Tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { GRU, GRUCell, LSTM, LSTMCell, type RNN } from '../src/index.js';

type Step = (xw: Tensor, states: Tensor[]) => { output: Tensor; states: Tensor[] };

function normals(shape: number[], seed: number): Tensor {
  const rng = new Prng(seed);
  return tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.nextNormal()), shape);
}

/** Columns `[gate * units, (gate + gates) * units)`, by `slice` (the old gateColumns). */
const columns = (x: Tensor, gate: number, units: number, gates = 1) => slice(x, [0, gate * units], [x.shape[0], gates * units]);

/** The composite LSTM step with relu as it was: a slice per gate. */
function lstmReluStep(layer: RNN): Step {
  const k = (layer.cell as unknown as { recurrentKernel: Tensor }).recurrentKernel;
  return (xw, [h, c]) => {
    const u = h.shape[1];
    const z = add(xw, matMul(h, k));
    const cNext = add(mul(sigmoid(columns(z, 1, u)), c), mul(sigmoid(columns(z, 0, u)), relu(columns(z, 2, u))));
    const hNext = mul(sigmoid(columns(z, 3, u)), relu(cNext));
    return { output: hNext, states: [hNext, cNext] };
  };
}

/** The composite GRU step without reset-after as it was: a slice per gate and kernel block. */
function gruResetBeforeStep(layer: RNN): Step {
  const k = (layer.cell as unknown as { recurrentKernel: Tensor }).recurrentKernel;
  return (xw, [h]) => {
    const u = h.shape[1];
    const inner = matMul(h, columns(k, 0, u, 2));
    const z = sigmoid(add(columns(xw, 0, u), columns(inner, 0, u)));
    const r = sigmoid(add(columns(xw, 1, u), columns(inner, 1, u)));
    const hh = tanh(add(columns(xw, 2, u), matMul(mul(r, h), columns(k, 2, u))));
    const hNext = add(mul(z, h), mul(sub(1, z), hh));
    return { output: hNext, states: [hNext] };
  };
}

/** The loop as it was: one `slice` per step, outputs stacked (`step`: the cell's own, or an old composite one). */
function slicedLoop(layer: RNN, x: Tensor, oldStep?: (layer: RNN) => Step): Tensor {
  const [batch, steps, features] = x.shape;
  const cell = layer.cell;
  const step: Step = oldStep ? oldStep(layer) : (xw, states) => cell.step(xw, states);
  cell.beginSequence(batch, features, false);
  const xw = cell.project(x);
  const width = xw.shape[2];
  let states = cell.stateSize.map((s) => tensor(new Float32Array(batch * s), [batch, s]));
  const outputs: Tensor[] = [];
  for (let t = 0; t < steps; t++) {
    const r = step(reshape(slice(xw, [0, t, 0], [batch, 1, width]), [batch, width]), states);
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

/**
 * The same variables, each gradient within float32 rounding of the other's: 1e-5 of the
 * element, or of a tenth of the tensor's largest element where sums in another order cancel
 * (the sequence ops sum a kernel's gradient over all steps in one product, the loop step by step).
 */
function expectSameGradients(now: Map<string, Float32Array>, before: Map<string, Float32Array>): void {
  expect([...now.keys()]).toEqual([...before.keys()]);
  for (const [key, a] of now) {
    const b = before.get(key)!;
    const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 10;
    for (let i = 0; i < a.length; i++) {
      expect(Math.abs(a[i] - b[i]), `${key}[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(1e-5 * Math.max(1e-3, scale, Math.abs(b[i])));
    }
  }
}

/**
 * Counts the cells' sequences run as one op (`count()`), or with `off` makes every cell of
 * `cell`'s class loop over the steps; `restore()` puts the class's `sequence` back.
 */
function spySequence(cell: typeof LSTMCell | typeof GRUCell = LSTMCell): { count: () => number; off: () => void; restore: () => void } {
  const proto = cell.prototype as unknown as { sequence: LSTMCell['sequence'] };
  const sequence = proto.sequence;
  let whole = 0;
  proto.sequence = function (this: LSTMCell, ...args: Parameters<LSTMCell['sequence']>) {
    const out = sequence.apply(this, args);
    if (out) whole++;
    return out;
  };
  return { count: () => whole, off: () => void (proto.sequence = () => undefined), restore: () => void (proto.sequence = sequence) };
}

const CASES: [string, () => RNN, ((layer: RNN) => Step)?][] = [
  ['LSTM (fused step)', () => new LSTM({ units: 5, returnSequences: true })],
  ['LSTM relu (composite step)', () => new LSTM({ units: 5, activation: 'relu', returnSequences: true }), lstmReluStep],
  ['GRU (fused step)', () => new GRU({ units: 4, returnSequences: true })],
  ['GRU resetAfter false (composite step)', () => new GRU({ units: 4, resetAfter: false, returnSequences: true }), gruResetBeforeStep],
];

describe('recurrent gradients: one split node vs a slice per step', () => {
  for (const [name, make, oldStep] of CASES) {
    it(name, () => {
      const start = memory().numTensors;
      const layer = make();
      const x = normals([3, 6, 2], 1);
      tidy(() => { layer.apply(x); });
      const w = normals([3, 6, layer.cell.outputSize], 2);
      const now = gradients(() => layer.apply(x) as Tensor, w);
      const before = gradients(() => slicedLoop(layer, x, oldStep), w);
      expectSameGradients(now, before);
      x.dispose();
      w.dispose();
      layer.dispose();
      expect(memory().numTensors).toBe(start);
    });
  }
});

describe('LSTM and GRU: the whole sequence as one lstmSequence / gruSequence node vs the step loop', () => {
  const OPTIONS = [
    { returnSequences: false },
    { returnSequences: true, goBackwards: true },
    { returnSequences: false, goBackwards: true },
  ];
  const LAYERS = [
    ['LSTM', (o: object) => new LSTM({ units: 5, ...o }), LSTMCell],
    ['GRU', (o: object) => new GRU({ units: 5, ...o }), GRUCell],
  ] as const;
  for (const [kind, make, cellClass] of LAYERS) for (const options of OPTIONS) {
    it(`${kind} ${JSON.stringify(options)}`, () => {
      const start = memory().numTensors;
      const layer = make(options);
      const x = normals([3, 6, 2], 1);
      tidy(() => { layer.apply(x); });
      const w = normals(options.returnSequences ? [3, 6, 5] : [3, 5], 2);
      const spy = spySequence(cellClass);
      let now: Map<string, Float32Array>;
      let loop: Map<string, Float32Array>;
      try {
        now = gradients(() => layer.apply(x) as Tensor, w);
        expect(spy.count(), 'the layer ran the sequence as one op').toBe(1);
        spy.off();
        loop = gradients(() => layer.apply(x) as Tensor, w);
      } finally {
        spy.restore();
      }
      expectSameGradients(now, loop);
      x.dispose();
      w.dispose();
      layer.dispose();
      expect(memory().numTensors).toBe(start);
    });
  }

  it('keeps the step loop where the sequence needs it: a mask, returnState, stateful, recurrent dropout, other activations', () => {
    const spy = spySequence();
    try {
      const x = normals([2, 4, 3], 3);
      tidy(() => {
        new LSTM({ units: 2, returnState: true }).apply(x);
        new LSTM({ units: 2, activation: 'relu' }).apply(x);
        new LSTM({ units: 2, recurrentDropout: 0.5 }).apply(x, { training: true });
        new LSTM({ units: 2 }).apply(x, { mask: tensor([1, 1, 0, 0, 1, 1, 1, 0], [2, 4], 'bool') });
      });
      expect(spy.count()).toBe(0);
      tidy(() => { new LSTM({ units: 2, recurrentDropout: 0.5 }).apply(x); });
      expect(spy.count(), 'recurrent dropout outside training: one op').toBe(1);
      x.dispose();
    } finally {
      spy.restore();
    }
  });

  it('keeps the GRU step loop without reset-after or a bias', () => {
    const spy = spySequence(GRUCell);
    try {
      const x = normals([2, 4, 3], 4);
      tidy(() => {
        new GRU({ units: 2, resetAfter: false }).apply(x);
        new GRU({ units: 2, useBias: false }).apply(x);
      });
      expect(spy.count()).toBe(0);
      tidy(() => { new GRU({ units: 2 }).apply(x); });
      expect(spy.count()).toBe(1);
      x.dispose();
    } finally {
      spy.restore();
    }
  });
});
