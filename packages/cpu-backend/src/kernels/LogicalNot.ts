import type { KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';

/** LogicalNot: bool in, bool out. */
export const logicalNotConfig: KernelConfig<'LogicalNot', CpuBackend> = {
  kernelName: 'LogicalNot',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x], backend }) => {
    backend.assertDType('LogicalNot', x, ['bool']);
    const values = backend.values(x);
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = +(values[i] === 0);
    return backend.output(out, x.shape, 'bool');
  },
};
