import type { KernelName, TypedArray } from '@tessera/tensor';
import type { Fault } from './wrapped_cpu.js';

const each = (out: TypedArray, f: (i: number) => number) => out.forEach((_, i) => (out[i] = f(i)));

/** A bug, and a regexp matching the name of a value case that must catch it. */
interface Planted {
  readonly bug: string;
  readonly caughtBy: RegExp;
  readonly fault: Fault;
}

/** The bugs, one per kernel, each of a kind the suite must catch. */
export const FAULTS: Partial<Record<KernelName, Planted>> = {
  Exp: { bug: 'is off by a relative 1e-4', caughtBy: /float32 \[2, 3\]/, fault: (out) => each(out, (i) => out[i] * (1 + 1e-4)) },
  Softplus: { bug: 'computes log(1 + e^x) naively (0 at -50)', caughtBy: /special/, fault: (out, _o, [x]) => each(out, (i) => Math.log(1 + Math.exp(x[i]))) },
  Round: { bug: 'rounds half up', caughtBy: /special/, fault: (out, _o, [x]) => each(out, (i) => Math.round(x[i])) },
  Sigmoid: { bug: 'computes e^x / (1 + e^x) (NaN at 100)', caughtBy: /special/, fault: (out, _o, [x]) => each(out, (i) => Math.exp(x[i]) / (1 + Math.exp(x[i]))) },
  Mod: { bug: "takes C's remainder (sign of a)", caughtBy: /special int32/, fault: (out, _o, [a, b]) => each(out, (i) => a[i % a.length] % b[i % b.length]) },
  Relu: { bug: 'writes its result into its input', caughtBy: /float32 \[2, 3\]/, fault: (out, _o, [x]) => x.set(out) },
  Transpose: { bug: 'ignores the permutation', caughtBy: /perm/, fault: (out, _o, [x]) => out.set(x) },
  Neg: {
    bug: 'returns float32 for int32 input',
    caughtBy: /int32 stays int32/,
    fault: (out, o, _x, backend) => {
      if (o.dtype !== 'int32') return;
      backend.disposeData(o.dataId);
      return { dataId: backend.write(Float32Array.from(out), o.shape, 'float32'), shape: o.shape, dtype: 'float32' };
    },
  },
  Sum: { bug: 'leaks a scratch buffer', caughtBy: /over axis 1/, fault: (_out, _o, _x, backend) => void backend.write(new Float32Array(8), [8], 'float32') },
  ArgMax: { bug: 'returns its indices as float32', caughtBy: /ties/, fault: (out, o, _x, backend) => ({ ...o, dataId: backend.write(Float32Array.from(out), o.shape, 'float32') }) },
};
