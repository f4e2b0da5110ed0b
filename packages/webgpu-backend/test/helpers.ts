import { dispose, getEngine, setBackend, tensor, tidy, type DType, type Tensor, type TypedArray } from '@tessera/tensor';
import { expect } from 'vitest';
import type { WebGPUBackend } from '../src/index.js';

/** The started 'webgpu' backend instance. */
export function webgpu(): WebGPUBackend {
  const b = getEngine().findBackend('webgpu');
  if (!b) throw new Error("the 'webgpu' backend has not started: await setBackend('webgpu') first");
  return b as WebGPUBackend;
}

/** Seeded values in [lo, hi) (mulberry32), so a case is the same on both backends and every run. */
export function seeded(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return lo + (((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo);
  });
}

/** An input to {@link onBoth}: values, shape and dtype, made into a tensor on each backend. */
export interface Input {
  values: ArrayLike<number>;
  shape: number[];
  dtype?: DType;
}

/**
 * Runs `fn` on the CPU and on WebGPU with the same inputs (made on each backend after
 * switching to it) and returns both results' values; leaves 'webgpu' active.
 */
export async function onBoth(inputs: Input[], fn: (...xs: Tensor[]) => Tensor): Promise<{ cpu: TypedArray; gpu: TypedArray; shape: number[] }> {
  const run = async (backend: string) => {
    await setBackend(backend);
    const xs = inputs.map((i) => tensor(Array.from(i.values), i.shape, i.dtype ?? 'float32'));
    const y = tidy(() => fn(...xs));
    const values = await y.data();
    const shape = [...y.shape];
    dispose([...xs, y]);
    return { values, shape };
  };
  const cpu = await run('cpu');
  const gpu = await run('webgpu');
  expect(gpu.shape).toEqual(cpu.shape);
  return { cpu: cpu.values, gpu: gpu.values, shape: gpu.shape };
}

/** Asserts `|gpu - cpu| <= atol + rtol * |cpu|` everywhere, reporting the worst position. */
export function expectClose(gpu: ArrayLike<number>, cpu: ArrayLike<number>, rtol = 1e-5, atol = 1e-5): void {
  expect(gpu.length).toBe(cpu.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < cpu.length; i++) {
    const excess = Math.abs(gpu[i] - cpu[i]) - (atol + rtol * Math.abs(cpu[i]));
    if (!(excess <= worstExcess) || Number.isNaN(gpu[i]) !== Number.isNaN(cpu[i])) {
      if (!(Number.isNaN(gpu[i]) && Number.isNaN(cpu[i]))) {
        worst = i;
        worstExcess = Number.isNaN(excess) ? Infinity : excess;
      }
    }
  }
  if (worst >= 0) throw new Error(`values differ at [${worst}]: gpu ${gpu[worst]}, cpu ${cpu[worst]} (rtol ${rtol}, atol ${atol})`);
}
