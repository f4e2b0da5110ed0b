/**
 * WGSL scalar functions for the elementwise kernels. WGSL's builtins leave NaN,
 * infinities and zero arguments of `log`/`sqrt`/`pow` undefined and promise only a few
 * ULP away from them, so the functions below handle those cases explicitly and use
 * series where the naive formula cancels (log1p, expm1 near 0), matching the CPU
 * backend within float32 rounding.
 */
import { FLOAT_BITS } from './common.js';

export { FLOAT_BITS };

/** exp with explicit overflow and underflow (WGSL's exp is undefined where the result is not finite). */
export const EXP = /* wgsl */ `
fn expF(x: f32) -> f32 {
  if (x > 88.72284) { return infF(); }
  if (x < -104.0) { return 0.0; }
  return exp(x);
}`;

/** log with log(0) = -inf, log(x < 0) = NaN, log(inf) = inf. */
export const LOG = /* wgsl */ `
fn logF(x: f32) -> f32 {
  if (isNan(x) || x < 0.0) { return nanF(); }
  if (x == 0.0) { return -infF(); }
  if (!isFiniteF(x)) { return x; }
  return log(x);
}`;

/** e^x - 1, accurate near 0 (Taylor series to x^9 for |x| < 0.5). */
export const EXPM1 = /* wgsl */ `
fn expm1F(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    return x * (1.0 + x * (0.5 + x * (0.16666666666666666 + x * (0.041666666666666664 + x * (0.008333333333333333
      + x * (0.001388888888888889 + x * (0.0001984126984126984 + x * (0.0000248015873015873 + x * 0.0000027557319223985893))))))));
  }
  return expF(x) - 1.0;
}`;

/** log(1 + x), accurate near 0: 2 atanh(x / (2 + x)) as a series for |x| < 0.5. */
export const LOG1P = /* wgsl */ `
fn log1pF(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    let s = x / (2.0 + x);
    let s2 = s * s;
    return 2.0 * s * (1.0 + s2 * (0.3333333333333333 + s2 * (0.2 + s2 * (0.14285714285714285 + s2 * (0.1111111111111111
      + s2 * (0.09090909090909091 + s2 * (0.07692307692307693 + s2 * (0.06666666666666667 + s2 * 0.058823529411764705))))))));
  }
  return logF(1.0 + x);
}`;

/** sqrt with sqrt(x < 0) = NaN. */
export const SQRT = /* wgsl */ `
fn sqrtF(x: f32) -> f32 {
  if (isNan(x) || x < 0.0) { return nanF(); }
  return sqrt(x);
}`;

/** x / y with IEEE results for a zero divisor (±inf, or NaN for 0 / 0). */
export const DIV = /* wgsl */ `
fn divF(a: f32, b: f32) -> f32 {
  if (b == 0.0) {
    if (a == 0.0 || isNan(a)) { return nanF(); }
    return bitcast<f32>(0x7f800000u | ((bitcast<u32>(a) ^ bitcast<u32>(b)) & 0x80000000u));
  }
  return a / b;
}`;

/** floor(a / b), corrected where a rounded quotient lands on the wrong side of an integer. */
export const FLOOR_DIV = /* wgsl */ `
fn floorDivF(a: f32, b: f32) -> f32 {
  let q = floor(divF(a, b));
  if (!isFiniteF(q) || !isFiniteF(b)) { return q; }
  let r = fma(-q, b, a);
  if (b > 0.0) {
    if (r < 0.0) { return q - 1.0; }
    if (r >= b) { return q + 1.0; }
  } else {
    if (r > 0.0) { return q - 1.0; }
    if (r <= b) { return q + 1.0; }
  }
  return q;
}`;

/** Python's a % b (sign of b): a - floor(a / b) * b. */
export const MOD = /* wgsl */ `
fn modF(a: f32, b: f32) -> f32 {
  if (b == 0.0 || !isFiniteF(a) || isNan(b)) { return nanF(); }
  if (!isFiniteF(b)) { return select(a, b, a != 0.0 && ((a < 0.0) != (b < 0.0))); }
  return fma(-floorDivF(a, b), b, a);
}`;

