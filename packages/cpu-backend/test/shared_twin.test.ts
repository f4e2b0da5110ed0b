// The shared-memory twins the GEMM's worker runs, made at load time from the shipped modules:
// byte for byte what wabt assembles from the WAT with a shared memory import.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { assemble } from '../scripts/build-wasm.mjs';
import { decodeBytes } from '../src/util/bytes.js';
import { sharedTwin } from '../src/util/shared_twin.js';
import { CONV_WASM_BYTES } from '../src/wasm/conv_wasm.js';
import { GEMM_WASM_BYTES } from '../src/wasm/gemm_wasm.js';
import { VECTOR_WASM_BYTES } from '../src/wasm/vector_wasm.js';

const MODULES = { 'gemm.wat': GEMM_WASM_BYTES, 'conv.wat': CONV_WASM_BYTES, 'vector.wat': VECTOR_WASM_BYTES };

describe('sharedTwin', () => {
  for (const [wat, text] of Object.entries(MODULES)) {
    it(`turns ${wat}'s plain memory import into wabt's shared one (1 GiB maximum), nothing else`, async () => {
      const source = await readFile(new URL(`../src/wasm/${wat}`, import.meta.url), 'utf8');
      const expected = await assemble(source, true, wat);
      const twin = sharedTwin(decodeBytes(text), 16384);
      expect(Buffer.from(twin).equals(Buffer.from(expected))).toBe(true);
      expect(WebAssembly.validate(twin)).toBe(true);
    });
  }

  it('refuses a module without a plain memory import, saying so', () => {
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    expect(() => sharedTwin(empty, 16384)).toThrow('sharedTwin: the module imports no memory');
    const twin = sharedTwin(decodeBytes(GEMM_WASM_BYTES), 16384);
    expect(() => sharedTwin(twin, 16384)).toThrow('sharedTwin: expected one plain memory import');
  });
});
