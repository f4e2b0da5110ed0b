// DropoutMask on the CPU: the WebAssembly generator (four lanes jumped ahead) and the
// TypeScript loop (Prng.fillMask) give the very bits of fillMask, and the dropout op gives
// the tensors it gave before the kernel existed. The conformance suite's DropoutMask cases
// run on each loop, forced, as in vector_paths.test.ts.
//
// @tessera/conformance is imported by path (see gemm_paths.test.ts for why).
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  dispose,
  dropout,
  getEngine,
  getKernel,
  memory,
  mul,
  ones,
  Prng,
  registerKernel,
  setBackend,
  sum,
  tensor,
  tidy,
  unregisterKernel,
  valueAndGrads,
  type DropoutMaskAttrs,
  type KernelName,
} from '@tessera/tensor';
import { describeBackend } from '../../conformance/src/index.js';
import { setVectorImplementation, type VectorImplementation } from '../src/index.js';
import { registerPathBackend } from './path_backend.js';
import { dropoutMaskWasm } from '../src/util/dropout_mask_wasm.js';

const IMPLS: readonly VectorImplementation[] = ['wasm', 'js'];
const SEEDS = [0, 1, 42, 0x9e3779b9, 0xffffffff];
/** With a rate within 2^-32 of 1 (every element 0) and one below 0 (every element kept). */
const RATES = [0.2, 0.5, 0.999, 2 ** -40, 0, 1 - 2 ** -40, -0.25];
/** Around the lanes (16 elements a round), the chunks (16384) and the bench's masks (65536). */
const LENGTHS = [0, 1, 3, 15, 16, 17, 100, 4097, 16383, 16384, 16385, 65536, 65536 + 5];

/** The kernel itself, as the op runs it. */
const maskKernel = (attrs: DropoutMaskAttrs) => getEngine().runKernel('DropoutMask', [], attrs);

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

describe('the DropoutMask kernel and the dropout op', () => {
  afterEach(() => setVectorImplementation('wasm'));

  it('draws the mask of Prng.fillMask on each loop, into a recycled array it overwrites', () => {
    for (const impl of IMPLS) {
      setVectorImplementation(impl);
      for (const n of [3, 4097, 65536 + 5]) {
        // A freed output of the same size, full of other values, is what alloc hands out next.
        dispose(tidy(() => mul(ones([n]), 7)));
        const mask = tidy(() => maskKernel({ shape: [n], seed: 77, rate: 0.3, scale: 1 / 0.7 }));
        expectBits(mask.dataSync() as Float32Array, reference(77, n, 0.3, 1 / 0.7).mask, `${impl}, n ${n}`);
        mask.dispose();
      }
    }
  });

  it("runs fillMask with 'js' and the WebAssembly loop with 'wasm'", () => {
    const spy = vi.spyOn(Prng.prototype, 'fillMask');
    try {
      setVectorImplementation('js');
      dispose(maskKernel({ shape: [64], seed: 1, rate: 0.5, scale: 2 }));
      expect(spy).toHaveBeenCalledTimes(1);
      setVectorImplementation('wasm');
      dispose(maskKernel({ shape: [64], seed: 1, rate: 0.5, scale: 2 }));
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('gives the tensors dropout gave before the kernel: pinned values, and x times the Prng mask', () => {
    for (const impl of IMPLS) {
      setVectorImplementation(impl);
      // The mask of seed 1234 at rate 0.5, from Prng.fillMask as it was before the kernel.
      const y = dropout(ones([24]), 0.5, { seed: 1234 });
      expect(Array.from(y.dataSync())).toEqual([0, 2, 0, 0, 0, 0, 2, 2, 0, 2, 0, 2, 0, 0, 0, 2, 0, 2, 0, 2, 0, 2, 2, 2]);
      y.dispose();
      // The bench's mask size plus a tail: 52478 kept, their positions hashed, before the kernel.
      const big = dropout(ones([65541]), 0.2, { seed: 99 });
      let [kept, hash] = [0, 0];
      big.dataSync().forEach((v, i) => {
        if (v !== 0) [kept, hash] = [kept + 1, (Math.imul(hash, 31) + i) | 0];
      });
      expect([kept, hash], impl).toEqual([52478, 1630067545]);
      big.dispose();
      // x times the mask, each product a float32 multiply.
      const values = Float32Array.from({ length: 3 * 4099 }, (_, i) => Math.sin(i) * 3);
      const x = tensor(values, [3, 4099]);
      const out = dropout(x, 0.35, { seed: 2024 });
      const mask = reference(2024, values.length, 0.35, 1 / 0.65).mask;
      expectBits(out.dataSync() as Float32Array, values.map((v, i) => Math.fround(v * mask[i])), impl);
      dispose([x, out]);
    }
  });

  it('gives the same tensor where the backend lacks the kernel (the op draws the mask itself)', () => {
    const x = tensor(Float32Array.from({ length: 1000 }, (_, i) => i - 500), [10, 100]);
    const withKernel = dropout(x, 0.4, { seed: 8 });
    const kernel = getKernel('DropoutMask', 'cpu')!;
    unregisterKernel('DropoutMask', 'cpu');
    try {
      const without = dropout(x, 0.4, { seed: 8 });
      expectBits(without.dataSync() as Float32Array, withKernel.dataSync() as Float32Array, 'without the kernel');
      without.dispose();
    } finally {
      registerKernel(kernel);
    }
    dispose([x, withKernel]);
  });

  it('leaves no tensor behind, and its gradient is the mask (no gradient flows to the mask itself)', () => {
    const x = tensor(Float32Array.from({ length: 300 }, (_, i) => i / 7), [3, 100]);
    const start = memory().numTensors;
    for (const impl of IMPLS) {
      setVectorImplementation(impl);
      tidy(() => {
        dropout(x, 0.5, { seed: 3 });
      });
      expect(memory().numTensors, impl).toBe(start);
      const { value, grads } = valueAndGrads((v) => sum(dropout(v, 0.5, { seed: 3 })))([x]);
      const mask = reference(3, 300, 0.5, 2).mask;
      expectBits(grads[0].dataSync() as Float32Array, mask, `${impl}: d sum(dropout(x)) / dx`);
      dispose([value, ...grads]);
      expect(memory().numTensors, impl).toBe(start);
    }
    x.dispose();
  });
});

// The conformance suite's DropoutMask cases on each loop, on backends whose DropoutMask forces it.
const PATHS: Record<string, VectorImplementation> = { 'cpu-dropout-js': 'js', 'cpu-dropout-wasm': 'wasm' };
const KERNELS: readonly KernelName[] = ['DropoutMask', 'Mul'];
for (const [name, impl] of Object.entries(PATHS)) {
  registerPathBackend(
    name,
    (body) => {
      const before = setVectorImplementation(impl);
      try {
        return body();
      } finally {
        setVectorImplementation(before);
      }
    },
    (k) => k === 'DropoutMask',
  );
  describe(`DropoutMask on ${name}`, () => {
    describeBackend(name, { kernels: [...KERNELS] });
    afterAll(() => setBackend('cpu'));
  });
}
