/**
 * One dropout mask of 65536 elements (a Dropout after Dense(512) at batch 128, as in the
 * MLP) on the CPU backend: the `DropoutMask` kernel on WebAssembly SIMD and on the
 * TypeScript loop (`setVectorImplementation('js')`, Prng.fillMask into a recycled array),
 * against what the dropout op did before the kernel, which is still its path where a
 * backend lacks it (a fresh zeroed Float32Array filled by Prng.fillMask, handed over with
 * makeTensor). Alternating, medians of ms per mask.
 *   tsx --conditions=@tessera/source bench/src/dropout_mask.ts [length] [reps]
 */
import '@tessera/cpu-backend';
import { setVectorImplementation } from '@tessera/cpu-backend';
import { getEngine, Prng, setBackend, tidy, type Tensor } from '@tessera/tensor';
import { median } from './harness.js';

const length = Number(process.argv[2] ?? 65536);
const reps = Number(process.argv[3] ?? 15);
const perRun = 200;
await setBackend('cpu');
const rate = 0.2;
let seed = 1;

function kernel(): Tensor {
  return getEngine().runKernel('DropoutMask', [], { shape: [length], seed: seed++, rate, scale: 1 / (1 - rate) });
}
function before(): Tensor {
  const values = new Float32Array(length);
  new Prng(seed++).fillMask(values, rate, 1 / (1 - rate));
  return getEngine().makeTensor(values, [length], 'float32');
}
const ways: Record<string, () => void> = {
  'before (fresh array + fillMask)': () => tidy(() => void before()),
  "kernel, 'js' (fillMask, recycled)": () => {
    setVectorImplementation('js');
    tidy(() => void kernel());
  },
  "kernel, 'wasm'": () => {
    setVectorImplementation('wasm');
    tidy(() => void kernel());
  },
};
const times = new Map<string, number[]>(Object.keys(ways).map((k) => [k, []]));
for (let r = -2; r < reps; r++) {
  for (const [name, run] of Object.entries(ways)) {
    const t0 = performance.now();
    for (let i = 0; i < perRun; i++) run();
    if (r >= 0) times.get(name)!.push((performance.now() - t0) / perRun);
  }
}
setVectorImplementation('wasm');
console.log(`dropout mask of ${length} elements, rate ${rate}: ms per mask (median of ${reps} runs of ${perRun})`);
for (const [name, ts] of times) console.log(`  ${name.padEnd(36)} ${median(ts).toFixed(4)}`);
