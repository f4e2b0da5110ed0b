import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { updateArrays } from '../util/update_state.js';
import { getVectorImplementation, runVector } from '../util/vector_wasm.js';

const f = Math.fround;

/**
 * ApplyAdam: Keras's Adam step in one pass. Every intermediate is rounded to float32 in
 * the order of the op-by-op update (`m + (g - m)*(1 - b1)`, `v + (g*g - v)*(1 - b2)`,
 * `max(vHat, v)`, `w - (m*alpha) / (sqrt(v) + eps)`), so both paths give the same bits.
 * Runs on WebAssembly SIMD (`adam` in src/wasm/vector.wat) unless `setVectorImplementation('js')`.
 */
export const applyAdamConfig: KernelConfig<'ApplyAdam', CpuBackend> = {
  kernelName: 'ApplyAdam',
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const state = updateArrays('ApplyAdam', inputs, attrs.amsgrad ? 5 : 4, backend, attrs.inPlace === true);
    const [w, g, m, v, vHat] = state.inputs;
    const [w2, m2, v2, vHat2] = state.outputs;
    const alpha = f(attrs.alpha);
    const c1 = f(1 - attrs.beta1);
    const c2 = f(1 - attrs.beta2);
    const eps = f(attrs.epsilon);
    if (getVectorImplementation() === 'wasm') {
      const ams = +attrs.amsgrad;
      runVector(state.inputs, state.outputs, (ex, n, I, O) => ex.adam(I[0], I[1], I[2], I[3], I[4], O[0], O[1], O[2], O[3], n, alpha, c1, c2, eps, ams));
      return state.finish();
    }
    const n = w.length;
    if (!attrs.amsgrad) {
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const mi = f(m[i] + f(f(gi - m[i]) * c1));
        const vi = f(v[i] + f(f(f(gi * gi) - v[i]) * c2));
        m2[i] = mi;
        v2[i] = vi;
        w2[i] = w[i] - f(f(mi * alpha) / f(f(Math.sqrt(vi)) + eps));
      }
    } else {
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const mi = f(m[i] + f(f(gi - m[i]) * c1));
        const vi = f(v[i] + f(f(f(gi * gi) - v[i]) * c2));
        const hi = Math.max(vHat[i], vi);
        m2[i] = mi;
        v2[i] = vi;
        vHat2[i] = hi;
        w2[i] = w[i] - f(f(mi * alpha) / f(f(Math.sqrt(hi)) + eps));
      }
    }
    return state.finish();
  },
};
