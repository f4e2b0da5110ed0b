// The WebAssembly dropout mask generator (four lanes jumped ahead) gives the very bits of
// Prng.fillMask.
import { describe, expect, it } from 'vitest';
import { Prng } from '@tessera/tensor';
import { dropoutMaskWasm } from '../src/util/dropout_mask_wasm.js';

const SEEDS = [0, 1, 42, 0x9e3779b9, 0xffffffff];
const RATES = [0.2, 0.5, 0.999, 2 ** -40, 0];
/** Around the lanes (16 elements a round), the chunks (16384) and the bench's masks (65536). */
const LENGTHS = [0, 1, 3, 15, 16, 17, 100, 4097, 16383, 16384, 16385, 65536, 65536 + 5];

/** fillMask's mask, and the next draw after it. */
function reference(seed: number, n: number, rate: number, keep: number): { mask: Float32Array; next: number } {
  const prng = new Prng(seed);
  const mask = new Float32Array(n);
  prng.fillMask(mask, rate, keep);
  return { mask, next: prng.nextUint32() };
}

/** The same bits (NaN payloads and the sign of zero included), with the first difference in the message. */
function expectBits(actual: Float32Array, expected: Float32Array, what: string): void {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  expect(a.length, what).toBe(e.length);
  const i = a.findIndex((v, k) => v !== e[k]);
  expect(i, `${what}: first differing element ${i} (${actual[i]} vs ${expected[i]})`).toBe(-1);
}

describe('dropoutMaskWasm', () => {
  it('gives the bits of Prng.fillMask and leaves the Prng where fillMask leaves it', () => {
    for (const n of LENGTHS) {
      for (const seed of SEEDS) {
        for (const rate of RATES) {
          const keep = 1 / (1 - rate);
          const expected = reference(seed, n, rate, keep);
          const prng = new Prng(seed);
          const mask = new Float32Array(n).fill(Number.NaN);
          dropoutMaskWasm(prng, mask, rate, keep);
          const what = `n ${n}, seed ${seed}, rate ${rate}`;
          expectBits(mask, expected.mask, what);
          expect(prng.nextUint32(), `${what}: the draw after`).toBe(expected.next);
        }
      }
    }
  });

  it('goes on from a Prng that has drawn already, and keeps any float value as fillMask stores it', () => {
    for (const keep of [3, 1 / 0.7, 1e-3, 2 ** 40]) {
      const [a, b] = [new Prng(5), new Prng(5)];
      for (let i = 0; i < 7; i++) [a.nextUint32(), b.nextUint32()];
      const [x, y] = [new Float32Array(5000), new Float32Array(5000)];
      a.fillMask(x, 0.25, keep);
      dropoutMaskWasm(b, y, 0.25, keep);
      expectBits(y, x, `keep ${keep}`);
      expect(b.nextUint32()).toBe(a.nextUint32());
    }
  });
});
