/** Base class of every error Tessera throws on purpose. */
export class TesseraError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An argument has the wrong shape or rank. */
export class ShapeError extends TesseraError {}

/** An argument has the wrong dtype. */
export class DTypeError extends TesseraError {}

/** An axis, permutation or index is out of range. */
export class AxisError extends TesseraError {}

/** An argument has a value outside what the op accepts (a negative rate, a NaN loss, ...). */
export class ValueError extends TesseraError {}

/**
 * Something was used after `dispose()`: a model, layer or optimizer (which refuse every
 * use once disposed, instead of quietly rebuilding with fresh weights), or a tensor.
 */
export class DisposedError extends TesseraError {}

/** A tensor was used after `dispose()`, or after the `tidy` that owned it ended. */
export class DisposedTensorError extends DisposedError {}

/**
 * Data or a value that must be finite holds NaN or Infinity: training inputs or targets,
 * or a loss that diverged. The message names the array (or epoch and batch) and the first
 * bad index.
 */
export class NonFiniteError extends ValueError {}

/** The active backend has no kernel of that name registered. */
export class KernelNotFoundError extends TesseraError {}

/** No backend is registered, a backend failed to initialize, or it cannot do what was asked. */
export class BackendError extends TesseraError {}

/** Autodiff was asked for something it cannot differentiate. */
export class GradientError extends TesseraError {}
