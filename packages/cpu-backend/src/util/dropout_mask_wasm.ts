import { Prng } from '@tessera/tensor';
import { getArena } from './arena.js';
import { vectorInPlace, vectorInstance } from './vector_wasm.js';

/**
 * Dropout masks on WebAssembly SIMD (`dropout_mask` in src/wasm/vector.wat): the stream of
 * `Prng.fillMask`, drawn four lanes at a time, each lane starting where the one before it
 * ends (jumped ahead by bit matrices, below), streamed out of the module's memory in chunks.
 */

/** Elements per call: each of the four lanes draws a quarter (at most 4096), within the table's reach. */
const CHUNK = 16384;
/** Powers M^(2^k) of the one-draw matrix, k = 0..12: jumps of up to 8191 draws. */
const LEVELS = 13;
/** Words of one 128 x 128 bit matrix: 128 columns of four words. */
const MATRIX = 512;
/** Byte addresses in the module's memory: the state and the lanes' (64 bytes), the table, the chunk. */
const STATE = 0;
const JUMPS = 64;
const OUT = 32768;
const BYTES = OUT + CHUNK * 4;

let table: Int32Array | undefined;

/** `m` (the matrix at word `at`) times the state `s`: the xor of the columns of its set bits. */
function times(m: Int32Array, at: number, s: ArrayLike<number>, out: Int32Array, to: number): void {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  for (let c = 0; c < 128; c++) {
    if ((s[c >> 5] >>> (c & 31)) & 1) {
      const k = at + c * 4;
      a0 ^= m[k];
      a1 ^= m[k + 1];
      a2 ^= m[k + 2];
      a3 ^= m[k + 3];
    }
  }
  out[to] = a0;
  out[to + 1] = a1;
  out[to + 2] = a2;
  out[to + 3] = a3;
}

/**
 * M^(2^k) for k = 0..LEVELS-1, M the matrix of one xoshiro128** draw over GF(2) (its state
 * update is shifts, rotations and xors: linear): column c of M is the state one draw after
 * the state of bit c alone, taken from `Prng` itself; each power squares the one before.
 * Made once, on the first mask (a few milliseconds), 26 KiB.
 */
function jumpTable(): Int32Array {
  if (table) return table;
  const t = new Int32Array(LEVELS * MATRIX);
  const prng = new Prng(0);
  for (let c = 0; c < 128; c++) {
    const unit: [number, number, number, number] = [0, 0, 0, 0];
    unit[c >> 5] = 1 << (c & 31);
    prng.state = unit;
    prng.nextUint32();
    t.set(prng.state, c * 4);
  }
  for (let k = 1; k < LEVELS; k++) {
    const prev = (k - 1) * MATRIX;
    for (let c = 0; c < 128; c++) times(t, prev, t.subarray(prev + c * 4, prev + c * 4 + 4), t, k * MATRIX + c * 4);
  }
  return (table = t);
}

const keepBits = new Int32Array(1);
const keepFloat = new Float32Array(keepBits.buffer);

/**
 * `prng.fillMask(out, rate, keep)` on WebAssembly SIMD: the same bits in `out`, and `prng`
 * left where fillMask leaves it.
 * @throws BackendError where the vector module is not available
 */
export function dropoutMaskWasm(prng: Prng, out: Float32Array, rate: number, keep: number): void {
  // `out` in the shared WebAssembly memory: drawn in place, the state and jumps in a scratch block there.
  const here = vectorInPlace([out]);
  const scratch = here ? getArena()!.scratch('dropout', OUT) : -1;
  const { exports: ex, heap } = here && scratch >= 0 ? { exports: here.ex, heap: new Float32Array(getArena()!.heap()) } : vectorInstance(BYTES);
  const base = here && scratch >= 0 ? scratch : 0;
  const words = new Int32Array(heap.buffer, base, OUT / 4);
  const rule = Prng.maskRule(rate, keep);
  keepFloat[0] = rule.keep;
  words.set(prng.state, STATE / 4);
  // The powers the lanes jump by: the bits of q = 4 * floor(len / 16), 4096 for whole chunks.
  const q = (out.length >= CHUNK ? CHUNK / 4 : 0) | (((out.length % CHUNK) >> 4) << 2);
  for (let k = 0; k < LEVELS; k++) {
    if ((q >> k) & 1) words.set(jumpTable().subarray(k * MATRIX, (k + 1) * MATRIX), JUMPS / 4 + k * MATRIX);
  }
  for (let off = 0; off < out.length; off += CHUNK) {
    const len = Math.min(CHUNK, out.length - off);
    if (base > 0) ex.dropout_mask(base + STATE, base + JUMPS, here!.at[0] + off * 4, len, rule.threshold, keepBits[0]);
    else {
      ex.dropout_mask(STATE, JUMPS, OUT, len, rule.threshold, keepBits[0]);
      out.set(heap.subarray(OUT / 4, OUT / 4 + len), off);
    }
  }
  prng.state = [words[0], words[1], words[2], words[3]];
}
