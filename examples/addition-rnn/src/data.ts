/**
 * Data for Keras's addition_rnn, generated as its example does: questions such as "123+45 " padded with
 * spaces to MAXLEN and (with REVERSE) reversed, answers padded to DIGITS + 1, both one-hot over the
 * character table "0123456789+ ".
 */
import { tensor, type Tensor } from '@tessera/tensor';

export const DIGITS = 3;
export const REVERSE = true;
/** Maximum length of a question "123+456". */
export const MAXLEN = DIGITS + 1 + DIGITS;

/** Keras's `CharacterTable`: one-hot encodes a string and decodes a row of probabilities or indices. */
export class CharacterTable {
  readonly chars: string[];
  private readonly charIndices: Map<string, number>;

  constructor(chars: string) {
    this.chars = [...new Set(chars)].sort();
    this.charIndices = new Map(this.chars.map((c, i) => [c, i]));
  }

  /** One-hot rows of `str`, `numRows` long, written into `out` at `offset`. */
  encode(str: string, numRows: number, out: Float32Array = new Float32Array(numRows * this.chars.length), offset = 0): Float32Array {
    for (let i = 0; i < str.length; i++) {
      const index = this.charIndices.get(str[i]!);
      if (index === undefined) throw new Error(`CharacterTable expects one of '${this.chars.join('')}' but got '${str[i]}'`);
      out[offset + i * this.chars.length + index] = 1;
    }
    return out;
  }

  /** The string of `rows` ([steps, chars] scores, argmaxed), or of indices when `calcArgmax` is false. */
  decode(rows: ArrayLike<number>, calcArgmax = true): string {
    if (!calcArgmax) return Array.from(rows, (i) => this.chars[i]).join('');
    const n = this.chars.length;
    let out = '';
    for (let step = 0; step < rows.length / n; step++) {
      let best = 0;
      for (let c = 1; c < n; c++) if (rows[step * n + c]! > rows[step * n + best]!) best = c;
      out += this.chars[best];
    }
    return out;
  }
}

export const chars = '0123456789+ ';
export const ctable = new CharacterTable(chars);

/** A seeded uniform generator in [0, 1) (mulberry32), standing in for numpy's global RNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface AdditionData {
  questions: string[];
  expected: string[];
  xTrain: Tensor; yTrain: Tensor; xVal: Tensor; yVal: Tensor;
  /** The validation rows as strings, for the ☑/☒ lines. */
  valQuestions: string[]; valExpected: string[];
}

/** `trainingSize` distinct questions (a+b and b+a count once), shuffled, split 90/10 as Keras does. */
export function generateData(trainingSize = 50000, seed = 1337): AdditionData {
  const random = rng(seed);
  const randint = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo));
  const f = () => {
    let s = '';
    for (let i = 0, n = randint(1, DIGITS + 1); i < n; i++) s += '0123456789'[randint(0, 10)];
    return Number.parseInt(s, 10);
  };
  const maxDistinct = ((10 ** DIGITS) * (10 ** DIGITS + 1)) / 2;
  if (trainingSize > maxDistinct) throw new Error(`generateData expects at most ${maxDistinct} samples but got ${trainingSize}`);
  const questions: string[] = [];
  const expected: string[] = [];
  const seen = new Set<string>();
  while (questions.length < trainingSize) {
    const a = f();
    const b = f();
    // Skip any addition questions we've already seen, also skip any such that x+Y == Y+x (hence the sorting).
    const key = a < b ? `${a},${b}` : `${b},${a}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // Pad the data with spaces such that it is always MAXLEN.
    const q = `${a}+${b}`;
    let query = q + ' '.repeat(MAXLEN - q.length);
    let ans = String(a + b);
    // Answers can be of maximum size DIGITS + 1.
    ans += ' '.repeat(DIGITS + 1 - ans.length);
    if (REVERSE) query = [...query].reverse().join('');
    questions.push(query);
    expected.push(ans);
  }

  // Shuffle (x, y) in unison as the later parts of x will almost all be larger digits.
  const indices = Array.from(questions.keys());
  for (let i = indices.length - 1; i > 0; i--) {
    const j = randint(0, i + 1);
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
  }
  const q = indices.map((i) => questions[i]!);
  const e = indices.map((i) => expected[i]!);

  // Explicitly set apart 10% for validation data that we never train over.
  const splitAt = q.length - Math.floor(q.length / 10);
  const n = chars.length;
  const vectorize = (rows: string[], steps: number) => {
    const out = new Float32Array(rows.length * steps * n);
    rows.forEach((row, i) => ctable.encode(row, steps, out, i * steps * n));
    return tensor(out, [rows.length, steps, n]);
  };
  return {
    questions: q, expected: e,
    xTrain: vectorize(q.slice(0, splitAt), MAXLEN), yTrain: vectorize(e.slice(0, splitAt), DIGITS + 1),
    xVal: vectorize(q.slice(splitAt), MAXLEN), yVal: vectorize(e.slice(splitAt), DIGITS + 1),
    valQuestions: q.slice(splitAt), valExpected: e.slice(splitAt),
  };
}
