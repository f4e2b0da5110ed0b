import {
  DTypeError,
  util,
  type BinaryKernelName,
  type ComparisonKernelName,
  type DType,
  type KernelConfig,
} from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { wgslType } from '../shaders/common.js';
import { runElementwise } from '../shaders/elementwise.js';
import { DIV, FLOAT_BITS, FLOOR_DIV, LOG, MOD, POW, POW_INT } from '../shaders/math.js';

/** `fn op(a, b)` bodies: float32 (with helpers) and int32 (wrapping, as the CPU's Int32Array stores). */
const FLOAT: { readonly [K in BinaryKernelName]: { body: string; helpers?: readonly string[] } } = {
  Add: { body: 'return a + b;' },
  Sub: { body: 'return a - b;' },
  Mul: { body: 'return a * b;' },
  Div: { body: 'return divF(a, b);', helpers: [DIV] },
  Pow: { body: 'return powF(a, b);', helpers: [LOG, POW] },
  Maximum: { body: 'if (isNan(a) || isNan(b)) { return nanF(); } return max(a, b);' },
  Minimum: { body: 'if (isNan(a) || isNan(b)) { return nanF(); } return min(a, b);' },
  SquaredDifference: { body: 'let d = a - b; return d * d;' },
  FloorDiv: { body: 'return floorDivF(a, b);', helpers: [DIV, FLOOR_DIV] },
  Mod: { body: 'return modF(a, b);', helpers: [DIV, FLOOR_DIV, MOD] },
};

const INT: { readonly [K in BinaryKernelName]: { body: string; helpers?: readonly string[] } } = {
  Add: { body: 'return a + b;' },
  Sub: { body: 'return a - b;' },
  Mul: { body: 'return a * b;' },
  // Truncates toward zero; x / 0 is 0 (WGSL would give x).
  Div: { body: 'if (b == 0) { return 0; } return a / b;' },
  Pow: { body: 'return powI(a, b);', helpers: [POW_INT] },
  Maximum: { body: 'return max(a, b);' },
  Minimum: { body: 'return min(a, b);' },
  SquaredDifference: { body: 'let d = a - b; return d * d;' },
  FloorDiv: { body: 'if (b == 0) { return 0; } let q = a / b; return select(q, q - 1, q * b != a && ((a < 0) != (b < 0)));' },
  Mod: { body: 'if (b == 0) { return 0; } let r = a % b; return select(r, r + b, r != 0 && ((r < 0) != (b < 0)));' },
};

const COMPARE: { readonly [K in ComparisonKernelName]: string } = {
  Equal: 'a == b',
  NotEqual: 'a != b',
  Less: 'a < b',
  LessEqual: 'a <= b',
  Greater: 'a > b',
  GreaterEqual: 'a >= b',
  LogicalAnd: 'a != 0u && b != 0u',
  LogicalOr: 'a != 0u || b != 0u',
};

function checkPair(kernelName: string, aDType: DType, bDType: DType, allowed: readonly DType[]): void {
  if (aDType !== bDType || !allowed.includes(aDType)) {
    throw new DTypeError(`${kernelName} (webgpu): expected a and b of the same dtype, ${allowed.join(' or ')}, but got ${aDType} and ${bDType}`);
  }
}

function binaryConfig<K extends BinaryKernelName>(kernelName: K): KernelConfig<K, WebGPUBackend> {
  return {
    kernelName,
    backendName: 'webgpu',
    kernelFunc: ({ inputs: [a, b], backend }) => {
      checkPair(kernelName, a.dtype, b.dtype, ['float32', 'int32']);
      const outShape = util.broadcastShapes(kernelName, a.shape, b.shape);
      const t = wgslType(a.dtype);
      const { body, helpers } = (a.dtype === 'int32' ? INT : FLOAT)[kernelName];
      const op = { name: kernelName, fn: `fn op(a: ${t}, b: ${t}) -> ${t} { ${body} }`, helpers: [FLOAT_BITS, ...(helpers ?? [])].join('\n') };
      return runElementwise(backend, op, [a, b], outShape, a.dtype);
    },
  };
}

function comparisonConfig<K extends ComparisonKernelName>(kernelName: K): KernelConfig<K, WebGPUBackend> {
  const logical = kernelName === 'LogicalAnd' || kernelName === 'LogicalOr';
  return {
    kernelName,
    backendName: 'webgpu',
    kernelFunc: ({ inputs: [a, b], backend }) => {
      checkPair(kernelName, a.dtype, b.dtype, logical ? ['bool'] : ['float32', 'int32', 'bool']);
      const outShape = util.broadcastShapes(kernelName, a.shape, b.shape);
      const t = wgslType(a.dtype);
      const op = { name: kernelName, fn: `fn op(a: ${t}, b: ${t}) -> u32 { return select(0u, 1u, ${COMPARE[kernelName]}); }` };
      return runElementwise(backend, op, [a, b], outShape, 'bool');
    },
  };
}

/** The kernels of `BINARY_KERNELS`: float32 or int32 pairs, broadcast, same dtype out. */
export const binaryConfigs = (Object.keys(FLOAT) as BinaryKernelName[]).map((name) => binaryConfig(name));

/** The kernels of `COMPARISON_KERNELS`: bool out; LogicalAnd/LogicalOr take bool, the others any dtype pair. */
export const comparisonConfigs = (Object.keys(COMPARE) as ComparisonKernelName[]).map((name) => comparisonConfig(name));

/** Select: `condition ? a : b`, all three broadcast; the dtype of `a`. */
export const selectConfig: KernelConfig<'Select', WebGPUBackend> = {
  kernelName: 'Select',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [condition, a, b], backend }) => {
    if (condition.dtype !== 'bool') throw new DTypeError(`Select (webgpu): expected condition of dtype bool but got ${condition.dtype}`);
    if (a.dtype !== b.dtype) throw new DTypeError(`Select (webgpu): expected a and b of the same dtype but got ${a.dtype} and ${b.dtype}`);
    const outShape = util.broadcastShapes('Select', condition.shape, a.shape, b.shape);
    const t = wgslType(a.dtype);
    const op = { name: 'Select', fn: `fn op(c: u32, a: ${t}, b: ${t}) -> ${t} { return select(b, a, c != 0u); }` };
    return runElementwise(backend, op, [condition, a, b], outShape, a.dtype);
  },
};
