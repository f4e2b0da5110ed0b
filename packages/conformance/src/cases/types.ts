import type { DType, KernelName, Tensor } from '@tessera/tensor';
import type { RefTensor } from '../reference/index.js';

/**
 * How to make one input of a case: exact values, or seeded random values drawn
 * from `range` (float32: uniform in `[lo, hi)`; int32: integers in `[lo, hi]`;
 * bool: 0 or 1). The same case always gets the same values.
 */
export interface InputSpec {
  readonly shape: readonly number[];
  /** Default `float32`. */
  readonly dtype?: DType;
  /** Exact values in row-major order (booleans for bool, or 0/1). */
  readonly values?: ReadonlyArray<number | boolean>;
  /** Range of random values; default `[-3, 3]` (int32: `[-5, 5]`). */
  readonly range?: readonly [number, number];
  /** Random values for which this is true are drawn again: keeps inputs off kinks, ties and poles. */
  readonly avoid?: (v: number) => boolean;
}

/** Relative and absolute tolerance of a comparison: `|actual - expected| <= atol + rtol * |expected|`. */
export interface Tolerance {
  readonly rtol?: number;
  readonly atol?: number;
}

/**
 * One value test: inputs, the op under test (through the public API), and an
 * independent float64 reference of what it must return (values, shape and dtype).
 */
export interface ValueCase {
  readonly name: string;
  readonly inputs: readonly InputSpec[];
  readonly op: (...xs: Tensor[]) => Tensor;
  readonly ref: (...xs: RefTensor[]) => RefTensor;
  /** Other kernels the op runs besides the one under test (e.g. `sum` of bool casts first); skipped where undeclared. */
  readonly needs?: readonly KernelName[];
  /** Overrides the suite's value tolerance for this case (e.g. `atol: 0` to check tiny results relatively). */
  readonly tolerance?: Tolerance;
}

/**
 * One gradient test: the analytic gradient of `sum(op(...xs) * w)` (fixed random
 * `w`) from `grads()` must match central finite differences of the same objective
 * computed in float64 on `ref`. Inputs must keep away from kinks.
 */
export interface GradCase extends ValueCase {
  /** Which inputs to differentiate; default every float32 input. */
  readonly wrt?: readonly number[];
}

/** A class of error Tessera throws (ShapeError, DTypeError, ...). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** One misuse of an op: it must throw `error`, with a message naming the op, and leak nothing. */
export interface ErrorCase {
  readonly name: string;
  readonly inputs: readonly InputSpec[];
  readonly run: (...xs: Tensor[]) => unknown;
  readonly error: ErrorClass;
  /** The op name the message must contain, when it differs from the kernel's op. */
  readonly op?: string;
}

/** Everything the suite runs for one kernel. */
export interface KernelCases {
  /** The public op that runs the kernel; error messages must name it. */
  readonly op: string;
  readonly values: readonly ValueCase[];
  /** Required (non-empty) when the kernel is differentiable; the runtime check enforces it. */
  readonly grads: readonly GradCase[];
  readonly errors: readonly ErrorCase[];
  /**
   * For a kernel whose op falls back to other kernels (`KernelSpec.fallback`): those
   * kernels. The suite also runs the cases with the kernel taken away, where they are declared.
   */
  readonly composite?: readonly KernelName[];
}
