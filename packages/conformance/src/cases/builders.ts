import { DTypeError, ShapeError, type Tensor } from '@tessera/tensor';
import { elementwise, mapValues, type RefTensor } from '../reference/index.js';
import { bools, ints, rand, vals } from './inputs.js';
import type { ErrorCase, GradCase, InputSpec, KernelCases, Tolerance, ValueCase } from './types.js';

type Range = readonly [number, number];

/** What makes one elementwise one-input kernel: its op, its float64 meaning, and its domain. */
export interface UnarySpec {
  /** Name of the public op (error messages must contain it). */
  readonly op: string;
  readonly run: (x: Tensor) => Tensor;
  readonly fn: (v: number) => number;
  /** Range of random inputs for value tests; default `[-3, 3]`. */
  readonly domain?: Range;
  /** Exact inputs with known hard outputs (overflow, underflow, ties, poles). */
  readonly special?: readonly number[];
  readonly specialTolerance?: Tolerance;
  /** Whether the op takes int32 (and returns int32). */
  readonly int32?: boolean;
  /** Exact int32 inputs with known results (values float32 cannot hold, from 2^24 up). */
  readonly int32Special?: readonly number[];
  /** Range of random inputs for gradient tests; default `domain`. */
  readonly gradDomain?: Range;
  /** Points to keep gradient inputs away from. */
  readonly kinks?: (v: number) => boolean;
  readonly errors?: readonly ErrorCase[];
}

/**
 * The cases of an elementwise one-input kernel: shapes (matrix, scalar, size-1
 * and size-0 dims), special values, int32 where taken, gradients off the kinks,
 * and the wrong-dtype error.
 * @example
 * ```ts
 * unaryKernel({ op: 'exp', run: exp, fn: Math.exp, special: [-100, 0, 88] });
 * ```
 */
export function unaryKernel(s: UnarySpec): KernelCases {
  const op = (x: Tensor) => s.run(x);
  const ref = (x: RefTensor) => mapValues(x, s.fn);
  const shaped = (name: string, shape: number[]): ValueCase => ({ name, inputs: [rand(shape, s.domain)], op, ref });
  const values: ValueCase[] = [
    shaped('float32 [2, 3]', [2, 3]),
    shaped('scalar', []),
    shaped('size-1 dims [3, 1, 4]', [3, 1, 4]),
    shaped('size-0 [0, 3]', [0, 3]),
  ];
  if (s.special) values.push({ name: `special values [${s.special.join(', ')}]`, inputs: [vals(s.special)], op, ref, tolerance: s.specialTolerance });
  if (s.int32) values.push({ name: 'int32 stays int32', inputs: [ints([2, 3])], op, ref });
  if (s.int32Special) values.push({ name: `special int32 values [${s.int32Special.join(', ')}]`, inputs: [vals(s.int32Special, undefined, 'int32')], op, ref });
  const gradInput = (shape: number[]) => rand(shape, s.gradDomain ?? s.domain, s.kinks);
  const grads: GradCase[] = [
    { name: '[2, 3]', inputs: [gradInput([2, 3])], op, ref },
    { name: 'scalar', inputs: [gradInput([])], op, ref },
  ];
  const wrongDType: ErrorCase = s.int32
    ? { name: 'bool input throws DTypeError', inputs: [bools([3])], run: op, error: DTypeError }
    : { name: 'int32 input throws DTypeError', inputs: [ints([3])], run: op, error: DTypeError };
  return { op: s.op, values, grads, errors: [wrongDType, ...(s.errors ?? [])] };
}

/** Explicit operands with known hard results (negative operands, poles, ...). */
export interface SpecialPair {
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly dtype?: 'float32' | 'int32';
}

