import { ShapeError, util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { logitsShape, rowStats, type RowStats } from '../util/softmax_rows.js';

/**
 * SoftmaxCrossEntropyWithLogitsGrad: `dy [N]`, logits and labels `[N, C]` ->
 * `dy * (softmax(logits) * sum(labels) - labels)`, row by row, straight into the output
 * (the softmax is never stored).
 */
export const softmaxCrossEntropyWithLogitsGradConfig: KernelConfig<'SoftmaxCrossEntropyWithLogitsGrad', CpuBackend> = {
  kernelName: 'SoftmaxCrossEntropyWithLogitsGrad',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [dy, logits, labels], backend }) => {
    const name = 'SoftmaxCrossEntropyWithLogitsGrad';
    const [n, c] = logitsShape(name, backend, logits, labels);
    backend.assertDType(name, dy, ['float32'], 'dy');
    if (!util.shapesEqual(dy.shape, [n])) {
      throw new ShapeError(`${name} (cpu): expected dy of shape [${n}] (one per row of logits) but got ${util.formatShape(dy.shape)}`);
    }
    const g = backend.values(dy);
    const x = backend.values(logits);
    const l = backend.values(labels);
    const out = new Float32Array(n * c);
    const s: RowStats = { max: 0, sumExp: 0, sumLabels: 0, weighted: 0 };
    for (let i = 0, o = 0; i < n; i++, o += c) {
      rowStats(x, l, o, c, s);
      const scale = s.sumLabels / s.sumExp;
      for (let j = o; j < o + c; j++) out[j] = g[i] * (Math.exp(x[j] - s.max) * scale - l[j]);
    }
    return backend.output(out, [n, c], 'float32');
  },
};
