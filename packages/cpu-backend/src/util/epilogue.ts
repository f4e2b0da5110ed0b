import type { FusedActivation, FusedActivationAttrs, TypedArray } from '@tessera/tensor';
import { elu, relu, relu6, sigmoid } from './scalar_math.js';

/**
 * `dst[d + j] = act(src[s + j] + bias[j])` for the `n` columns of one row. One loop per
 * activation, written out, so V8 inlines the activation into it (see unary.ts).
 */
type RowLoop = (src: Values, s: number, dst: Values, d: number, n: number, bias: TypedArray, alpha: number) => void;

/** The arrays an epilogue reads and writes: outputs, and the GEMMs' float32 or double accumulators. */
export type Values = TypedArray | Float64Array;

const ROW_LOOPS: { readonly [A in FusedActivation]: RowLoop } = {
  linear: (src, s, dst, d, n, b) => { for (let j = 0; j < n; j++) dst[d + j] = src[s + j] + b[j]; },
  relu: (src, s, dst, d, n, b) => { for (let j = 0; j < n; j++) dst[d + j] = relu(src[s + j] + b[j]); },
  relu6: (src, s, dst, d, n, b) => { for (let j = 0; j < n; j++) dst[d + j] = relu6(src[s + j] + b[j]); },
  sigmoid: (src, s, dst, d, n, b) => { for (let j = 0; j < n; j++) dst[d + j] = sigmoid(src[s + j] + b[j]); },
  tanh: (src, s, dst, d, n, b) => { for (let j = 0; j < n; j++) dst[d + j] = Math.tanh(src[s + j] + b[j]); },
  elu: (src, s, dst, d, n, b) => { for (let j = 0; j < n; j++) dst[d + j] = elu(src[s + j] + b[j]); },
  leakyRelu: (src, s, dst, d, n, b, alpha) => {
    for (let j = 0; j < n; j++) {
      const v = src[s + j] + b[j];
      dst[d + j] = v > 0 ? v : alpha * v;
    }
  },
};

/** The activations `bias_act` applies in WebAssembly, by its code. */
const WASM_CODES: { readonly [A in FusedActivation]?: number } = { linear: 0, relu: 1, relu6: 2 };

/**
 * What a GEMM calls as it copies a block of its sums out of its accumulators (still in
 * cache): `m` rows, row `i` read from `src` at `s + i * srcStride`, written for `dst` at
 * `d + i * n` (`dst` may be `src`). {@link Epilogue} writes a bias and an activation of
 * each sum; a recurrent cell writes its whole update from a row of gate sums.
 */
export interface RowWriter {
  rows(src: Values, s: number, srcStride: number, dst: Values, d: number, m: number): void;
}

/**
 * The epilogue of a fused GEMM: bias and activation applied while the product's block
 * of outputs is copied out of the GEMM's accumulators (still in cache), so a fused
 * kernel makes no tensor besides its output. Without a bias, a row of zeros stands in.
 */
export class Epilogue implements RowWriter {
  /** The bias (zeros when none), one value per output column. */
  readonly bias: TypedArray;
  /**
   * The code of `bias_act` in src/wasm/gemm.wat that applies this epilogue inside the
   * GEMM's memory (0 none, 1 relu, 2 relu6), or -1 when only {@link Epilogue.rows} can:
   * the other activations stay in TypeScript, where they are computed in double.
   */
  readonly wasmCode: number;
  private readonly loop: RowLoop;
  private readonly alpha: number;

  /**
   * @param attrs - the fused kernel's activation and alpha
   * @param n - the columns of each output row (the bias length)
   * @param bias - one value per column, or `undefined` for none
   */
  constructor(attrs: FusedActivationAttrs, n: number, bias?: TypedArray) {
    this.bias = bias ?? new Float32Array(n);
    this.loop = ROW_LOOPS[attrs.activation];
    this.wasmCode = WASM_CODES[attrs.activation] ?? -1;
    this.alpha = attrs.alpha;
  }

  /**
   * Writes `m` rows of `n = bias.length` outputs: row `i` from `src` at `s + i * srcStride`
   * to `dst` at `d + i * n` (`dst` may be `src`, in place).
   */
  rows(src: Values, s: number, srcStride: number, dst: Values, d: number, m: number): void {
    const n = this.bias.length;
    for (let i = 0; i < m; i++) this.loop(src, s + i * srcStride, dst, d + i * n, n, this.bias, this.alpha);
  }
}
