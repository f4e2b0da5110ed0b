import { shared } from '../global_state.js';

/**
 * xoshiro128** seeded through splitmix32: small, fast, and good enough statistically
 * for initializers and dropout masks. The same seed gives the same stream everywhere.
 */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal (Box-Muller; one value per call, the pair's second is kept). */
  nextNormal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Fills `out` with `keep` where the next uniform draw in [0, 1) is at least `rate`, else
   * 0: the draws of `nextFloat`, one per element, with the state in locals for the loop
   * (a dropout mask of 200k elements per training step; about 4x faster than a call each).
   * The CPU backend's `DropoutMask` kernel draws the same stream in WebAssembly (see
   * {@link Prng.maskRule} and {@link Prng.state}).
   */
  fillMask(out: Float32Array, rate: number, keep: number): void {
    const rule = Prng.maskRule(rate, keep);
    // Compared as int32 with the sign bit flipped (an order-preserving map of uint32), without a branch.
    const threshold = rule.threshold ^ 0x80000000;
    const value = rule.keep;
    let [s0, s1, s2, s3] = [this.s0 | 0, this.s1 | 0, this.s2 | 0, this.s3 | 0];
    for (let i = 0; i < out.length; i++) {
      const x = Math.imul(s1, 5);
      const result = Math.imul((x << 7) | (x >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = value * +((result ^ 0x80000000) >= threshold);
    }
    [this.s0, this.s1, this.s2, this.s3] = [s0, s1, s2, s3];
  }

  /**
   * The rule of {@link Prng.fillMask}, for another implementation of it: an element is
   * `keep` where its draw `u` (the uint32 of `nextUint32`) is at least `threshold`, compared
   * as unsigned, else 0. `u / 2^32 >= rate` is `u >= ceil(rate * 2^32)` for the integer u;
   * where no uint32 reaches that (a rate within 2^-32 of 1, or NaN) every element is 0
   * (threshold 0, keep 0), and a rate of 0 or less keeps every element.
   *
   * @param rate - the probability of a 0
   * @param keep - the value of the other elements
   * @returns `threshold` as int32 bits (compare them unsigned), and the value to write
   * @example
   * ```ts
   * Prng.maskRule(0.5, 2); // { threshold: -2147483648 (2^31 unsigned), keep: 2 }
   * ```
   */
  static maskRule(rate: number, keep: number): { threshold: number; keep: number } {
    const bound = Math.ceil(rate * 4294967296);
    if (!(bound <= 0xffffffff)) return { threshold: 0, keep: 0 };
    return { threshold: Math.max(bound, 0) | 0, keep };
  }

  /**
   * The generator's state, its four 32-bit words as int32: to hand the stream to another
   * implementation (the CPU backend's WebAssembly dropout mask) and take it back where
   * that one left it, so the stream goes on as if this object had drawn the values.
   * @example
   * ```ts
   * const a = new Prng(1);
   * const b = new Prng(2);
   * b.state = a.state; // b now draws what a draws
   * ```
   */
  get state(): [number, number, number, number] {
    return [this.s0 | 0, this.s1 | 0, this.s2 | 0, this.s3 | 0];
  }

  set state(words: readonly [number, number, number, number]) {
    [this.s0, this.s1, this.s2, this.s3] = [words[0] | 0, words[1] | 0, words[2] | 0, words[3] | 0];
  }

  private spare: number | undefined;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The global seed, shared with every copy of this version of the package (see global_state.ts). */
const seeds = shared('random', () => ({ counter: 0, rng: undefined as Prng | undefined }));

/**
 * Makes every unseeded random draw reproducible from here on (initializers, dropout
 * masks, `fit`'s shuffling), as Keras's `keras.utils.set_random_seed`. Pass
 * `undefined` to go back to unseeded randomness.
 * @example
 * ```ts
 * setRandomSeed(1337);
 * ```
 */
export function setRandomSeed(seed: number | undefined): void {
  seeds.rng = seed === undefined ? undefined : new Prng(seed);
}

/** A fresh seed when the caller gives none: from the global seed if set, else from Math.random. */
export function randomSeed(): number {
  if (seeds.rng) return seeds.rng.nextUint32();
  return (Math.floor(Math.random() * 0x7fffffff) + seeds.counter++ * 0x9e3779b1) >>> 0;
}

/** A uniform number in [0, 1) from the global seed if set, else from Math.random. */
export function randomFloat(): number {
  return seeds.rng ? seeds.rng.nextFloat() : Math.random();
}
