/**
 * CPU matmul throughput at 256/512/1024: median of repeated runs, one number each.
 * Not a test (speed is measured, not asserted). Run: pnpm matmul-gflops
 */
import '../bench/src/relaxed_simd.js';
import { gemmThreadsReady, getWasmMultiplyAdd } from '@tessera/cpu-backend';
import { matMul, randomUniform, setBackend, tidy } from '@tessera/tensor';

await setBackend('cpu');
// Large products use the GEMM's second thread once its worker is up: time them that way.
await gemmThreadsReady();
console.log(`multiply-adds: ${getWasmMultiplyAdd()}`);
for (const n of [256, 512, 1024]) {
  const a = randomUniform([n, n], { seed: 1 });
  const b = randomUniform([n, n], { seed: 2 });
  const reps = n >= 1024 ? 5 : 15;
  tidy(() => matMul(a, b).dataSync()); // warm-up
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    tidy(() => matMul(a, b).dataSync());
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const median = times[Math.floor(times.length / 2)];
  const gflops = (2 * n * n * n) / (median * 1e6);
  console.log(`matmul ${n}x${n}x${n}: median ${median.toFixed(1)} ms  ${gflops.toFixed(2)} GFLOP/s`);
  a.dispose();
  b.dispose();
}
