/**
 * What fusing the optimizer update would give: Keras's RMSprop step over the MNIST MLP's
 * 936K parameters as the optimizer runs it (9 elementwise kernels per variable, each a
 * pass over the variable with a new output), against the same arithmetic in one fused
 * pass per variable (what an `RMSpropUpdate`-style kernel in the CPU backend would do,
 * reading g, velocity and w and writing velocity and w). Alternating, medians.
 *   tsx --conditions=source bench/src/fusion.ts [reps]
 */
import '@tessera/cpu-backend';
import { RMSprop } from '@tessera/optimizers';
import { setBackend, tensor, variable, type Tensor, type Variable } from '@tessera/tensor';
import { randomArray } from './data.js';
import { median } from './harness.js';

await setBackend('cpu');
const reps = Number(process.argv[2] ?? 41);
const shapes = [[784, 512], [512], [512, 512], [512], [512, 512], [512], [512, 10], [10]];
const vars: Variable[] = shapes.map((s, i) => variable(tensor(randomArray(s.reduce((a, b) => a * b), i + 1, -0.05, 0.05), s)));
const gs: Tensor[] = shapes.map((s, i) => tensor(randomArray(s.reduce((a, b) => a * b), i + 100, -0.01, 0.01), s));
const params = vars.reduce((n, v) => n + v.size, 0);
const opt = new RMSprop();
const pairs = gs.map((g, i) => [g, vars[i]] as const);

// The fused pass on plain arrays of the same sizes.
const w = shapes.map((s, i) => randomArray(s.reduce((a, b) => a * b), i + 1, -0.05, 0.05));
const vel = shapes.map((s) => new Float32Array(s.reduce((a, b) => a * b)));
const g = gs.map((t) => t.dataSync() as Float32Array);
const [lr, rho, eps] = [0.001, 0.9, 1e-7];
function fused(): void {
  for (let v = 0; v < w.length; v++) {
    const W = w[v], V = vel[v], G = g[v];
    for (let i = 0; i < W.length; i++) {
      const gi = G[i];
      const vi = rho * V[i] + (1 - rho) * gi * gi;
      V[i] = vi;
      W[i] -= (lr * gi) / Math.sqrt(vi + eps);
    }
  }
}

const times = { ops: [] as number[], fused: [] as number[] };
const run = { ops: () => opt.applyGradients(pairs), fused };
for (let i = 0; i < 5; i++) (run.ops(), run.fused());
for (let r = 0; r < reps; r++) {
  for (const k of (r % 2 ? ['ops', 'fused'] : ['fused', 'ops']) as ('ops' | 'fused')[]) {
    const t0 = performance.now();
    run[k]();
    times[k].push(performance.now() - t0);
  }
}
const [a, b] = [median(times.ops), median(times.fused)];
console.log(`RMSprop update of ${params} parameters: as ops ${a.toFixed(2)} ms, fused ${b.toFixed(2)} ms (${(a / b).toFixed(1)}x); per step saves ${(a - b).toFixed(1)} ms`);
