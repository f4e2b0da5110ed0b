import type { RefTensor } from './ref_tensor.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Rows `[batch, width]` of a reference matrix, as arrays (float64, no rounding). */
function rowsOf(x: RefTensor): number[][] {
  const [rows, width] = x.shape;
  return Array.from({ length: rows }, (_, r) => x.values.slice(r * width, (r + 1) * width));
}

/** `h @ kernel` row by row, float64. */
function product(h: RefTensor, kernel: RefTensor): number[][] {
  const [k, n] = kernel.shape;
  return rowsOf(h).map((row) => Array.from({ length: n }, (_, j) => row.reduce((s, v, p) => s + v * kernel.values[p * n + j], 0)));
}

const matrix = (rows: number[][], width: number): RefTensor => ({ shape: [rows.length, width], dtype: 'float32', values: rows.flat() });

/**
 * One Keras LSTM step in float64, written from Keras's `LSTMCell.call` (gates i, f, c, o;
 * exact logistic sigmoid): `h'`, `c'` and the gate activations `[i, f, g, o]`.
 */
export function lstmCellRef(xw: RefTensor, h: RefTensor, c: RefTensor, kernel: RefTensor): { h: RefTensor; c: RefTensor; gates: RefTensor } {
  const u = h.shape[1];
  const z = product(h, kernel).map((row, b) => row.map((v, j) => v + xw.values[b * 4 * u + j]));
  const gates = z.map((row) => row.map((v, j) => (j >= 2 * u && j < 3 * u ? Math.tanh(v) : sigmoid(v))));
  const cNext = gates.map((g, b) => Array.from({ length: u }, (_, j) => g[u + j] * c.values[b * u + j] + g[j] * g[2 * u + j]));
  const hNext = gates.map((g, b) => Array.from({ length: u }, (_, j) => g[3 * u + j] * Math.tanh(cNext[b][j])));
  return { h: matrix(hNext, u), c: matrix(cNext, u), gates: matrix(gates, 4 * u) };
}

/**
 * Keras's LSTM over a sequence in float64: {@link lstmCellRef} at every step of `xw`
 * (`[batch, steps, 4 units]`), last to first with `goBackwards`; the last output, or every
 * output `[batch, steps, units]` in the order computed.
 */
export function lstmSequenceRef(xw: RefTensor, h0: RefTensor, c0: RefTensor, kernel: RefTensor, returnSequences: boolean, goBackwards: boolean): RefTensor {
  let c = c0;
  return sequenceRef(xw, h0, returnSequences, goBackwards, (x, h) => {
    const out = lstmCellRef(x, h, c, kernel);
    c = out.c;
    return out.h;
  });
}

/** Keras 3's GRU (reset_after) over a sequence in float64: {@link gruCellRef} at every step, as {@link lstmSequenceRef}. */
export function gruSequenceRef(xw: RefTensor, h0: RefTensor, kernel: RefTensor, bias: RefTensor, returnSequences: boolean, goBackwards: boolean): RefTensor {
  return sequenceRef(xw, h0, returnSequences, goBackwards, (x, h) => gruCellRef(x, h, kernel, bias).h);
}

/** `step` at every timestep of `xw` (`[batch, steps, width]`), last to first with `goBackwards`; the last output or all of them `[batch, steps, units]`. */
function sequenceRef(xw: RefTensor, h0: RefTensor, returnSequences: boolean, goBackwards: boolean, step: (x: RefTensor, h: RefTensor) => RefTensor): RefTensor {
  const [batch, steps, width] = xw.shape;
  const u = h0.shape[1];
  let h = h0;
  const outputs: RefTensor[] = [];
  for (let p = 0; p < steps; p++) {
    const t = goBackwards ? steps - 1 - p : p;
    const rows = Array.from({ length: batch }, (_, b) => xw.values.slice((b * steps + t) * width, (b * steps + t + 1) * width));
    h = step(matrix(rows, width), h);
    outputs.push(h);
  }
  if (!returnSequences) return h;
  const values = Array.from({ length: batch }, (_, b) => outputs.flatMap((o) => o.values.slice(b * u, (b + 1) * u))).flat();
  return { shape: [batch, steps, u], dtype: 'float32', values };
}

