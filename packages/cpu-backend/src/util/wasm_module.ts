import { decodeBytes } from './bytes.js';
import { fuseMultiplyAdds, getWasmMultiplyAdd } from './multiply_add.js';

/** Compiles `bytes`, or `null` where the engine rejects them or has no WebAssembly. */
function compile(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

/**
 * A getter of an embedded WebAssembly module that compiles it on first use, synchronously:
 * the modules are small, under the 4 KB that browsers allow `new WebAssembly.Module` on the
 * main thread. It gives `null` where the engine rejects the module (`WebAssembly.validate`
 * says false without SIMD) or has no WebAssembly, and the TypeScript loops are used instead.
 * With `fusable`, it gives the module as {@link getWasmMultiplyAdd} says: for `'fused'`,
 * its multiply-adds rewritten into relaxed SIMD's (`fuseMultiplyAdds`), each variant
 * compiled once.
 */
export function lazySimdModule(text: string, fusable = false): () => WebAssembly.Module | null {
  const compiled: { separate?: WebAssembly.Module | null; fused?: WebAssembly.Module | null } = {};
  return () => {
    const variant = fusable ? getWasmMultiplyAdd() : 'separate';
    let m = compiled[variant];
    if (m === undefined) {
      const bytes = decodeBytes(text);
      m = compiled[variant] = compile(variant === 'fused' ? fuseMultiplyAdds(bytes).bytes : bytes);
    }
    return m;
  };
}
