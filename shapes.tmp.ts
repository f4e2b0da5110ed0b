import './bench/src/relaxed_simd.js';
import { gemmThreadsReady, setGemmThreads, setTensorMemory } from '@tessera/cpu-backend';
import { matMul, randomUniform, setBackend, tidy, mul } from '@tessera/tensor';
await setBackend('cpu'); await gemmThreadsReady();
const mode = (process.argv[2] ?? 'wasm') as 'wasm'|'js';
setTensorMemory(mode);
const mk = (s: number[]) => mul(randomUniform(s, { seed: s[0] + s[1] }), 1); // a kernel output: resident in 'wasm'
const cases: [string, number[], number[], boolean, boolean][] = [
  ['fwd 128x784x512', [128,784], [784,512], false, false],
  ['fwd 128x512x512', [128,512], [512,512], false, false],
  ['dX 128x512x512 (B^T)', [128,512], [512,512], false, true],
  ['dW 512x128x512 (A^T)', [128,512], [128,512], true, false],
  ['dW 784x128x512 (A^T)', [128,784], [128,512], true, false],
];
for (const threads of ['off', 'auto'] as const) {
  setGemmThreads(threads);
  for (const [name, sa, sb, ta, tb] of cases) {
    const a = mk(sa), b = mk(sb);
    const m = ta ? sa[1] : sa[0], k = ta ? sa[0] : sa[1], n = tb ? sb[0] : sb[1];
    for (let i = 0; i < 20; i++) tidy(() => { matMul(a, b, ta, tb); });
    const ts: number[] = [];
    for (let r = 0; r < 60; r++) { const t0 = performance.now(); tidy(() => { matMul(a, b, ta, tb); }); ts.push(performance.now() - t0); }
    ts.sort((x, y) => x - y); const med = ts[30];
    console.log(`${mode} threads ${threads} ${name.padEnd(24)} ${med.toFixed(3)} ms  ${(2*m*n*k/med/1e6).toFixed(1)} GFLOP/s`);
    a.dispose(); b.dispose();
  }
}
