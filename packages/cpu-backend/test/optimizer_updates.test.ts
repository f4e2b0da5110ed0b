// The optimizer update kernels of several outputs, through the engine: how they run,
// what tidy keeps, that autodiff refuses them, and their values on arrays of many sizes
// against the op-by-op update (the conformance suite checks them against float64).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TesseraError,
  add,
  applyAdam,
  applyRMSProp,
  applySGD,
  div,
  grads,
  maximum,
  memory,
  mul,
  sqrt,
  square,
  sub,
  tidy,
  type Tensor,
} from '@tessera/tensor';
import { getTensorMemory, setVectorImplementation, type VectorImplementation } from '../src/index.js';
import { engine, randomFloats, t } from './helpers.js';

const positive = (n: number, seed: number) => randomFloats(n, seed).map((v) => Math.abs(v) + 0.01);
const bits = (x: Tensor) => new Uint32Array((x.dataSync() as Float32Array).buffer);

/** Asserts that each pair of tensors holds the same float32 bits, naming the first difference. */
function expectSameBits(pairs: Record<string, [Tensor, Tensor]>): void {
  for (const [name, [actual, expected]] of Object.entries(pairs)) {
    const [a, e] = [bits(actual), bits(expected)];
    expect(a.length, name).toBe(e.length);
    const i = a.findIndex((v, k) => v !== e[k]);
    if (i >= 0) expect.fail(`${name}[${i}]: got ${actual.dataSync()[i]}, the ops give ${expected.dataSync()[i]}`);
  }
}

describe('kernels of several outputs in the engine', () => {
  it('runKernelOutputs returns every output as a tensor that tidy tracks', () => {
    const w = t([1, 2], [2]);
    const g = t([0.5, -0.5], [2]);
    const m = t([0, 0], [2]);
    const before = memory().numTensors;
    const kept = tidy(() => {
      const outs = engine.runKernelOutputs('ApplySGD', [w, g, m], { learningRate: 0.1, momentum: 0.9, nesterov: false });
      expect(outs.map((o) => o.shape)).toEqual([[2], [2]]);
      return outs[0];
    });
    expect(memory().numTensors).toBe(before + 1);
    expect(Array.from(kept.dataSync())).toEqual([Math.fround(1 - 0.05), Math.fround(2 + 0.05)]);
    kept.dispose();
  });

  it('runKernel refuses a kernel of several outputs and runKernelOutputs one of a single output', () => {
    const w = t([1], [1]);
    expect(() => engine.runKernel('ApplySGD', [w, w], { learningRate: 0.1, momentum: 0, nesterov: false })).toThrow(/runKernelOutputs/);
    expect(() => engine.runKernelOutputs('Add', [w, w], {})).toThrow(/returns one output; run it with runKernel/);
  });

  it('backprop through an update fails loudly instead of cutting the graph', () => {
    const w = t([1, 2], [2]);
    const g = t([0.5, -0.5], [2]);
    const f = (x: Tensor) => applySGD({ variable: x, gradient: g }, { learningRate: 0.1, momentum: 0, nesterov: false }).variable;
    expect(() => grads(f)([w])).toThrow(TesseraError);
    expect(() => grads(f)([w])).toThrow(/ApplySGD/);
  });

  it('a kernel that returns the wrong number of outputs is a clear error', () => {
    const w = t([1], [1]);
    expect(() => applyAdam({ variable: w, gradient: w, m: w, v: w }, { alpha: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false })).not.toThrow();
    expect(() => engine.runKernelOutputs('ApplyAdam', [w, w, w], { alpha: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false })).toThrow(
      /expected 4 inputs/,
    );
  });
});

// Sizes around the vector width (4) and the WebAssembly path's chunk (4096 floats).
const SIZES = [1, 3, 4, 5, 17, 1023, 4096, 4099, 70_001];

