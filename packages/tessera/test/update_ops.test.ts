import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, applyAdam, applyRMSProp, applySGD, dispose, memory, tensor } from '../src/index.js';

describe('fused update ops: checks', () => {
  it('a slot given or missing against the attributes names the slot, the attribute and its value', () => {
    const w = tensor([1, 2]);
    const g = tensor([0.5, -0.5]);
    const s = tensor([0, 0]);
    const before = memory().numTensors;
    const rms = { learningRate: 0.1, rho: 0.9, momentum: 0.9, epsilon: 1e-7, centered: false };
    expect(() => applyRMSProp({ variable: w, gradient: g, velocity: s }, rms)).toThrow(ValueError);
    expect(() => applyRMSProp({ variable: w, gradient: g, velocity: s }, rms)).toThrow(
      "applyRMSProp: expected a 'momentum' slot (momentum is 0.9) but got none",
    );
    expect(() => applyRMSProp({ variable: w, gradient: g, velocity: s, averageGradient: s }, { ...rms, momentum: 0 })).toThrow(
      "applyRMSProp: expected no 'averageGradient' slot (centered is false) but got one",
    );
    expect(() => applyAdam({ variable: w, gradient: g, m: s, v: s }, { alpha: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: true })).toThrow(
      "applyAdam: expected a 'vHat' slot (amsgrad is true) but got none",
    );
    expect(() => applySGD({ variable: w, gradient: g, momentum: s }, { learningRate: 0.1, momentum: 0, nesterov: false })).toThrow(
      "applySGD: expected no 'momentum' slot (momentum is 0) but got one",
    );
    expect(memory().numTensors).toBe(before);
    dispose([w, g, s]);
  });

  it('a state tensor of another shape is named, and a valid update returns the variable and each slot in order', () => {
    const w = tensor([1, 2]);
    const g = tensor([0.5, -0.5]);
    const v = tensor([0.1, 0.2]);
    const mom = tensor([0.01, 0.02]);
    const avg = tensor([0.3, 0.4]);
    const attrs = { learningRate: 0.1, rho: 0.9, momentum: 0.5, epsilon: 1e-7, centered: true };
    expect(() => applyRMSProp({ variable: w, gradient: g, velocity: tensor([1, 2, 3]), momentum: mom, averageGradient: avg }, attrs)).toThrow(ShapeError);
    expect(() => applyRMSProp({ variable: w, gradient: g, velocity: v, momentum: tensor([1]), averageGradient: avg }, attrs)).toThrow(
      "applyRMSProp: argument 'momentum' expected the variable's shape [2] but got [1]",
    );
    const next = applyRMSProp({ variable: w, gradient: g, velocity: v, momentum: mom, averageGradient: avg }, attrs);
    expect(Object.keys(next)).toEqual(['variable', 'velocity', 'momentum', 'averageGradient']);
    // velocity' = v*rho + g²(1 - rho); avg' = avg*rho + g(1 - rho): the two slots are not swapped.
    expect(Array.from(next.velocity.dataSync())).toEqual(Array.from(new Float32Array([0.1 * 0.9 + 0.25 * 0.1, 0.2 * 0.9 + 0.25 * 0.1])).map((x) => expect.closeTo(x, 6)));
    expect(Array.from(next.averageGradient!.dataSync())).toEqual([0.3 * 0.9 + 0.05, 0.4 * 0.9 - 0.05].map((x) => expect.closeTo(x, 6)));
    dispose([w, g, v, mom, avg, next]);
  });
});
