import type { TypedArray } from '@tessera/tensor';
import type { RowWriter } from './epilogue.js';

/**
 * A matrix inside a flat array: element `(r, c)` is `data[offset + r * rowStride + c * colStride]`.
 * A transposed operand is the same data with the two strides swapped, so no GEMM code
 * cares about transposes: packing reads any layout once into the one the loops want.
 */
export interface MatrixView {
  readonly data: TypedArray;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/** Depth of one packed block (rows of B, columns of A): 256 doubles = 2 KiB per panel row of 4. */
const KC = 256;
/** Width of one packed block of B: a KC x NC block is 512 KiB of doubles, kept in L2 across all rows of A. */
const NC = 256;
/** Below this many rows (or columns) of C, the 4x4 tiles would mostly compute padding: use dot products instead. */
const THIN = 3;

/**
 * Dense matrix multiply `C = A B` for float32 or int32 data, accumulated in double precision.
 * One instance holds the scratch buffers for one shape, reused across a batch.
 *
 * The main path is the classic packed, cache-blocked GEMM (as in GotoBLAS / BLIS, in
 * plain TypeScript): for each KC-deep slice of A and KC x NC block of B, both are
 * packed into panels of 4 (4 rows of A, 4 columns of B, interleaved along k), then a
 * 4x4 micro-kernel keeps 16 sums of C in locals while it walks both panels
 * contiguously: 8 loads for 16 multiply-adds. Edges are zero-padded in the panels.
 * Products with fewer than {@link THIN} rows or columns (matrix-vector) use dot
 * products over contiguous memory instead.
 */
export class Gemm {
  private readonly acc: Float64Array;
  private readonly packA: Float64Array;
  private readonly packB: Float64Array;
  private readonly line: Float64Array;
  private readonly tile = new Float64Array(16);

  /**
   * @param m - rows of A and C
   * @param n - columns of B and C
   * @param k - columns of A, rows of B
   */
  constructor(
    readonly m: number,
    readonly n: number,
    readonly k: number,
  ) {
    const thin = Math.min(m, n) < THIN;
    this.acc = new Float64Array(m * n);
    const kc = Math.min(KC, k);
    this.packA = new Float64Array(thin ? 0 : roundUp4(m) * kc);
    this.packB = new Float64Array(thin ? 0 : roundUp4(Math.min(NC, n)) * kc);
    this.line = new Float64Array(thin ? k + Math.max(m, n) : 0);
  }

  /**
   * Writes `A B` (A: m x k, B: k x n) into `out` from `outOffset`, row-major m x n; with
   * an `epilogue`, its bias and activation are applied to the double sums as they are stored.
   */
  run(a: MatrixView, b: MatrixView, out: TypedArray, outOffset: number, epilogue?: RowWriter): void {
    const { m, n, acc } = this;
    if (Math.min(m, n) < THIN) {
      if (n <= m) this.thin(m, n, a, b, n, 1);
      // C^T = B^T A^T: the same routine with the roles of A and B swapped, writing C transposed.
      else this.thin(n, m, transposeView(b), transposeView(a), 1, n);
    } else {
      acc.fill(0);
      this.blocked(a, b);
    }
    if (epilogue) epilogue.rows(acc, 0, n, out, outOffset, m);
    else for (let i = 0; i < m * n; i++) out[outOffset + i] = acc[i];
  }

  /** The packed, blocked path: `acc += A B`. */
  private blocked(a: MatrixView, b: MatrixView): void {
    const { m, n, k, packA, packB } = this;
    const mp = roundUp4(m);
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kc = Math.min(KC, k - k0);
      packPanels(packA, a.data, a.offset + k0 * a.colStride, a.rowStride, a.colStride, m, kc);
      for (let j0 = 0; j0 < n; j0 += NC) {
        const nc = Math.min(NC, n - j0);
        packPanels(packB, b.data, b.offset + k0 * b.rowStride + j0 * b.colStride, b.colStride, b.rowStride, nc, kc);
        for (let i = 0; i < mp; i += 4) {
          for (let j = 0; j < nc; j += 4) {
            this.microKernel(kc, i * kc, j * kc, i * n + j0 + j, Math.min(4, m - i), Math.min(4, nc - j));
          }
        }
      }
    }
  }

