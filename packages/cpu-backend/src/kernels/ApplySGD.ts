import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { updateArrays } from '../util/update_state.js';
import { getVectorImplementation, runVector } from '../util/vector_wasm.js';

const f = Math.fround;

/**
 * ApplySGD: Keras's SGD step in one pass. Every intermediate is rounded to float32 in
 * the order of the op-by-op update (`step = g*lr`, `m' = m*mu - step`, `w + m'` or, with
 * nesterov, `w + (m'*mu - step)`), so both paths give the same bits. Runs on WebAssembly
 * SIMD (`sgd` in src/wasm/vector.wat) unless `setVectorImplementation('js')`.
 */
export const applySGDConfig: KernelConfig<'ApplySGD', CpuBackend> = {
  kernelName: 'ApplySGD',
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const hasMomentum = attrs.momentum !== 0;
    const state = updateArrays('ApplySGD', inputs, hasMomentum ? 3 : 2, backend, attrs.inPlace === true);
    const [w, g, m] = state.inputs;
    const [w2, m2] = state.outputs;
    const lr = f(attrs.learningRate);
    const mu = f(attrs.momentum);
    if (getVectorImplementation() === 'wasm') {
      const flags = +hasMomentum | (+attrs.nesterov << 1);
      runVector(state.inputs, state.outputs, (ex, n, I, O) => ex.sgd(I[0], I[1], I[2], O[0], O[1], n, lr, mu, flags));
      return state.finish();
    }
    const n = w.length;
    if (!hasMomentum) {
      for (let i = 0; i < n; i++) w2[i] = w[i] - f(g[i] * lr);
    } else if (attrs.nesterov) {
      for (let i = 0; i < n; i++) {
        const step = f(g[i] * lr);
        const mi = f(f(m[i] * mu) - step);
        m2[i] = mi;
        w2[i] = w[i] + f(f(mi * mu) - step);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const mi = f(f(m[i] * mu) - f(g[i] * lr));
        m2[i] = mi;
        w2[i] = w[i] + mi;
      }
    }
    return state.finish();
  },
};
