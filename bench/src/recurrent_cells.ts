/**
 * What the fused recurrent cells give: one LSTM and one GRU step at batch 128, 128 units
 * (an LSTM(128) layer's step on MNIST rows) on the CPU backend, which runs each step as one
 * kernel (`LSTMCell`, `GRUCell`) and its gradient as one more plus the two products, against
 * the same backend without the cell kernels, where the ops fall back to the step op by op
 * (the product, slices, activations, products and sums: about 15 kernels forward). Forward
 * alone, and forward with `grads` of every input. Alternating, medians.
 *   tsx --conditions=@tessera/source bench/src/recurrent_cells.ts [reps]
 */
import '@tessera/cpu-backend';
import { CpuBackend, cpuKernelConfigs } from '@tessera/cpu-backend';
import {
  add,
  dispose,
  grads,
  gruCell,
  lstmCell,
  registerBackend,
  registerKernel,
  setBackend,
  sum,
  tensor,
  tidy,
  type KernelConfig,
  type Tensor,
} from '@tessera/tensor';
import { randomArray } from './data.js';
import { median } from './harness.js';

const CELLS = ['LSTMCell', 'LSTMCellGrad', 'GRUCell', 'GRUCellGrad'];
registerBackend('cpu-unfused', () => new CpuBackend('cpu-unfused'), 0);
for (const config of cpuKernelConfigs) {
  const k = config as KernelConfig;
  if (!CELLS.includes(k.kernelName)) registerKernel({ ...k, backendName: 'cpu-unfused' });
}

const reps = Number(process.argv[2] ?? 51);
const [b, u] = [128, 128];

/** Inputs of a step of `gates` gates on the active backend (GRU: with its recurrent bias). */
function inputs(gates: number): Tensor[] {
  const xs = [tensor(randomArray(b * gates * u, 1), [b, gates * u]), tensor(randomArray(b * u, 2), [b, u])];
  if (gates === 4) xs.push(tensor(randomArray(b * u, 3), [b, u]));
  xs.push(tensor(randomArray(u * gates * u, 4, -0.1, 0.1), [u, gates * u]));
  if (gates === 3) xs.push(tensor(randomArray(gates * u, 5), [gates * u]));
  return xs;
}

const lstmLoss = (xw: Tensor, h: Tensor, c: Tensor, k: Tensor) => {
  const [hNext, cNext] = lstmCell(xw, h, c, k);
  return add(sum(hNext), sum(cNext));
};
const gruLoss = (xw: Tensor, h: Tensor, k: Tensor, bias: Tensor) => sum(gruCell(xw, h, k, bias));

const CASES: Array<{ name: string; gates: number; run: (xs: Tensor[]) => void }> = [
  { name: 'LSTM step forward', gates: 4, run: (xs) => tidy(() => void lstmCell(xs[0], xs[1], xs[2], xs[3])[0].dataSync()) },
  { name: 'LSTM step forward + grads', gates: 4, run: (xs) => tidy(() => grads(lstmLoss)(xs).forEach((g) => g.dataSync())) },
  { name: 'GRU step forward', gates: 3, run: (xs) => tidy(() => void gruCell(xs[0], xs[1], xs[2], xs[3]).dataSync()) },
  { name: 'GRU step forward + grads', gates: 3, run: (xs) => tidy(() => grads(gruLoss)(xs).forEach((g) => g.dataSync())) },
];

for (const c of CASES) {
  const backends = ['cpu', 'cpu-unfused'];
  const xs: Tensor[][] = [];
  for (const name of backends) {
    await setBackend(name);
    xs.push(inputs(c.gates));
    for (let w = 0; w < 5; w++) c.run(xs[xs.length - 1]);
  }
  const times: number[][] = [[], []];
  for (let rep = 0; rep < reps; rep++) {
    for (const i of rep % 2 ? [0, 1] : [1, 0]) {
      await setBackend(backends[i]);
      const t0 = performance.now();
      c.run(xs[i]);
      times[i].push(performance.now() - t0);
    }
  }
  for (let i = 0; i < backends.length; i++) {
    await setBackend(backends[i]);
    dispose(xs[i]);
  }
  const [fused, ops] = times.map(median);
  console.log(`${c.name}, batch ${b}, ${u} units: fused kernels ${fused.toFixed(2)} ms, op by op ${ops.toFixed(2)} ms (${(ops / fused).toFixed(1)}x)`);
}