/** What makes one broadcasting two-input kernel. */
export interface BinarySpec {
  readonly op: string;
  readonly run: (a: Tensor, b: Tensor) => Tensor;
  readonly fn: (a: number, b: number) => number;
  /** Ranges of random float32 operands; default `[-3, 3]`. */
  readonly a?: Range;
  readonly b?: Range;
  /** Values `b` must avoid (zero for divisions). */
  readonly bAvoid?: (v: number) => boolean;
  /** int32 operand ranges, or false when the op takes float32 only. */
  readonly int32?: false | { readonly a?: Range; readonly b?: Range };
  readonly special?: readonly SpecialPair[];
  /** Gradient operands, when random ones from `a`/`b` would hit kinks; false for non-differentiable kernels. */
  readonly grad?: false | { readonly a?: Range; readonly b?: Range; readonly explicit?: readonly [InputSpec, InputSpec] };
}

/**
 * The cases of a broadcasting two-input kernel: same shapes, broadcasting both
 * ways, scalars, size-1 and size-0 dims, int32 (which stays int32) where taken,
 * special operands, gradients of both operands (broadcast ones summed back), and
 * the dtype-mismatch and shape errors.
 * @example
 * ```ts
 * binaryKernel({ op: 'add', run: add, fn: (a, b) => a + b });
 * ```
 */
export function binaryKernel(s: BinarySpec): KernelCases {
  const op = (a: Tensor, b: Tensor) => s.run(a, b);
  const ref = (a: RefTensor, b: RefTensor) => elementwise([a, b], a.dtype, s.fn);
  const pair = (name: string, sa: number[], sb: number[]): ValueCase => ({
    name,
    inputs: [rand(sa, s.a), rand(sb, s.b, s.bAvoid)],
    op,
    ref,
  });
  const values: ValueCase[] = [
    pair('same shape [2, 3]', [2, 3], [2, 3]),
    pair('broadcast [2, 1, 3] with [4, 1]', [2, 1, 3], [4, 1]),
    pair('scalar with [2, 3]', [], [2, 3]),
    pair('[3, 2] with scalar', [3, 2], []),
    pair('size-1 dims [1, 3] with [2, 1]', [1, 3], [2, 1]),
    pair('size-0 [0, 3] with [1, 3]', [0, 3], [1, 3]),
  ];
  if (s.int32 !== false) {
    const r = s.int32 ?? {};
    values.push({ name: 'int32 stays int32', inputs: [ints([2, 3], r.a), ints([2, 3], r.b, s.bAvoid)], op, ref });
    values.push({ name: 'int32 broadcast [3, 1] with [4]', inputs: [ints([3, 1], r.a), ints([4], r.b, s.bAvoid)], op, ref });
  }
  for (const sp of s.special ?? []) {
    const dtype = sp.dtype ?? 'float32';
    const name = `special ${dtype} [${sp.a.join(', ')}] with [${sp.b.join(', ')}]`;
    values.push({ name, inputs: [vals(sp.a, undefined, dtype), vals(sp.b, undefined, dtype)], op, ref });
  }
  const grads: GradCase[] = [];
  if (s.grad !== false) {
    const ga = s.grad?.a ?? s.a;
    const gb = s.grad?.b ?? s.b;
    const gradPair = (name: string, sa: number[], sb: number[]): GradCase => ({ name, inputs: [rand(sa, ga), rand(sb, gb, s.bAvoid)], op, ref });
    grads.push(gradPair('same shape [2, 3]', [2, 3], [2, 3]));
    grads.push(gradPair('broadcast [2, 1, 3] with [4, 1]', [2, 1, 3], [4, 1]));
    grads.push(gradPair('[2, 3] with scalar', [2, 3], []));
    if (s.grad?.explicit) grads.push({ name: 'chosen operands', inputs: s.grad.explicit, op, ref });
  }
  const errors: ErrorCase[] = [
    { name: 'float32 with int32 throws DTypeError', inputs: [rand([2]), ints([2])], run: op, error: DTypeError },
    { name: 'shapes [2, 3] and [4] throw ShapeError', inputs: [rand([2, 3]), rand([4])], run: op, error: ShapeError },
  ];
  if (s.int32 === false) errors.push({ name: 'int32 operands throw DTypeError', inputs: [ints([2]), ints([2])], run: op, error: DTypeError });
  return { op: s.op, values, grads, errors };
}