/**
 * a ^ b as C's pow (and the CPU backend): 1 ^ anything and anything ^ 0 are 1, a
 * negative base needs an integer exponent (odd ones keep the sign), and small
 * integer exponents multiply exactly.
 */
export const POW = /* wgsl */ `
fn powF(a: f32, b: f32) -> f32 {
  if (b == 0.0 || a == 1.0) { return 1.0; }
  if (isNan(a) || isNan(b)) { return nanF(); }
  let ab = abs(a);
  let negative = (bitcast<u32>(a) & 0x80000000u) != 0u;
  if (!isFiniteF(b)) {
    if (ab == 1.0) { return 1.0; }
    return select(0.0, infF(), (ab > 1.0) == (b > 0.0));
  }
  let integer = floor(b) == b;
  let odd = integer && abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1;
  if (negative && !integer && ab != 0.0 && isFiniteF(a)) { return nanF(); }
  var m: f32;
  if (ab == 0.0) {
    m = select(0.0, infF(), b < 0.0);
  } else if (!isFiniteF(ab)) {
    m = select(infF(), 0.0, b < 0.0);
  } else if (integer && abs(b) <= 64.0) {
    var e = u32(abs(b));
    var base = ab;
    m = 1.0;
    loop {
      if ((e & 1u) == 1u) { m = m * base; }
      e = e >> 1u;
      if (e == 0u) { break; }
      base = base * base;
    }
    if (b < 0.0) { m = 1.0 / m; }
  } else {
    let l = b * log2(ab);
    if (l > 128.0) { m = infF(); } else if (l < -150.0) { m = 0.0; } else { m = exp2(l); }
  }
  return select(m, -m, negative && odd);
}`;

/** Integer a ^ b in wrapping arithmetic; a negative exponent gives the truncated 1 / a^-b. */
export const POW_INT = /* wgsl */ `
fn powI(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) == 1); }
    return 0;
  }
  var e = b;
  var base = a;
  var r = 1;
  loop {
    if (e == 0) { break; }
    if ((e & 1) == 1) { r = r * base; }
    e = e >> 1u;
    base = base * base;
  }
  return r;
}`;

/** Float to int32 as JavaScript's ToInt32: truncate, wrap modulo 2^32 beyond the range, NaN and inf to 0. */
export const TO_INT = /* wgsl */ `
fn toI32(x: f32) -> i32 {
  let bits = bitcast<u32>(x);
  if ((bits & 0x7f800000u) == 0x7f800000u) { return 0; }
  if (abs(x) < 2147483648.0) { return i32(x); }
  let shift = i32((bits >> 23u) & 0xffu) - 150;
  if (shift >= 32) { return 0; }
  let v = i32(((bits & 0x7fffffu) | 0x800000u) << u32(shift));
  return select(v, 0 - v, (bits & 0x80000000u) != 0u);
}`;

/** The error function as the CPU backend: Maclaurin series below 0.5, Numerical Recipes' erfc fit above. */
export const ERF = /* wgsl */ `
fn erfF(x: f32) -> f32 {
  let z = abs(x);
  if (z < 0.5) {
    let x2 = x * x;
    return x * (1.1283791670955126 + x2 * (-0.37612638903183754 + x2 * (0.11283791670955126 + x2 * (-0.026866170645131252
      + x2 * (0.005223977625442188 + x2 * (-0.0008548327023450853 + x2 * (0.00012055332981789664 + x2 * (-0.000014925650358406251
      + x2 * (0.0000016462114365889246 + x2 * (-1.6365844691234924e-7 + x2 * 1.4807192815879218e-8))))))))));
  }
  if (!(z < 10.0)) { return select(sign(x), x, isNan(x)); }
  let t = 1.0 / (1.0 + 0.5 * z);
  let erfc = t * expF(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(erfc - 1.0, 1.0 - erfc, x >= 0.0);
}`;
