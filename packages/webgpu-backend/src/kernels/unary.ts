import { DTypeError, type DType, type KernelConfig, type TensorInfo, type UnaryKernelName } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { ELU, LEAKY_RELU, RELU, RELU6, SIGMOID, TANH, type FloatBody } from '../shaders/activation.js';
import { runElementwise } from '../shaders/elementwise.js';
import { ERF, EXP, EXPM1, FLOAT_BITS, LOG, LOG1P, SQRT } from '../shaders/math.js';

// Keras's SELU constants.
const SELU_ALPHA = '1.6732632423543772';
const SELU_SCALE = '1.0507009873554805';

/** The body of `fn op(x: f32) -> f32` per kernel, and the helpers it needs. */
const FLOAT: { readonly [K in UnaryKernelName]: FloatBody } = {
  Neg: { body: 'return -x;' },
  Abs: { body: 'return abs(x);' },
  Exp: { body: 'return expF(x);', helpers: [EXP] },
  Log: { body: 'return logF(x);', helpers: [LOG] },
  Log1p: { body: 'if (x == -1.0) { return -infF(); } if (x < -1.0) { return nanF(); } return log1pF(x);', helpers: [LOG, LOG1P] },
  Sqrt: { body: 'return sqrtF(x);', helpers: [SQRT] },
  Rsqrt: { body: 'if (x == 0.0) { return infF(); } return 1.0 / sqrtF(x);', helpers: [SQRT] },
  Square: { body: 'return x * x;' },
  Sign: { body: 'if (isNan(x)) { return x; } return select(select(x, -1.0, x < 0.0), 1.0, x > 0.0);' },
  Floor: { body: 'return floor(x);' },
  Ceil: { body: 'return ceil(x);' },
  // WGSL's round() rounds half to even, as TensorFlow.
  Round: { body: 'return round(x);' },
  Relu: RELU,
  Relu6: RELU6,
  Elu: ELU,
  Selu: { body: `return ${SELU_SCALE} * select(${SELU_ALPHA} * expm1F(x), x, x > 0.0);`, helpers: [EXP, EXPM1] },
  Sigmoid: SIGMOID,
  Tanh: TANH,
  Softplus: { body: 'if (x > 20.0) { return x; } return max(x, 0.0) + log1pF(expF(-abs(x)));', helpers: [EXP, LOG, LOG1P] },
  Softsign: { body: 'return x / (1.0 + abs(x));' },
  Erf: { body: 'return erfF(x);', helpers: [EXP, ERF] },
};

/** int32 versions (int32 in, int32 out, wrapping as Int32Array stores do). */
const INT: { readonly [K in UnaryKernelName]?: string } = {
  Neg: 'return 0 - x;',
  Abs: 'return select(x, 0 - x, x < 0);',
  Square: 'return x * x;',
  Sign: 'return select(select(0, -1, x < 0), 1, x > 0);',
};

/** Runs a float32 -> float32 unary body (used by LeakyRelu and ClipByValue too). */
export function runFloatUnary(
  backend: WebGPUBackend,
  name: string,
  x: TensorInfo,
  body: string,
  helpers: readonly string[] = [],
  attrs: Record<string, number> = {},
): TensorInfo {
  const op = { name, fn: `fn op(x: f32) -> f32 { ${body} }`, helpers: [FLOAT_BITS, ...helpers].join('\n'), attrs: Object.keys(attrs) };
  return runElementwise(backend, op, [x], x.shape, 'float32', attrs);
}

/** Throws a DTypeError naming the kernel unless `x` has one of `allowed`. */
export function assertDType(kernel: string, x: TensorInfo, allowed: readonly DType[], what = 'input'): void {
  if (!allowed.includes(x.dtype)) {
    throw new DTypeError(`${kernel} (webgpu): expected ${what} of dtype ${allowed.join(' or ')} but got ${x.dtype}`);
  }
}

function unaryConfig<K extends UnaryKernelName>(kernelName: K): KernelConfig<K, WebGPUBackend> {
  const int = INT[kernelName];
  return {
    kernelName,
    backendName: 'webgpu',
    kernelFunc: ({ inputs: [x], backend }) => {
      assertDType(kernelName, x, int ? ['float32', 'int32'] : ['float32']);
      if (x.dtype === 'int32') {
        return runElementwise(backend, { name: kernelName, fn: `fn op(x: i32) -> i32 { ${int} }` }, [x], x.shape, 'int32');
      }
      const { body, helpers } = FLOAT[kernelName];
      return runFloatUnary(backend, kernelName, x, body, helpers);
    },
  };
}

/** Every kernel of `UNARY_KERNELS` (float32; Neg, Abs, Square, Sign also int32). */
export const unaryConfigs = (Object.keys(FLOAT) as UnaryKernelName[]).map((name) => unaryConfig(name));

/** LeakyRelu: `x > 0 ? x : alpha * x`. */
export const leakyReluConfig: KernelConfig<'LeakyRelu', WebGPUBackend> = {
  kernelName: 'LeakyRelu',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x], attrs: { alpha }, backend }) => {
    assertDType('LeakyRelu', x, ['float32']);
    return runFloatUnary(backend, 'LeakyRelu', x, LEAKY_RELU.body, [], { alpha });
  },
};

/** ClipByValue: `min(max(x, min), max)`; NaN stays NaN. */
export const clipByValueConfig: KernelConfig<'ClipByValue', WebGPUBackend> = {
  kernelName: 'ClipByValue',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x], attrs: { min, max }, backend }) => {
    assertDType('ClipByValue', x, ['float32']);
    return runFloatUnary(backend, 'ClipByValue', x, 'return select(min(max(x, u.lo), u.hi), x, isNan(x));', [], { lo: min, hi: max });
  },
};

/** LogicalNot: bool in, bool out. */
export const logicalNotConfig: KernelConfig<'LogicalNot', WebGPUBackend> = {
  kernelName: 'LogicalNot',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x], backend }) => {
    assertDType('LogicalNot', x, ['bool']);
    return runElementwise(backend, { name: 'LogicalNot', fn: 'fn op(x: u32) -> u32 { return select(0u, 1u, x == 0u); }' }, [x], x.shape, 'bool');
  },
};
