/**
 * What the GEMM's second thread brings, product by product: each shape on one thread
 * ('off') and split ('always'), alternating, medians of many runs. Used to pick the
 * threshold of 'auto' (THREAD_MIN_MACS in packages/cpu-backend/src/util/gemm_threads.ts).
 *   tsx --conditions=@tessera/source bench/src/threads.ts [reps]
 */
import '@tessera/cpu-backend';
import { gemmThreadsReady, setGemmThreads, type GemmThreads } from '@tessera/cpu-backend';
import { dispose, matMul, setBackend, tensor, tidy } from '@tessera/tensor';
import { randomArray } from './data.js';
import { median } from './harness.js';

await setBackend('cpu');
if (!(await gemmThreadsReady())) throw new Error('no GEMM threads in this runtime');
const reps = Number(process.argv[2] ?? 31);

// [m, k, n, transposeA, transposeB]: squares, and the MLP's products at batch 128 and 32.
const shapes: [number, number, number, boolean, boolean][] = [
  [32, 32, 32, false, false],
  [64, 64, 64, false, false],
  [128, 64, 128, false, false],
  [128, 128, 128, false, false],
  [256, 256, 256, false, false],
  [512, 512, 512, false, false],
  [1024, 1024, 1024, false, false],
  [1024, 1024, 1024, true, false],
  [1024, 1024, 1024, false, true],
  [128, 784, 512, false, false],
  [784, 128, 512, true, false],
  [128, 512, 784, false, true],
  [128, 512, 512, false, false],
  [512, 128, 512, true, false],
  [128, 512, 10, false, false],
  [32, 784, 512, false, false],
];

console.log('| m x k x n | 1 thread ms | 2 threads ms | 1 thread GFLOP/s | 2 threads GFLOP/s | speed-up |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [m, k, n, ta, tb] of shapes) {
  const a = tensor(randomArray(m * k, 1), ta ? [k, m] : [m, k]);
  const b = tensor(randomArray(k * n, 2), tb ? [n, k] : [k, n]);
  const once = (mode: GemmThreads) => {
    setGemmThreads(mode);
    const t0 = performance.now();
    tidy(() => matMul(a, b, ta, tb).dataSync());
    return performance.now() - t0;
  };
  const times: Record<'off' | 'always', number[]> = { off: [], always: [] };
  for (let w = 0; w < 3; w++) (once('off'), once('always'));
  const r = m * n * k > 1e8 ? Math.max(7, reps >> 2) : reps;
  for (let i = 0; i < r; i++) {
    const order: ('off' | 'always')[] = i % 2 ? ['off', 'always'] : ['always', 'off'];
    for (const mode of order) times[mode].push(once(mode));
  }
  setGemmThreads('auto');
  const [t1, t2] = [median(times.off), median(times.always)];
  const gf = (t: number) => ((2 * m * n * k) / (t * 1e6)).toFixed(1);
  const label = `${m}x${k}x${n}${ta ? ' Aᵀ' : ''}${tb ? ' Bᵀ' : ''}`;
  console.log(`| ${label} | ${t1.toFixed(3)} | ${t2.toFixed(3)} | ${gf(t1)} | ${gf(t2)} | ${(t1 / t2).toFixed(2)} |`);
  dispose([a, b]);
}
