// The fused multiply-add variant of the GEMM and direct-convolution modules: the byte
// rewrite against wabt's own assembly of relaxed_madd, the choice and its errors, and the
// products of both variants on one thread and two.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { matMul, tensor, tidy } from '@tessera/tensor';
import { assemble } from '../scripts/build-wasm.mjs';
import {
  fusedMultiplyAddAvailable,
  gemmThreadsReady,
  getGemmThreads,
  getWasmMultiplyAdd,
  setGemmThreads,
  setWasmMultiplyAdd,
  type MultiplyAdd,
} from '../src/index.js';
import { decodeBytes } from '../src/util/bytes.js';
import { fuseMultiplyAdds } from '../src/util/multiply_add.js';
import { sharedTwin } from '../src/util/shared_twin.js';
import { CONV_WASM_BYTES } from '../src/wasm/conv_wasm.js';
import { GEMM_WASM_BYTES } from '../src/wasm/gemm_wasm.js';
import { randomFloats } from './helpers.js';

const defaults = { multiplyAdd: getWasmMultiplyAdd(), threads: getGemmThreads() };
afterEach(() => {
  setWasmMultiplyAdd(defaults.multiplyAdd);
  setGemmThreads(defaults.threads);
});

/** The multiply-add as the WAT must write it for the rewrite (see multiply_add.ts). */
const SEPARATE = /\(f32x4\.add \(f32x4\.mul \(local\.get (\$\w+)\) \(local\.get (\$\w+)\)\) \(local\.get (\$\w+)\)\)/g;

const MODULES = [
  { wat: 'gemm.wat', plain: GEMM_WASM_BYTES },
  { wat: 'conv.wat', plain: CONV_WASM_BYTES },
];

describe('fused multiply-adds', () => {
  for (const m of MODULES) {
    it(`rewrites ${m.wat} into exactly what wabt assembles with relaxed_madd, every site and nothing else`, async () => {
      const wat = await readFile(new URL(`../src/wasm/${m.wat}`, import.meta.url), 'utf8');
      const expected = [...wat.matchAll(SEPARATE)].length;
      if (m.wat === 'gemm.wat') expect(expected).toBe(8); // the 4x8 micro-kernel
      // The same text with each multiply-add written fused, padded with the three nops the rewrite leaves.
      const fusedWat = wat.replace(SEPARATE, '(f32x4.relaxed_madd (local.get $1) (local.get $2) (local.get $3)) (nop) (nop) (nop)');
      const plain = decodeBytes(m.plain);
      for (const [input, shared] of [[plain, false], [sharedTwin(plain, 16384), true]] as const) {
        const { bytes, sites } = fuseMultiplyAdds(input);
        expect(sites).toBe(expected);
        expect(Buffer.from(bytes).equals(Buffer.from(await assemble(fusedWat, shared, m.wat)))).toBe(true);
      }
    });
  }

  it('leaves bytes without the pattern alone, and does not modify its input', () => {
    const input = decodeBytes(GEMM_WASM_BYTES);
    const copy = input.slice();
    const once = fuseMultiplyAdds(input);
    expect(input).toEqual(copy);
    expect(fuseMultiplyAdds(once.bytes).sites).toBe(0);
    // A local index of two LEB bytes (>= 128) is not the pattern.
    const wide = new Uint8Array([0x20, 0x80, 0x01, 0x20, 0x01, 0xfd, 0xe6, 0x01, 0x20, 0x02, 0xfd, 0xe4, 0x01]);
    expect(fuseMultiplyAdds(wide).sites).toBe(0);
  });

  it('is the default exactly where the engine validates relaxed SIMD', () => {
    expect(defaults.multiplyAdd).toBe(fusedMultiplyAddAvailable() ? 'fused' : 'separate');
    // The vitest config starts Node 20 with --experimental-wasm-relaxed-simd; Node 22+ has it anyway.
    expect(fusedMultiplyAddAvailable()).toBe(true);
  });

  it('enableRelaxedSimd turns relaxed SIMD on in a Node started without the flag, and the products after are fused', () => {
    const fixture = fileURLToPath(new URL('./fixtures/relaxed_simd_off.ts', import.meta.url));
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@tessera/source', fixture], { encoding: 'utf8', timeout: 30_000 }).trim());
    const flagged = out.node < 22; // Node 22+ has relaxed SIMD without a flag
    expect(out).toEqual({
      node: out.node,
      before: flagged ? { available: false, mode: 'separate' } : { available: true, mode: 'fused' },
      enabled: true,
      after: { available: true, mode: 'fused' },
      finite: true,
    });
  });

  it('rejects unknown choices, saying what it got', () => {
    expect(() => setWasmMultiplyAdd('fma' as MultiplyAdd)).toThrow("setWasmMultiplyAdd: expected 'fused' or 'separate' but got fma");
    expect(getWasmMultiplyAdd()).toBe(defaults.multiplyAdd);
    expect(setWasmMultiplyAdd('separate')).toBe(defaults.multiplyAdd);
    expect(getWasmMultiplyAdd()).toBe('separate');
  });

  it('gives products within float32 rounding of the separate ones, the same bits on one thread and two', async () => {
    expect(await gemmThreadsReady()).toBe(true);
    const [m, k, n] = [300, 257, 130];
    const a = tensor(randomFloats(m * k, 1), [m, k]);
    const b = tensor(randomFloats(k * n, 2), [k, n]);
    const results: Partial<Record<`${MultiplyAdd} ${'off' | 'always'}`, Float32Array>> = {};
    for (const mode of ['separate', 'fused'] as const) {
      for (const threads of ['off', 'always'] as const) {
        setWasmMultiplyAdd(mode);
        setGemmThreads(threads);
        results[`${mode} ${threads}`] = tidy(() => matMul(a, b).dataSync() as Float32Array);
      }
    }
    a.dispose();
    b.dispose();
    expect(results['fused off']).toEqual(results['fused always']);
    expect(results['separate off']).toEqual(results['separate always']);
    const [f, s] = [results['fused off']!, results['separate off']!];
    let differ = 0;
    for (let i = 0; i < f.length; i++) {
      // |sum| <= k here; float32 dot products of 257 terms stay within k * 2^-24 * k of each other.
      expect(Math.abs(f[i] - s[i])).toBeLessThan(k * k * 2 ** -24);
      if (f[i] !== s[i]) differ++;
    }
    // The rewrite really ran: one rounding instead of two changes some sums.
    expect(differ).toBeGreaterThan(0);
  });
});
