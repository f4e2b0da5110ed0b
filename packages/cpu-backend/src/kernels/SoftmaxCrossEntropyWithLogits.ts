import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { logitsShape, rowStats, type RowStats } from '../util/softmax_rows.js';

/**
 * SoftmaxCrossEntropyWithLogits: per row of logits `[N, C]` and labels `[N, C]`,
 * `-sum(labels * logSoftmax(logits))` = `sum(labels * (max - x)) + sum(labels) * log(sum(exp(x - max)))`,
 * in double precision, one pass for the maximum and one for the sums.
 */
export const softmaxCrossEntropyWithLogitsConfig: KernelConfig<'SoftmaxCrossEntropyWithLogits', CpuBackend> = {
  kernelName: 'SoftmaxCrossEntropyWithLogits',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [logits, labels], backend }) => {
    const [n, c] = logitsShape('SoftmaxCrossEntropyWithLogits', backend, logits, labels);
    const x = backend.values(logits);
    const l = backend.values(labels);
    const out = new Float32Array(n);
    const s: RowStats = { max: 0, sumExp: 0, sumLabels: 0, weighted: 0 };
    for (let i = 0; i < n; i++) {
      rowStats(x, l, i * c, c, s);
      out[i] = s.weighted + s.sumLabels * Math.log(s.sumExp);
    }
    return backend.output(out, [n], 'float32');
  },
};
