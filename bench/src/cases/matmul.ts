/** Matrix products: square sizes, and at 1024 the two transposed products backprop runs (AᵀB for weights, ABᵀ for inputs). */
import { dispose, matMul, tensor, tidy } from '@tessera/tensor';
import { randomArray } from '../data.js';
import type { BenchCase, ImplName, Runner } from '../harness.js';
import { isPython } from '../python.js';
import { isTessera, withThreads } from '../tessera.js';
import { tf, useTfjs } from '../tfjs.js';

function matmulCase(n: number, ta: boolean, tb: boolean): BenchCase {
  const label = ta ? 'AᵀB' : tb ? 'ABᵀ' : 'AB';
  const av = randomArray(n * n, 1);
  const bv = randomArray(n * n, 2);
  return {
    name: `matmul ${n} ${label}`,
    group: 'matmul',
    work: { amount: 2 * n * n * n, unit: 'GFLOP/s' },
    async setup(impl: ImplName): Promise<Runner | string> {
      if (isPython(impl)) return 'not measured in Python';
      if (isTessera(impl)) {
        const a = tensor(av, [n, n]);
        const b = tensor(bv, [n, n]);
        return {
          run: withThreads(impl, () => tidy(() => {
            matMul(a, b, ta, tb).dataSync();
          })),
          dispose: () => dispose([a, b]),
        };
      }
      const backend = impl === 'tfjs-wasm' ? 'wasm' : 'cpu';
      await useTfjs(backend);
      const a = tf.tensor2d(av, [n, n]);
      const b = tf.tensor2d(bv, [n, n]);
      return {
        run: async () => {
          await useTfjs(backend);
          // Block bodies: a tidy that returns the read array walks its million elements.
          tf.tidy(() => {
            tf.matMul(a, b, ta, tb).dataSync();
          });
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
  };
}

export function matmulCases(): BenchCase[] {
  return [
    ...[128, 256, 512, 1024].map((n) => matmulCase(n, false, false)),
    matmulCase(1024, true, false),
    matmulCase(1024, false, true),
  ];
}
