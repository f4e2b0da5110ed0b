import { decodeBytes } from './bytes.js';

/**
 * A getter of an embedded WebAssembly module that compiles it on first use, synchronously:
 * the modules are small, under the 4 KB that browsers allow `new WebAssembly.Module` on the
 * main thread. It gives `null` where the engine rejects the module (`WebAssembly.validate`
 * says false without SIMD) or has no WebAssembly, and the TypeScript loops are used instead.
 */
export function lazySimdModule(text: string): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      compiled = null;
      try {
        if (typeof WebAssembly === 'object') {
          const bytes = decodeBytes(text);
          if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
        }
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}
