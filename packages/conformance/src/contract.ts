import { expect, it } from 'vitest';
import {
  BackendError,
  getEngine,
  getKernelsForBackend,
  KERNEL_NAMES,
  KERNELS,
  KernelNotFoundError,
  memory,
  tensor,
  type DType,
  type KernelName,
} from '@tessera/tensor';
import { caseTableGaps } from './cases/index.js';
import { canReadSync } from './runner/context.js';

/** Registers a backend-wide check as a test. */
export type ContractTest = (title: string, body: () => unknown) => void;

/** Values written and read back per dtype: a scalar, a matrix, and an empty tensor. */
const ROUND_TRIPS: ReadonlyArray<{ dtype: DType; values: number[]; shape: number[] }> = [
  { dtype: 'float32', values: [1.5, -2.25, 0, 2 ** -30, -(2 ** 100), Infinity], shape: [2, 3] },
  { dtype: 'float32', values: [7], shape: [] },
  { dtype: 'float32', values: [], shape: [0, 4] },
  { dtype: 'int32', values: [-2147483648, -1, 0, 1, 2147483647, 42], shape: [3, 2] },
  { dtype: 'int32', values: [], shape: [0] },
  { dtype: 'bool', values: [1, 0, 0, 1], shape: [4] },
  { dtype: 'bool', values: [1], shape: [] },
];

/**
 * The checks that concern the backend as a whole rather than one kernel: its
 * manifest, the case table, reads per dtype, memory accounting and the error for
 * a kernel it does not register.
 */
export function describeContract(backend: string, manifest: ReadonlySet<KernelName>, test: ContractTest): void {
  test('declares at least one kernel, and registers every kernel it declares', () => {
    expect(manifest.size, `backend '${backend}' declares no kernels; import it before describeBackend`).toBeGreaterThan(0);
    const registered = new Set(getKernelsForBackend(backend));
    expect([...manifest].filter((k) => !registered.has(k)), 'declared but not registered').toEqual([]);
  });

  test('the case table has value tests for every kernel, and gradient tests for differentiable ones', () => {
    expect(caseTableGaps(), 'kernels without tests').toEqual([]);
  });

  test('reads: data() returns what was written for every dtype; dataSync() agrees where offered', async () => {
    for (const { dtype, values, shape } of ROUND_TRIPS) {
      const t = tensor(values, shape, dtype);
      try {
        const data = await t.data();
        expect(Array.from(data), `${dtype} ${JSON.stringify(shape)}`).toEqual(values);
        if (canReadSync(backend)) expect(Array.from(t.dataSync())).toEqual(values);
        else expect(() => t.dataSync()).toThrow(BackendError);
      } finally {
        t.dispose();
      }
    }
  });

  test('memory: a tensor is counted while it lives and freed on dispose', () => {
    const before = memory();
    const bytes = () => memory().backends[backend]?.numBytes ?? 0;
    const t = tensor(new Float32Array(64), [8, 8]);
    expect(memory().numTensors).toBe(before.numTensors + 1);
    expect(bytes(), 'bytes of a new [8, 8] float32 tensor').toBeGreaterThanOrEqual((before.backends[backend]?.numBytes ?? 0) + 256);
    t.dispose();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(bytes()).toBe(before.backends[backend]?.numBytes ?? 0);
  });

  const unregistered = KERNEL_NAMES.find((k) => !getKernelsForBackend(backend).includes(k));
  if (unregistered === undefined) {
    it.skip('errors: a kernel it does not register throws KernelNotFoundError (it registers every kernel)', () => undefined);
    return;
  }
  test(`errors: '${unregistered}', which it does not register, throws KernelNotFoundError`, () => {
    // A kernel of several outputs is run as one (runKernel refuses it before looking it up).
    const run = () => (KERNELS[unregistered].outputs ? getEngine().runKernelOutputs(unregistered, [], {} as never) : getEngine().runKernel(unregistered, [], {} as never));
    expect(run).toThrow(KernelNotFoundError);
    expect(run).toThrow(new RegExp(`${unregistered}.*${backend}`));
  });
}