/** The LSTM step's backward pass in float64: `dz` (of the pre-activations) and `dc` of the input cell state. */
export function lstmCellGradRef(dh: RefTensor, dc: RefTensor, c: RefTensor, gates: RefTensor, cNext: RefTensor): { dz: RefTensor; dc: RefTensor } {
  const u = dh.shape[1];
  const dz: number[][] = [];
  const dcPrev: number[][] = [];
  rowsOf(gates).forEach((g, b) => {
    const at = (x: RefTensor, j: number) => x.values[b * u + j];
    const row = new Array<number>(4 * u);
    const prev = new Array<number>(u);
    for (let j = 0; j < u; j++) {
      const [i, f, gg, o] = [g[j], g[u + j], g[2 * u + j], g[3 * u + j]];
      const t = Math.tanh(at(cNext, j));
      const dcAll = at(dc, j) + at(dh, j) * o * (1 - t * t);
      row[j] = dcAll * gg * i * (1 - i);
      row[u + j] = dcAll * at(c, j) * f * (1 - f);
      row[2 * u + j] = dcAll * i * (1 - gg * gg);
      row[3 * u + j] = at(dh, j) * t * o * (1 - o);
      prev[j] = dcAll * f;
    }
    dz.push(row);
    dcPrev.push(prev);
  });
  return { dz: matrix(dz, 4 * u), dc: matrix(dcPrev, u) };
}

/**
 * One Keras GRU step (reset_after=True) in float64, from Keras's `GRUCell.call`: `h'` and
 * the saved `[z, r, hh, hz_h]`.
 */
export function gruCellRef(xw: RefTensor, h: RefTensor, kernel: RefTensor, bias: RefTensor): { h: RefTensor; gates: RefTensor } {
  const u = h.shape[1];
  const hz = product(h, kernel).map((row) => row.map((v, j) => v + bias.values[j]));
  const hNext: number[][] = [];
  const gates: number[][] = [];
  hz.forEach((row, b) => {
    const x = (j: number) => xw.values[b * 3 * u + j];
    const out = new Array<number>(u);
    const saved = new Array<number>(4 * u);
    for (let j = 0; j < u; j++) {
      const z = sigmoid(x(j) + row[j]);
      const r = sigmoid(x(u + j) + row[u + j]);
      const hh = Math.tanh(x(2 * u + j) + r * row[2 * u + j]);
      out[j] = z * h.values[b * u + j] + (1 - z) * hh;
      [saved[j], saved[u + j], saved[2 * u + j], saved[3 * u + j]] = [z, r, hh, row[2 * u + j]];
    }
    hNext.push(out);
    gates.push(saved);
  });
  return { h: matrix(hNext, u), gates: matrix(gates, 4 * u) };
}

/** The GRU step's backward pass in float64: `dxw`, `dhz` and `dh*z`. */
export function gruCellGradRef(dh: RefTensor, h: RefTensor, gates: RefTensor): { dxw: RefTensor; dhz: RefTensor; dh: RefTensor } {
  const u = dh.shape[1];
  const dxw: number[][] = [];
  const dhz: number[][] = [];
  const direct: number[][] = [];
  rowsOf(gates).forEach((g, b) => {
    const a = new Array<number>(3 * u);
    const d = new Array<number>(3 * u);
    const e = new Array<number>(u);
    for (let j = 0; j < u; j++) {
      const [z, r, hh, hzh] = [g[j], g[u + j], g[2 * u + j], g[3 * u + j]];
      const dhj = dh.values[b * u + j];
      const dz = dhj * (h.values[b * u + j] - hh) * z * (1 - z);
      const dhh = dhj * (1 - z) * (1 - hh * hh);
      const dr = dhh * hzh * r * (1 - r);
      [a[j], a[u + j], a[2 * u + j]] = [dz, dr, dhh];
      [d[j], d[u + j], d[2 * u + j]] = [dz, dr, dhh * r];
      e[j] = dhj * z;
    }
    dxw.push(a);
    dhz.push(d);
    direct.push(e);
  });
  return { dxw: matrix(dxw, 3 * u), dhz: matrix(dhz, 3 * u), dh: matrix(direct, u) };
}
