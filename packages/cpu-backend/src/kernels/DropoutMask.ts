import { Prng, util, type KernelConfig } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { dropoutMaskWasm } from '../util/dropout_mask_wasm.js';
import { useVectorLoops } from '../util/elementwise_wasm.js';

/**
 * DropoutMask: `scale` where draw i of `Prng(seed)` is at least `rate`, else 0, into a
 * recycled array (every element is written). WebAssembly SIMD or `Prng.fillMask` as
 * `setVectorImplementation` says: the same bits.
 */
export const dropoutMaskConfig: KernelConfig<'DropoutMask', CpuBackend> = {
  kernelName: 'DropoutMask',
  backendName: 'cpu',
  kernelFunc: ({ attrs: { shape, seed, rate, scale }, backend }) => {
    const out = backend.alloc('float32', util.sizeFromShape(shape)) as Float32Array;
    const prng = new Prng(seed);
    if (useVectorLoops()) dropoutMaskWasm(prng, out, rate, scale);
    else prng.fillMask(out, rate, scale);
    return backend.output(out, shape, 'float32');
  },
};
