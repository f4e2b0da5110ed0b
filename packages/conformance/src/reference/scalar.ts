/**
 * Scalar float64 functions: the meaning of each elementwise kernel, written with
 * `Math` only (and a series for erf, which `Math` lacks).
 */

/** Keras's SELU constants (written out here, not imported from the code under test). */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;

/** Rounds half to even (banker's rounding), as TensorFlow and NumPy. */
export function roundHalfEven(x: number): number {
  if (Math.abs(x % 1) === 0.5) return 2 * Math.round(x / 2);
  return Math.round(x);
}

/** log(1 + e^x) without overflow for large x or underflow to 0 for very negative x. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** The error function to about 1e-14: Maclaurin series near 0, continued fraction for erfc beyond. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = ax;
  for (let n = 80; n >= 1; n--) f = ax + n / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** Floor division remainder with the sign of the divisor (Python's `%`), exact in float64. */
export function floorMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** The float64 meaning of each one-input elementwise kernel. */
export const UNARY_FNS = {
  Neg: (x: number) => -x,
  Abs: Math.abs,
  Exp: Math.exp,
  Log: Math.log,
  Log1p: Math.log1p,
  Sqrt: Math.sqrt,
  Rsqrt: (x: number) => 1 / Math.sqrt(x),
  Square: (x: number) => x * x,
  Sign: Math.sign,
  Floor: Math.floor,
  Ceil: Math.ceil,
  Round: roundHalfEven,
  Relu: (x: number) => Math.max(x, 0),
  Relu6: (x: number) => Math.min(Math.max(x, 0), 6),
  Elu: (x: number) => (x > 0 ? x : Math.expm1(x)),
  Selu: (x: number) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
  Sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
  Tanh: Math.tanh,
  Softplus: softplus,
  Softsign: (x: number) => x / (1 + Math.abs(x)),
  Erf: erf,
} as const;

/** The float64 meaning of each two-input arithmetic kernel. */
export const BINARY_FNS = {
  Add: (a: number, b: number) => a + b,
  Sub: (a: number, b: number) => a - b,
  Mul: (a: number, b: number) => a * b,
  Div: (a: number, b: number) => a / b,
  Pow: Math.pow,
  Maximum: Math.max,
  Minimum: Math.min,
  SquaredDifference: (a: number, b: number) => (a - b) * (a - b),
  FloorDiv: (a: number, b: number) => Math.floor(a / b),
  Mod: floorMod,
} as const;

const bit = (c: boolean) => (c ? 1 : 0);

/** The meaning of each comparison and logical kernel, as 0/1. */
export const COMPARISON_FNS = {
  Equal: (a: number, b: number) => bit(a === b),
  NotEqual: (a: number, b: number) => bit(a !== b),
  Less: (a: number, b: number) => bit(a < b),
  LessEqual: (a: number, b: number) => bit(a <= b),
  Greater: (a: number, b: number) => bit(a > b),
  GreaterEqual: (a: number, b: number) => bit(a >= b),
  LogicalAnd: (a: number, b: number) => bit(a !== 0 && b !== 0),
  LogicalOr: (a: number, b: number) => bit(a !== 0 || b !== 0),
} as const;
