import { describe, expect, it } from 'vitest';
import { Prng } from '../src/index.js';

describe('Prng', () => {
  it('repeats a stream for a seed and differs across seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const sa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it('draws uniform and normal values with the right moments', () => {
    const rng = new Prng(7);
    const n = 100_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.nextFloat();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      const z = rng.nextNormal();
      sn += z;
      sn2 += z * z;
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(sn / n).toBeCloseTo(0, 1);
    expect(sn2 / n).toBeCloseTo(1, 1);
  });

  it('fills a dropout mask from the very draws of nextFloat, and leaves the stream where they would', () => {
    const a = new Prng(9);
    const b = new Prng(9);
    const mask = new Float32Array(1001);
    a.fillMask(mask, 0.3, 1.25);
    const expected = Array.from({ length: mask.length }, () => (b.nextFloat() >= 0.3 ? 1.25 : 0));
    expect(Array.from(mask)).toEqual(expected);
    expect(a.nextUint32()).toBe(b.nextUint32());
    const kept = expected.filter((v) => v > 0).length / expected.length;
    expect(kept).toBeGreaterThan(0.62);
    expect(kept).toBeLessThan(0.78);
  });

  it('hands its state to another generator, which then draws the same stream', () => {
    const a = new Prng(3);
    a.nextUint32();
    const b = new Prng(4);
    b.state = a.state;
    expect(Array.from({ length: 9 }, () => b.nextUint32())).toEqual(Array.from({ length: 9 }, () => a.nextUint32()));
    expect(a.state.every((w) => w === (w | 0))).toBe(true);
  });

  it("states fillMask's rule: keep where the uint32 draw >= ceil(rate * 2^32), as int32 bits", () => {
    const unsigned = (rate: number) => Prng.maskRule(rate, 2).threshold >>> 0;
    expect(unsigned(0)).toBe(0);
    expect(unsigned(0.5)).toBe(2 ** 31);
    expect(unsigned(0.2)).toBe(Math.ceil(0.2 * 2 ** 32));
    expect(unsigned(2 ** -40)).toBe(1);
    expect(Prng.maskRule(0.3, 1.25).keep).toBe(1.25);
  });

  it('drops every element at a rate within 2^-32 of 1 (no uint32 reaches the bound) and keeps every one at a rate <= 0', () => {
    // ceil(rate * 2^32) is 2^32 here, which wrapped to a threshold of 0 (keep all, times 2^40) before.
    expect(Prng.maskRule(1 - 2 ** -40, 2 ** 40)).toEqual({ threshold: 0, keep: 0 });
    expect(Prng.maskRule(Number.NaN, 2)).toEqual({ threshold: 0, keep: 0 });
    expect(Prng.maskRule(-0.3, 2)).toEqual({ threshold: 0, keep: 2 });
    const mask = new Float32Array(1000);
    new Prng(1).fillMask(mask, 1 - 2 ** -40, 2 ** 40);
    expect(mask.every((v) => Object.is(v, 0))).toBe(true);
    new Prng(1).fillMask(mask, -0.3, 3);
    expect(mask.every((v) => v === 3)).toBe(true);
    // The largest double below 1: rate * 2^32 is 2^32 - 2^-21, whose ceiling no draw reaches.
    new Prng(2).fillMask(mask, 1 - 2 ** -53, 2 ** 53);
    expect(mask.every((v) => Object.is(v, 0))).toBe(true);
  });
});
