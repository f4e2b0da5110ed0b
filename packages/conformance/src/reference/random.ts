import { refTensor, sizeOf, type RefTensor } from './ref_tensor.js';

/**
 * The uniform draws of Tessera's seeded generator, written again from the published
 * algorithms so that the suite checks a backend's dropout masks without the code under
 * test: the seed's four state words by golden-ratio steps through murmur3's 32-bit
 * finalizer (splitmix32), then xoshiro128** (Blackman and Vigna): draw i is its i-th
 * 32-bit output over 2^32, in [0, 1).
 */
export function uniformDraws(seed: number, n: number): number[] {
  let x = seed >>> 0;
  const seedWord = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = [seedWord(), seedWord(), seedWord(), seedWord()];
  const rotl = (v: number, k: number) => ((v << k) | (v >>> (32 - k))) >>> 0;
  const draws: number[] = [];
  for (let i = 0; i < n; i++) {
    draws.push((Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0) / 2 ** 32);
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11);
  }
  return draws;
}

/** Inverted dropout's mask of `shape`: `1 / (1 - rate)` where draw i of `seed` is at least `rate`, else 0. */
export function dropoutMaskRef(seed: number, rate: number, shape: readonly number[]): RefTensor {
  const values = uniformDraws(seed, sizeOf(shape)).map((u) => (u >= rate ? 1 / (1 - rate) : 0));
  return refTensor(values, shape);
}
