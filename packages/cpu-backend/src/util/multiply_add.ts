import { BackendError } from '@tessera/tensor';

/**
 * How the WebAssembly GEMM and direct convolution multiply and add: `'fused'` (one
 * `f32x4.relaxed_madd` of relaxed SIMD, which V8 compiles to an FMA instruction on x64
 * and arm64: one rounding, fewer instructions) or `'separate'` (`f32x4.mul` then
 * `f32x4.add`, two roundings: plain WebAssembly SIMD, everywhere).
 */
export type MultiplyAdd = 'fused' | 'separate';

// The multiply-add as the WAT writes it, `(f32x4.add (f32x4.mul (local.get x) (local.get y)) (local.get acc))`:
//   local.get x, local.get y, f32x4.mul, local.get acc, f32x4.add          (12 bytes)
// and its fused twin of the same length, so no size or offset in the module changes:
//   local.get x, local.get y, local.get acc, f32x4.relaxed_madd, nop x3   (12 bytes)
// (local.get is 0x20 and a one-byte index: the kernels have fewer than 128 locals.)
const GET = 0x20;
const SIMD = 0xfd;
const MUL = [0xe6, 0x01];
const ADD = [0xe4, 0x01];
const MADD = [0x85, 0x02];
const NOP = 0x01;

/** Whether a separate multiply-add starts at byte `i` of `b`. */
function separateAt(b: Uint8Array, i: number): boolean {
  return (
    b[i] === GET && b[i + 1] < 0x80 && b[i + 2] === GET && b[i + 3] < 0x80 &&
    b[i + 4] === SIMD && b[i + 5] === MUL[0] && b[i + 6] === MUL[1] &&
    b[i + 7] === GET && b[i + 8] < 0x80 &&
    b[i + 9] === SIMD && b[i + 10] === ADD[0] && b[i + 11] === ADD[1]
  );
}

/**
 * A copy of the module `bytes` with every multiply-add written in the separate form
 * rewritten into a fused one, and how many were. The pattern cannot occur by chance
 * elsewhere in our modules (a test checks the count against the WAT), and the rewrite
 * keeps every length, so the module stays valid wherever relaxed SIMD is.
 */
export function fuseMultiplyAdds(bytes: Uint8Array): { bytes: Uint8Array<ArrayBuffer>; sites: number } {
  const out = new Uint8Array(bytes);
  let sites = 0;
  for (let i = 0; i + 12 <= out.length; i++) {
    if (!separateAt(out, i)) continue;
    const acc = out[i + 8];
    out.set([GET, out[i + 1], GET, out[i + 3], GET, acc, SIMD, MADD[0], MADD[1], NOP, NOP, NOP], i);
    sites++;
    i += 11;
  }
  return { bytes: out, sites };
}

/** The smallest module with one fused multiply-add: `(func (param v128 v128 v128) (result v128))`. */
const PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 v128 v128) -> v128
  0x03, 0x02, 0x01, 0x00, // function 0 of type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, GET, 0x00, GET, 0x01, GET, 0x02, SIMD, MADD[0], MADD[1], 0x0b, // code
]);

let available: boolean | undefined;
let mode: MultiplyAdd | undefined;
/** Whether {@link setWasmMultiplyAdd} chose the mode (then {@link enableRelaxedSimd} leaves it). */
let chosen = false;

/**
 * Whether this WebAssembly engine has relaxed SIMD's fused multiply-add: Chrome and Edge
 * 114+, Node 22+, and Node 20 started with `--experimental-wasm-relaxed-simd`.
 */
export function fusedMultiplyAddAvailable(): boolean {
  if (available === undefined) {
    try {
      available = typeof WebAssembly === 'object' && WebAssembly.validate(PROBE);
    } catch {
      available = false;
    }
  }
  return available;
}

/** How the WebAssembly kernels multiply and add now (see {@link setWasmMultiplyAdd}). */
export function getWasmMultiplyAdd(): MultiplyAdd {
  mode ??= fusedMultiplyAddAvailable() ? 'fused' : 'separate';
  return mode;
}

/**
 * Chooses how the WebAssembly GEMM and direct convolution multiply and add. The default is
 * `'fused'` where the engine has relaxed SIMD (about 10% faster products; one rounding per
 * multiply-add, so sums differ from `'separate'` in the last bits), else `'separate'`.
 * Vector loops (optimizers, elementwise ops) always round separately, as the TypeScript ones.
 *
 * @param m - `'fused'` or `'separate'`
 * @returns the choice in force before
 * @throws BackendError when `'fused'` is asked for and the engine lacks relaxed SIMD
 * @example
 * ```ts
 * import { setWasmMultiplyAdd } from '@tessera/cpu-backend';
 * const before = setWasmMultiplyAdd('separate'); // plain WebAssembly SIMD everywhere
 * // ... products run with a multiply and an add ...
 * setWasmMultiplyAdd(before);
 * ```
 */
export function setWasmMultiplyAdd(m: MultiplyAdd): MultiplyAdd {
  if (m !== 'fused' && m !== 'separate') {
    throw new BackendError(`setWasmMultiplyAdd: expected 'fused' or 'separate' but got ${String(m)}`);
  }
  if (m === 'fused' && !fusedMultiplyAddAvailable()) {
    throw new BackendError(
      "setWasmMultiplyAdd: 'fused' needs WebAssembly relaxed SIMD, which this engine does not have " +
        '(Chrome 114+, Node 22+, or Node 20 with --experimental-wasm-relaxed-simd)',
    );
  }
  const before = getWasmMultiplyAdd();
  mode = m;
  chosen = true;
  return before;
}

/**
 * Turns on WebAssembly relaxed SIMD in Node 20 and 21, where V8 has it behind the flag
 * `--experimental-wasm-relaxed-simd` (Node 22+, Chrome and Edge 114+ have it on), so that
 * the GEMM and the direct convolution use fused multiply-adds there too. An app calls it
 * once, before its first product: it sets that one V8 flag with `v8.setFlagsFromString`
 * (which affects only modules compiled afterwards). The library never does this by itself.
 * Elsewhere it changes nothing.
 *
 * @returns whether fused multiply-adds are available now (the default then, unless
 *   {@link setWasmMultiplyAdd} chose otherwise)
 * @example
 * ```ts
 * import { enableRelaxedSimd } from '@tessera/cpu-backend';
 * enableRelaxedSimd(); // true on Node 20 and in current browsers
 * ```
 */
export function enableRelaxedSimd(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
  const major = Number(proc?.versions?.node?.split('.')[0]);
  if (!fusedMultiplyAddAvailable() && major < 22 && typeof proc?.getBuiltinModule === 'function') {
    (proc.getBuiltinModule('node:v8') as { setFlagsFromString(flags: string): void }).setFlagsFromString('--experimental-wasm-relaxed-simd');
    available = undefined;
    if (!chosen) mode = undefined;
  }
  return fusedMultiplyAddAvailable();
}
