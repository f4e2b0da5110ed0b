/**
 * What the fused optimizer updates give: one step of Keras's RMSprop and Adam over the
 * MNIST MLP's 936K parameters on the CPU backend, which runs each variable's update as one
 * kernel (`ApplyRMSProp`, `ApplyAdam`), against the same backend without those kernels,
 * where the optimizer falls back to the op-by-op update (9-10 elementwise kernels per
 * variable, each a pass with a new output). Alternating, medians.
 *   tsx --conditions=@tessera/source bench/src/fusion.ts [reps]
 */
import '@tessera/cpu-backend';
import { CpuBackend, cpuKernelConfigs } from '@tessera/cpu-backend';
import { Adam, RMSprop, type Optimizer } from '@tessera/optimizers';
import { registerBackend, registerKernel, setBackend, tensor, variable, type KernelConfig, type Tensor, type Variable } from '@tessera/tensor';
import { randomArray } from './data.js';
import { median } from './harness.js';

const FUSED = ['ApplySGD', 'ApplyAdam', 'ApplyRMSProp'];
registerBackend('cpu-unfused', () => new CpuBackend('cpu-unfused'), 0);
for (const config of cpuKernelConfigs) {
  const k = config as KernelConfig;
  if (!FUSED.includes(k.kernelName)) registerKernel({ ...k, backendName: 'cpu-unfused' });
}

const reps = Number(process.argv[2] ?? 31);
const shapes = [[784, 512], [512], [512, 512], [512], [512, 512], [512], [512, 10], [10]];
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** The MLP's variables and gradients on `backend`, and a step of `make()` over them. */
async function setup(backend: string, make: () => Optimizer) {
  await setBackend(backend);
  const vars: Variable[] = shapes.map((s, i) => variable(tensor(randomArray(size(s), i + 1, -0.05, 0.05), s)));
  const gs: Tensor[] = shapes.map((s, i) => tensor(randomArray(size(s), i + 100, -0.01, 0.01), s));
  const opt = make();
  const pairs = gs.map((g, i) => [g, vars[i]] as const);
  return { run: () => opt.applyGradients(pairs), backend };
}

const params = shapes.reduce((n, s) => n + size(s), 0);
for (const make of [() => new RMSprop(), () => new Adam()]) {
  const name = make().constructor.name;
  const runs = [await setup('cpu', make), await setup('cpu-unfused', make)];
  const times: number[][] = [[], []];
  for (const r of runs) {
    await setBackend(r.backend);
    for (let w = 0; w < 5; w++) r.run();
  }
  for (let rep = 0; rep < reps; rep++) {
    for (const i of rep % 2 ? [0, 1] : [1, 0]) {
      await setBackend(runs[i].backend);
      const t0 = performance.now();
      runs[i].run();
      times[i].push(performance.now() - t0);
    }
  }
  const [fused, ops] = times.map(median);
  console.log(`${name} step over ${params} parameters: fused kernels ${fused.toFixed(2)} ms, op by op ${ops.toFixed(2)} ms (${(ops / fused).toFixed(1)}x)`);
}
