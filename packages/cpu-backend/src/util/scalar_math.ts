/**
 * Scalar functions the elementwise kernels apply, written for float32 results: each
 * is computed in double precision and stays accurate where the naive formula is not.
 */

/** Round half to even (banker's rounding), as TensorFlow and NumPy: 0.5 -> 0, 1.5 -> 2, -2.5 -> -2. */
export function roundHalfToEven(v: number): number {
  const r = Math.round(v); // rounds halves up, towards +Infinity
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `-1`, `0` or `1`; NaN stays NaN and a zero keeps its sign. */
export function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : v;
}

// Math.max and Math.min propagate NaN.
/** `max(v, 0)`; NaN stays NaN. */
export const relu = (v: number): number => Math.max(v, 0);
/** `min(max(v, 0), 6)`; NaN stays NaN. */
export const relu6 = (v: number): number => Math.min(Math.max(v, 0), 6);
/** `v > 0 ? v : e^v - 1`, accurate near 0. */
export const elu = (v: number): number => (v > 0 ? v : Math.expm1(v));

/** `1 / (1 + e^-v)` without overflowing `e^-v` for large negative `v`. */
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/**
 * `log(1 + e^v)`, stable for large `|v|`: `max(v, 0) + log1p(e^-|v|)`, and `v` itself
 * above 20 where the correction is below float32 precision.
 */
export function softplus(v: number): number {
  if (v > 20) return v;
  return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
}

/** `2/sqrt(pi) * (-1)^n / (n! (2n+1))`: erf's Maclaurin series in powers of x^2, 14 terms. */
const ERF_SERIES = Float64Array.from({ length: 14 }, (_, n) => {
  let factorial = 1;
  for (let i = 2; i <= n; i++) factorial *= i;
  return ((n % 2 ? -1 : 1) * 2) / Math.sqrt(Math.PI) / (factorial * (2 * n + 1));
});

/**
 * The error function, to about 3e-8 absolute (and relative near 0).
 * Below |x| = 0.5 it sums the Maclaurin series (14 terms reach double precision there);
 * above, it takes `1 - erfc` from the Chebyshev fit of Numerical Recipes (`erfcc`,
 * fractional error of erfc below 1.2e-7, hence under 6e-8 absolute for erf).
 * (Abramowitz-Stegun 7.1.26 is off by up to 1.5e-7 and loses all relative accuracy near 0.)
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  if (z < 0.5) {
    const x2 = x * x;
    let sum = 0;
    for (let n = ERF_SERIES.length - 1; n >= 0; n--) sum = sum * x2 + ERF_SERIES[n];
    return x * sum;
  }
  if (!(z < 10)) return x !== x ? x : Math.sign(x); // erfc(10) ~ 2e-45: erf is +-1 to any precision
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc : erfc - 1;
}
