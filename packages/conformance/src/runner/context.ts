import { getEngine, type KernelName } from '@tessera/tensor';
import type { Tolerance } from '../cases/types.js';
import type { Tol } from './compare.js';

/** Tolerances of a whole suite run; cases may override value `rtol`/`atol`. */
export interface SuiteTolerance {
  /** Relative tolerance of values (default 1e-5). */
  readonly rtol?: number;
  /** Absolute tolerance of values (default 1e-6). */
  readonly atol?: number;
  /** Relative tolerance of gradients against finite differences (default 1e-3). */
  readonly gradRtol?: number;
  /** Absolute tolerance of gradients against finite differences (default 1e-4). */
  readonly gradAtol?: number;
}

/**
 * The tolerances used when a backend does not pass its own: float32 results
 * against float64 references, and float32 gradients against float64 central
 * differences.
 * @example
 * ```ts
 * describeBackend('webgpu', { tolerance: { rtol: 10 * DEFAULT_TOLERANCE.rtol } });
 * ```
 */
export const DEFAULT_TOLERANCE: Required<SuiteTolerance> = { rtol: 1e-5, atol: 1e-6, gradRtol: 1e-3, gradAtol: 1e-4 };

/** What a case runner needs to know about where it runs. */
export interface CaseContext {
  readonly backend: string;
  readonly kernel: KernelName;
  /** The public op of the kernel (error messages must name it). */
  readonly op: string;
  readonly tolerance: Required<SuiteTolerance>;
}

/** The value tolerance of a case: the suite's, with the case's fields taking precedence. */
export function valueTolerance(ctx: CaseContext, override?: Tolerance): Tol {
  return { rtol: override?.rtol ?? ctx.tolerance.rtol, atol: override?.atol ?? ctx.tolerance.atol };
}

/** The gradient tolerance of a case. */
export function gradTolerance(ctx: CaseContext, override?: Tolerance): Tol {
  return { rtol: override?.rtol ?? ctx.tolerance.gradRtol, atol: override?.atol ?? ctx.tolerance.gradAtol };
}

/** Whether the backend offers synchronous reads (asked of the started instance). */
export function canReadSync(backend: string): boolean {
  return typeof getEngine().findBackend(backend)?.readSync === 'function';
}

/** The seed key of a case: the same inputs on every run and every backend. */
export function caseKey(ctx: CaseContext, caseName: string): string {
  return `${ctx.kernel}/${caseName}`;
}