  /**
   * `acc[c0 + r*n + s] += sum_k packA[a0 + 4k + r] * packB[b0 + 4k + s]` for the
   * `rows x cols` valid part of one 4x4 tile.
   */
  private microKernel(kc: number, a0: number, b0: number, c0: number, rows: number, cols: number): void {
    const { packA: pa, packB: pb, acc, n } = this;
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    for (let p = 0, ai = a0, bi = b0; p < kc; p++, ai += 4, bi += 4) {
      const a0v = pa[ai], a1v = pa[ai + 1], a2v = pa[ai + 2], a3v = pa[ai + 3];
      const b0v = pb[bi], b1v = pb[bi + 1], b2v = pb[bi + 2], b3v = pb[bi + 3];
      c00 += a0v * b0v; c01 += a0v * b1v; c02 += a0v * b2v; c03 += a0v * b3v;
      c10 += a1v * b0v; c11 += a1v * b1v; c12 += a1v * b2v; c13 += a1v * b3v;
      c20 += a2v * b0v; c21 += a2v * b1v; c22 += a2v * b2v; c23 += a2v * b3v;
      c30 += a3v * b0v; c31 += a3v * b1v; c32 += a3v * b2v; c33 += a3v * b3v;
    }
    if (rows === 4 && cols === 4) {
      let o = c0;
      acc[o] += c00; acc[o + 1] += c01; acc[o + 2] += c02; acc[o + 3] += c03; o += n;
      acc[o] += c10; acc[o + 1] += c11; acc[o + 2] += c12; acc[o + 3] += c13; o += n;
      acc[o] += c20; acc[o + 1] += c21; acc[o + 2] += c22; acc[o + 3] += c23; o += n;
      acc[o] += c30; acc[o + 1] += c31; acc[o + 2] += c32; acc[o + 3] += c33;
      return;
    }
    const t = this.tile;
    t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
    t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23; t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
    for (let r = 0; r < rows; r++) for (let s = 0; s < cols; s++) acc[c0 + r * n + s] += t[r * 4 + s];
  }

  /**
   * `acc[r*cRow + c*cCol] = (A B)(r, c)` for `cols < THIN` (the thin side): one column of B
   * at a time is copied contiguous, then dotted with each row of A when A's rows are
   * contiguous, or, when A's columns are, used to weigh a running sum of those columns.
   */
  private thin(rows: number, cols: number, a: MatrixView, b: MatrixView, cRow: number, cCol: number): void {
    const { k, acc, line } = this;
    const ad = a.data;
    const { rowStride: ars, colStride: acs } = a;
    const col = line.subarray(0, k);
    const sum = line.subarray(k, k + rows);
    for (let c = 0; c < cols; c++) {
      for (let p = 0; p < k; p++) col[p] = b.data[b.offset + p * b.rowStride + c * b.colStride];
      if (acs === 1 || ars !== 1) {
        for (let r = 0; r < rows; r++) {
          // Four partial sums, so the additions do not wait on each other.
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          let i = a.offset + r * ars;
          let p = 0;
          for (; p + 3 < k; p += 4, i += 4 * acs) {
            s0 += ad[i] * col[p];
            s1 += ad[i + acs] * col[p + 1];
            s2 += ad[i + 2 * acs] * col[p + 2];
            s3 += ad[i + 3 * acs] * col[p + 3];
          }
          for (; p < k; p++, i += acs) s0 += ad[i] * col[p];
          acc[r * cRow + c * cCol] = s0 + s1 + (s2 + s3);
        }
      } else {
        // A's columns are contiguous: add up k of them, each scaled by one element of B's
        // column, four columns per pass so each partial sum is loaded and stored once per four.
        sum.fill(0);
        let p = 0;
        for (; p + 3 < k; p += 4) {
          const v0 = col[p], v1 = col[p + 1], v2 = col[p + 2], v3 = col[p + 3];
          const i0 = a.offset + p * acs;
          for (let r = 0, i = i0; r < rows; r++, i++) {
            sum[r] += ad[i] * v0 + ad[i + acs] * v1 + ad[i + 2 * acs] * v2 + ad[i + 3 * acs] * v3;
          }
        }
        for (; p < k; p++) {
          const v = col[p];
          for (let r = 0, i = a.offset + p * acs; r < rows; r++, i++) sum[r] += ad[i] * v;
        }
        for (let r = 0; r < rows; r++) acc[r * cRow + c * cCol] = sum[r];
      }
    }
  }
}

function roundUp4(x: number): number {
  return (x + 3) & ~3;
}

function transposeView(v: MatrixView): MatrixView {
  return { data: v.data, offset: v.offset, rowStride: v.colStride, colStride: v.rowStride };
}

/**
 * Packs `count` lines (rows of A, or columns of B) of depth `kc` into panels of 4
 * interleaved along k: element `kk` of line `t` goes to `dst[(t >> 2) * 4 * kc + kk * 4 + (t & 3)]`,
 * read from `src[offset + t * lineStride + kk * depthStride]`. Lines past `count`, up
 * to a multiple of 4, are zeros.
 */
function packPanels(
  dst: Float64Array,
  src: TypedArray,
  offset: number,
  lineStride: number,
  depthStride: number,
  count: number,
  kc: number,
): void {
  const padded = roundUp4(count);
  if (depthStride === 1 || lineStride !== 1) {
    // Each line is contiguous in src (or neither layout is): read along the line.
    for (let t = 0; t < padded; t++) {
      let d = (t >> 2) * 4 * kc + (t & 3);
      if (t >= count) {
        for (let kk = 0; kk < kc; kk++, d += 4) dst[d] = 0;
        continue;
      }
      for (let kk = 0, s = offset + t * lineStride; kk < kc; kk++, d += 4, s += depthStride) dst[d] = src[s];
    }
  } else {
    // Lines are the contiguous direction across: read across them, one depth at a time.
    for (let kk = 0; kk < kc; kk++) {
      for (let t = 0, s = offset + kk * depthStride; t < padded; t++, s++) {
        dst[(t >> 2) * 4 * kc + kk * 4 + (t & 3)] = t < count ? src[s] : 0;
      }
    }
  }
}
