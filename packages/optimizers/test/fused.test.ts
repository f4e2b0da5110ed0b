// The fused update kernels against the op-by-op fallback. Two CPU backends: 'opt-fused'
// registers every CPU kernel, 'opt-unfused' every one but ApplySGD, ApplyAdam and
// ApplyRMSProp (as an out-of-tree backend that only has the elementwise kernels). The
// same steps must give the same bits on both, and each must take its own path.
import { CpuBackend, cpuKernelConfigs } from '@tessera/cpu-backend';
import { getBackend, memory, registerBackend, registerKernel, setBackend, tensor, tidy, variable, type KernelConfig, type KernelName } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW, RMSprop, SGD, hasFusedUpdate, type FusedUpdateKernel, type Optimizer } from '../src/index.js';

const FUSED: readonly KernelName[] = ['ApplySGD', 'ApplyAdam', 'ApplyRMSProp'];
const calls = new Map<string, number>();

for (const name of ['opt-fused', 'opt-unfused']) {
  registerBackend(name, () => new CpuBackend(name), 0);
  for (const config of cpuKernelConfigs) {
    const k = config as KernelConfig;
    if (name === 'opt-unfused' && FUSED.includes(k.kernelName)) continue;
    const key = `${name}/${k.kernelName}`;
    registerKernel({
      ...k,
      backendName: name,
      kernelFunc: (args) => {
        calls.set(key, (calls.get(key) ?? 0) + 1);
        return k.kernelFunc(args);
      },
    });
  }
}

let before = '';
beforeAll(() => {
  before = getBackend();
});
afterAll(() => setBackend(before));

/** Seeded values in [-1, 1). */
function seeded(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

/**
 * Runs four steps of `make()` on `backend` over an `n`-element variable; returns its values and
 * the slots' after each step, and the buffers (`dataId`s) of the variable and slots after each
 * (the variable's alone before the first).
 */
async function trajectory(backend: string, make: () => Optimizer, n = 37): Promise<number[][]> {
  return (await run(backend, make, n)).values;
}

async function run(backend: string, make: () => Optimizer, n: number): Promise<{ values: number[][]; buffers: unknown[][] }> {
  await setBackend(backend);
  const opt = make();
  const w = tidy(() => variable(tensor(seeded(n, 1)), { name: `fused_test_${backend}_${calls.size}_${Math.random()}` }));
  const values: number[][] = [];
  const buffers: unknown[][] = [[w.dataId]];
  for (let step = 0; step < 4; step++) {
    const g = tensor(seeded(n, 10 + step).map((v) => v * (step + 1)));
    opt.applyGradients([[g, w]]);
    g.dispose();
    values.push(Array.from(w.dataSync()), ...opt.variables().map((s) => Array.from(s.dataSync())));
    buffers.push([w.dataId, ...opt.variables().map((s) => s.dataId)]);
  }
  w.dispose();
  opt.dispose();
  return { values, buffers };
}

const count = (backend: string, kernel: string) => calls.get(`${backend}/${kernel}`) ?? 0;
const total = (backend: string) => [...calls].reduce((n, [key, c]) => (key.startsWith(`${backend}/`) ? n + c : n), 0);

const CONFIGS: ReadonlyArray<[string, FusedUpdateKernel, () => Optimizer]> = [
  ['SGD', 'ApplySGD', () => new SGD({ learningRate: 0.1 })],
  ['SGD momentum', 'ApplySGD', () => new SGD({ learningRate: 0.1, momentum: 0.9 })],
  ['SGD nesterov', 'ApplySGD', () => new SGD({ learningRate: 0.05, momentum: 0.8, nesterov: true })],
  ['Adam', 'ApplyAdam', () => new Adam({ learningRate: 0.01 })],
  ['Adam amsgrad', 'ApplyAdam', () => new Adam({ learningRate: 0.02, beta2: 0.5, amsgrad: true })],
  ['AdamW', 'ApplyAdam', () => new AdamW({ learningRate: 0.01, weightDecay: 0.1 })],
  ['RMSprop', 'ApplyRMSProp', () => new RMSprop({ learningRate: 0.01 })],
  ['RMSprop momentum', 'ApplyRMSProp', () => new RMSprop({ learningRate: 0.01, momentum: 0.5 })],
  ['RMSprop centered', 'ApplyRMSProp', () => new RMSprop({ learningRate: 0.01, centered: true, epsilon: 1e-3 })],
  ['RMSprop centered with momentum', 'ApplyRMSProp', () => new RMSprop({ learningRate: 0.01, centered: true, momentum: 0.5 })],
];

describe('fused optimizer updates', () => {
  for (const [title, kernel, make] of CONFIGS) {
    it(`${title}: ${kernel} gives the same bits as the op-by-op fallback, each backend on its own path`, async () => {
      const fusedBefore = count('opt-fused', kernel);
      const allBefore = total('opt-fused');
      const fused = await trajectory('opt-fused', make);
      expect(count('opt-fused', kernel) - fusedBefore, `${kernel} runs once per step`).toBe(4);
      // AdamW's weight decay (w - w * wd * lr) runs before the update, as ops.
      if (title !== 'AdamW') expect(total('opt-fused') - allBefore, 'the fused path runs no other kernel').toBe(4);

      const mulBefore = count('opt-unfused', 'Mul');
      const unfused = await trajectory('opt-unfused', make);
      expect(count('opt-unfused', 'Mul') - mulBefore, 'the fallback runs elementwise ops').toBeGreaterThan(0);
      expect(fused).toEqual(unfused);
    });
  }

  // 4099 elements: in WebAssembly memory from the first step's outputs on, so the later steps
  // write over the variable and its slots (the optimizers ask for inPlace), with the same bits.
  for (const [title, , make] of CONFIGS) {
    it(`${title}: after its first step the fused update writes over the variable and its slots, with the same bits`, async () => {
      const fused = await run('opt-fused', make, 4099);
      expect(fused.values).toEqual(await trajectory('opt-unfused', make, 4099));
      const [initial, first, , , last] = fused.buffers;
      // The variable's initial values lived in ordinary memory: the first step made new buffers.
      expect(first[0]).not.toBe(initial[0]);
      // Then the same buffer objects (dataIds compare by identity); AdamW's weight decay makes
      // a new variable value (an op) before each update, so only its slots keep theirs.
      const kept = title === 'AdamW' ? [1, 2] : first.map((_, i) => i);
      for (const i of kept) expect(last[i], `buffer ${i} after step 4`).toBe(first[i]);
    });
  }

  it('hasFusedUpdate reports what the active backend registers', async () => {
    await setBackend('opt-fused');
    expect(FUSED.map((k) => hasFusedUpdate(k as FusedUpdateKernel))).toEqual([true, true, true]);
    await setBackend('opt-unfused');
    expect(FUSED.map((k) => hasFusedUpdate(k as FusedUpdateKernel))).toEqual([false, false, false]);
  });

  it('a fused step leaks no tensors', async () => {
    await setBackend('opt-fused');
    const w = tidy(() => variable(tensor(seeded(10, 3)), { name: 'fused_leak_w' }));
    const opt = new Adam({ amsgrad: true });
    const g = tensor(seeded(10, 4));
    opt.applyGradients([[g, w]]);
    const live = memory().numTensors;
    for (let i = 0; i < 3; i++) opt.applyGradients([[g, w]]);
    expect(memory().numTensors).toBe(live);
    g.dispose();
    w.dispose();
    opt.dispose();
  });
});
