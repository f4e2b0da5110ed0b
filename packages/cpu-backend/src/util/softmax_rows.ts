import { ShapeError, util, type TensorInfo, type TypedArray } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';

/** What the softmax-crossentropy kernels need of one row of logits: its log-sum-exp parts. */
export interface RowStats {
  /** The row's maximum (subtracted before `exp`, so nothing overflows). */
  max: number;
  /** `sum(exp(x - max))`, in double. */
  sumExp: number;
  /** `sum(labels)`. */
  sumLabels: number;
  /** `sum(labels * (max - x))`. */
  weighted: number;
}

/** The stats of row `[o, o + c)` of logits `x` and labels `l`, written into `s` (reused, no allocation). */
export function rowStats(x: TypedArray, l: TypedArray, o: number, c: number, s: RowStats): RowStats {
  let max = -Infinity;
  for (let j = o; j < o + c; j++) max = Math.max(max, x[j]);
  let sumExp = 0;
  let sumLabels = 0;
  let weighted = 0;
  for (let j = o; j < o + c; j++) {
    sumExp += Math.exp(x[j] - max);
    sumLabels += l[j];
    weighted += l[j] * (max - x[j]);
  }
  s.max = max;
  s.sumExp = sumExp;
  s.sumLabels = sumLabels;
  s.weighted = weighted;
  return s;
}

/**
 * Checks the logits and labels of a softmax-crossentropy kernel: float32 `[N, C]`, the
 * same shape, `C >= 1`; returns `[N, C]`. Errors name the kernel.
 */
export function logitsShape(kernelName: string, backend: CpuBackend, logits: TensorInfo, labels: TensorInfo): [number, number] {
  backend.assertDType(kernelName, logits, ['float32'], 'logits');
  backend.assertDType(kernelName, labels, ['float32'], 'labels');
  if (logits.shape.length !== 2 || logits.shape[1] < 1 || !util.shapesEqual(logits.shape, labels.shape)) {
    throw new ShapeError(
      `${kernelName} (cpu): expected logits and labels of one shape [rows, classes >= 1] but got ` +
        `${util.formatShape(logits.shape)} and ${util.formatShape(labels.shape)}`,
    );
  }
  return [logits.shape[0], logits.shape[1]];
}
