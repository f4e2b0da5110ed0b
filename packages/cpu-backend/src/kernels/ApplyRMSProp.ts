import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { updateArrays } from '../util/update_state.js';
import { getVectorImplementation, runVector } from '../util/vector_wasm.js';

const f = Math.fround;

/**
 * ApplyRMSProp: Keras's RMSprop step in one pass. Every intermediate is rounded to
 * float32 in the order of the op-by-op update (`v*rho + g*g*(1 - rho)`, centered
 * `avg*rho + g*(1 - rho)` and `v - avg*avg + eps`, `g*lr / sqrt(...)`, momentum
 * `mom*mu + inc`), so both paths give the same bits. Runs on WebAssembly SIMD (`rmsprop`
 * in src/wasm/vector.wat) unless `setVectorImplementation('js')`.
 */
export const applyRMSPropConfig: KernelConfig<'ApplyRMSProp', CpuBackend> = {
  kernelName: 'ApplyRMSProp',
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const hasMomentum = attrs.momentum !== 0;
    const { centered } = attrs;
    const state = updateArrays('ApplyRMSProp', inputs, 3 + +hasMomentum + +centered, backend, attrs.inPlace === true);
    const [w, g, vel] = state.inputs;
    const [w2, vel2] = state.outputs;
    // The optional slots follow the velocity in input order: momentum, then the average gradient.
    const mom = hasMomentum ? state.inputs[3] : undefined;
    const mom2 = hasMomentum ? state.outputs[2] : undefined;
    const avg = centered ? state.inputs[3 + +hasMomentum] : undefined;
    const avg2 = centered ? state.outputs[2 + +hasMomentum] : undefined;
    const lr = f(attrs.learningRate);
    const rho = f(attrs.rho);
    const c = f(1 - attrs.rho);
    const mu = f(attrs.momentum);
    const eps = f(attrs.epsilon);
    if (getVectorImplementation() === 'wasm') {
      // The optional slots sit in the inputs (and outputs) in order; the vector function takes fixed places.
      const flags = +hasMomentum | (+centered << 1);
      runVector(state.inputs, state.outputs, (ex, n, I, O) =>
        ex.rmsprop(I[0], I[1], I[2], I[3], I[3 + +hasMomentum], O[0], O[1], O[2], O[2 + +hasMomentum], n, lr, rho, c, mu, eps, flags),
      );
      return state.finish();
    }
    const n = w.length;
    if (!mom && !avg) {
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const vi = f(f(vel[i] * rho) + f(f(gi * gi) * c));
        vel2[i] = vi;
        w2[i] = w[i] - f(f(gi * lr) / f(Math.sqrt(f(vi + eps))));
      }
      return state.finish();
    }
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      const vi = f(f(vel[i] * rho) + f(f(gi * gi) * c));
      vel2[i] = vi;
      let denominator: number;
      if (avg) {
        const ai = f(f(avg[i] * rho) + f(gi * c));
        avg2![i] = ai;
        denominator = f(f(vi - f(ai * ai)) + eps);
      } else {
        denominator = f(vi + eps);
      }
      const increment = f(f(gi * lr) / f(Math.sqrt(denominator)));
      if (mom) {
        const mi = f(f(mom[i] * mu) + increment);
        mom2![i] = mi;
        w2[i] = w[i] - mi;
      } else {
        w2[i] = w[i] - increment;
      }
    }
    return state.finish();
  },
};
