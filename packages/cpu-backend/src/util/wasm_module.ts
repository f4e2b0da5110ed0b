import { decodeBytes } from './bytes.js';
import { fuseMultiplyAdds, getWasmMultiplyAdd } from './multiply_add.js';

/** Compiles `bytes`, or `null` where the engine rejects them or has no WebAssembly. */
export function compile(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
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

const PAGE = 65536;

/**
 * The instance of a module getter's module on one plain memory, kept between calls and
 * grown as needed. When the getter gives another module (a variant: see
 * `setWasmMultiplyAdd`), that one is instantiated on the same memory.
 */
export class PlainInstance<E> {
  private held: { exports: E; memory: WebAssembly.Memory; module: WebAssembly.Module } | undefined;

  constructor(private readonly module: () => WebAssembly.Module | null) {}

  /** The instance with at least `bytes` of memory; undefined where there is no module or the memory cannot grow that far. */
  with(bytes: number): { exports: E; memory: WebAssembly.Memory } | undefined {
    const module = this.module();
    const pages = Math.ceil(bytes / PAGE);
    if (!module || pages > 65536) return undefined;
    if (this.held?.module !== module) {
      const memory = this.held?.memory ?? new WebAssembly.Memory({ initial: Math.max(pages, 16) });
      this.held = { exports: new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as E, memory, module };
    }
    const have = this.held.memory.buffer.byteLength / PAGE;
    if (have < pages) {
      try {
        this.held.memory.grow(pages - have);
      } catch {
        return undefined;
      }
    }
    return this.held;
  }

  /** Bytes of the memory (0 while no call has needed it). */
  bytes(): number {
    return this.held ? this.held.memory.buffer.byteLength : 0;
  }

  /** Lets the memory go if it holds more than `keep` bytes. */
  release(keep: number): void {
    if (this.bytes() > keep) this.held = undefined;
  }
}