for (const impl of ['js', 'wasm'] as VectorImplementation[]) describe(`update kernels on the ${impl} loops give the bits of the op-by-op update`, () => {
  let before: VectorImplementation;
  beforeAll(() => {
    before = setVectorImplementation(impl);
  });
  afterAll(() => {
    setVectorImplementation(before);
  });
  for (const n of SIZES) {
    it(`every variant of Adam, RMSprop and SGD, ${n} elements`, () => {
      const w = t(randomFloats(n, 1), [n]);
      const g = t(randomFloats(n, 2), [n]);
      const m = t(randomFloats(n, 3), [n]);
      const v = t(positive(n, 4), [n]);
      const vHat = t(positive(n, 5), [n]);
      const avg = t(randomFloats(n, 6).map((x) => x / 10), [n]);
      tidy(() => {
        const [alpha, b1, b2, eps] = [0.01, 0.9, 0.5, 1e-7];
        for (const amsgrad of [false, true]) {
          const adam = applyAdam({ variable: w, gradient: g, m, v, vHat: amsgrad ? vHat : undefined }, { alpha, beta1: b1, beta2: b2, epsilon: eps, amsgrad });
          const m2 = add(m, mul(sub(g, m), 1 - b1));
          const v2 = add(v, mul(sub(square(g), v), 1 - b2));
          const h2 = maximum(vHat, v2);
          const w2 = sub(w, div(mul(m2, alpha), add(sqrt(amsgrad ? h2 : v2), eps)));
          expectSameBits({ [`adam ${amsgrad} w`]: [adam.variable, w2], 'adam m': [adam.m, m2], 'adam v': [adam.v, v2] });
          if (amsgrad) expectSameBits({ 'adam vHat': [adam.vHat!, h2] });
        }

        const [lr, rho, mu] = [0.01, 0.9, 0.5];
        for (const [momentum, centered] of [[0, false], [mu, false], [0, true], [mu, true]] as const) {
          const rms = applyRMSProp(
            { variable: w, gradient: g, velocity: v, momentum: momentum ? m : undefined, averageGradient: centered ? avg : undefined },
            { learningRate: lr, rho, momentum, epsilon: eps, centered },
          );
          const vel = add(mul(v, rho), mul(square(g), 1 - rho));
          const a2 = add(mul(avg, rho), mul(g, 1 - rho));
          const inc = div(mul(g, lr), sqrt(centered ? add(sub(vel, square(a2)), eps) : add(vel, eps)));
          const mom = add(mul(m, mu), inc);
          const title = `rmsprop momentum ${momentum} centered ${centered}`;
          expectSameBits({ [`${title} w`]: [rms.variable, sub(w, momentum ? mom : inc)], [`${title} velocity`]: [rms.velocity, vel] });
          if (momentum) expectSameBits({ [`${title} momentum`]: [rms.momentum!, mom] });
          if (centered) expectSameBits({ [`${title} average`]: [rms.averageGradient!, a2] });
        }

        const plain = applySGD({ variable: w, gradient: g }, { learningRate: lr, momentum: 0, nesterov: false });
        expectSameBits({ 'sgd w': [plain.variable, sub(w, mul(g, lr))] });
        for (const nesterov of [false, true]) {
          const sgd = applySGD({ variable: w, gradient: g, momentum: m }, { learningRate: lr, momentum: mu, nesterov });
          const step = mul(g, lr);
          const sm = sub(mul(m, mu), step);
          const sw = add(w, nesterov ? sub(mul(sm, mu), step) : sm);
          expectSameBits({ [`sgd nesterov ${nesterov} w`]: [sgd.variable, sw], 'sgd momentum': [sgd.momentum!, sm] });
        }
      });
    });
  }
});

// `inPlace`: the kernel writes over the variable and its slots only where each is the one
// handle to its buffer, no tape records and (with the WebAssembly tensor memory on) the buffer
// lives there; the values are the same bits either way.
describe('update kernels in place', () => {
  const n = 4099;
  const attrs = { learningRate: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-7, centered: true };
  /** Fresh buffers made by a kernel (so in the tensor memory), one handle each. */
  const fresh = () => [1, 2, 3, 4, 5].map((seed, i) => mul(t(i === 2 ? positive(n, seed) : randomFloats(n, seed), [n]), 1));

  it('writes over the buffers it replaces, with the bits of the update into new ones', () => {
    tidy(() => {
      const [w, g, v, m, avg] = fresh();
      const expected = applyRMSProp({ variable: w, gradient: g, velocity: v, momentum: m, averageGradient: avg }, attrs);
      const next = applyRMSProp({ variable: w, gradient: g, velocity: v, momentum: m, averageGradient: avg }, { ...attrs, inPlace: true });
      [w, v, m, avg].forEach((x, i) => expect(next[(['variable', 'velocity', 'momentum', 'averageGradient'] as const)[i]]!.dataId).toBe(x.dataId));
      expectSameBits({
        variable: [next.variable, expected.variable],
        velocity: [next.velocity, expected.velocity],
        momentum: [next.momentum!, expected.momentum!],
        average: [next.averageGradient!, expected.averageGradient!],
      });
    });
  });

  it('makes new buffers where another tensor shares one, or a tape records, and changes no input', () => {
    tidy(() => {
      const [w, g, v, m, avg] = fresh();
      const before = [w, v, m, avg].map((x) => Array.from(x.dataSync()));
      const alias = engine.reshape(v, [n]); // a second handle to v's buffer
      const shared = applyRMSProp({ variable: w, gradient: g, velocity: v, momentum: m, averageGradient: avg }, { ...attrs, inPlace: true });
      expect(shared.variable.dataId).not.toBe(w.dataId);
      expect(shared.velocity.dataId).not.toBe(v.dataId);
      alias.dispose();
      const x = t([1, 2], [2]);
      grads((y: Tensor) => {
        const taped = applySGD({ variable: w, gradient: g }, { learningRate: 0.1, momentum: 0, nesterov: false, inPlace: true });
        expect(taped.variable.dataId).not.toBe(w.dataId);
        return mul(y, 2);
      })([x]);
      expect([w, v, m, avg].map((x) => Array.from(x.dataSync()))).toEqual(before);
    });
  });

  it.runIf(getTensorMemory() === 'wasm')('makes new buffers for inputs in ordinary memory while the WebAssembly tensor memory is on', () => {
    tidy(() => {
      const w = t(randomFloats(n, 1), [n]); // made from values: an ordinary array
      const g = mul(t(randomFloats(n, 2), [n]), 1);
      const next = applySGD({ variable: w, gradient: g }, { learningRate: 0.1, momentum: 0, nesterov: false, inPlace: true });
      expect(next.variable.dataId).not.toBe(w.dataId);
      expectSameBits({ sgd: [next.variable, sub(w, mul(g, 0.1))] });
    });
  });
});
