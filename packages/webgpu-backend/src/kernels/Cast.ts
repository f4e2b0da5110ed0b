import { DTypeError, util, type DType, type KernelConfig } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { wgslType } from '../shaders/common.js';
import { runElementwise } from '../shaders/elementwise.js';
import { TO_INT } from '../shaders/math.js';

/** `fn op` bodies by `from>to`: float to int truncates (wrapping past int32, NaN to 0), to bool is `!= 0` (NaN is true). */
const BODIES: Record<string, { body: string; helpers?: string }> = {
  'float32>int32': { body: 'return toI32(x);', helpers: TO_INT },
  'float32>bool': { body: 'return select(0u, 1u, (bitcast<u32>(x) & 0x7fffffffu) != 0u);' },
  'int32>float32': { body: 'return f32(x);' },
  'int32>bool': { body: 'return select(0u, 1u, x != 0);' },
  'bool>float32': { body: 'return f32(x);' },
  'bool>int32': { body: 'return i32(x);' },
};

/**
 * Cast to `attrs.dtype`, as the CPU backend: float to int32 truncates toward zero,
 * anything to bool is `x != 0`, bool to a number is 0 or 1; the same dtype gives a copy
 * (a buffer-to-buffer copy, no shader).
 */
export const castConfig: KernelConfig<'Cast', WebGPUBackend> = {
  kernelName: 'Cast',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x], attrs: { dtype }, backend }) => {
    if (!util.DTYPES.includes(dtype)) {
      throw new DTypeError(`Cast (webgpu): expected attrs.dtype float32, int32 or bool but got ${String(dtype)}`);
    }
    if (dtype === x.dtype) {
      const out = backend.makeOutput(x.shape, dtype);
      const target = backend.outputBuffer(out);
      if (target) backend.copy(backend.bufferOf(x), target, util.sizeFromShape(x.shape));
      return out;
    }
    const { body, helpers } = BODIES[`${x.dtype}>${dtype}`];
    const op = { name: `Cast`, fn: `fn op(x: ${wgslType(x.dtype)}) -> ${wgslType(dtype as DType)} { ${body} }`, helpers };
    return runElementwise(backend, op, [x], x.shape, dtype);
  },
};
