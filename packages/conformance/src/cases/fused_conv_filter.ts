import * as tf from '@tessera/tensor';
import { DTypeError, ShapeError, ValueError, type FusedActivation, type KernelName, type Tensor } from '@tessera/tensor';
import { SUM, concatRef, conv2dBackpropFilterRef, elementwise, reduceRef, reshapeRef, type RefTensor } from '../reference/index.js';
import { activationGradRef, activationOutputs } from './fused_activation_grad.js';
import { ints, rand, vals } from './inputs.js';
import { windowOf, type ConvOpts } from './fused.js';
import { ACCUMULATION_TOLERANCE } from './matmul.js';
import type { ErrorCase, InputSpec, KernelCases, ValueCase } from './types.js';

/** Every fused activation (written out: the list under test is not trusted). */
const ACTIVATIONS: readonly FusedActivation[] = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'leakyRelu'];

/** The kernels the op runs where a backend lacks FusedConv2DBackpropFilter. */
const COMPOSITE: readonly KernelName[] = ['FusedActivationGrad', 'Conv2DBackpropFilter', 'Sum'];

/** The output size of a window along one axis. */
const outSize = (n: number, k: number, o: ConvOpts) => {
  const s = o.strides ?? 1;
  const span = ((o.dilations ?? 1) * (k - 1)) + 1;
  return o.padding === 'same' ? Math.ceil(n / s) : Math.floor((n - span) / s) + 1;
};

/**
 * A case: x `[n, h, w, c]`, the filter's shape, the window, the activation and whether the
 * conv had a bias. dy is random, y values the activation gives (zeros among relu's, 6 among
 * relu6's) unless `y` is given. The result read is the filter gradient, flattened, then the bias gradient.
 */
function filterGrad(
  name: string, x: number[], f: [number, number, number, number], o: ConvOpts, activation: FusedActivation, bias: boolean, alpha?: number, y?: InputSpec,
): ValueCase {
  const out = [x[0], outSize(x[1], f[0], o), outSize(x[2], f[1], o), f[3]];
  const inputs: InputSpec[] = [rand(x), rand(out), y ?? activationOutputs(activation, out)];
  return {
    name: `${activation}${alpha !== undefined ? ` (alpha ${alpha})` : ''}, ${bias ? 'bias' : 'no bias'}: ${name}`,
    tolerance: ACCUMULATION_TOLERANCE,
    inputs,
    op: (a: Tensor, dy: Tensor, y: Tensor) => {
      const [df, db] = tf.fusedConv2dBackpropFilter(a, dy, y, f, { ...o, activation, alpha, bias });
      return db ? tf.concat([tf.reshape(df, [-1]), db], 0) : df;
    },
    ref: (a: RefTensor, dy: RefTensor, y: RefTensor) => {
      const dz = elementwise([dy, y], 'float32', activationGradRef(activation, alpha ?? 0.2));
      const df = conv2dBackpropFilterRef(a, dz, f, windowOf(o));
      return bias ? concatRef([reshapeRef(df, [df.values.length]), reduceRef(dz, SUM, [0, 1, 2])], 0) : df;
    },
    needs: bias ? ['Concat'] : undefined,
  };
}

/** A misuse: x, dy and y given. */
function misuse(name: string, inputs: InputSpec[], run: (x: Tensor, dy: Tensor, y: Tensor) => unknown, error: ErrorCase['error']): ErrorCase {
  return { name, inputs, run: run as ErrorCase['run'], error };
}

const r = (shape: number[]) => rand(shape);
const relu = (f: [number, number, number, number], o: tf.FusedConv2DBackpropFilterOptions = {}) => (x: Tensor, dy: Tensor, y: Tensor) =>
  tf.fusedConv2dBackpropFilter(x, dy, y, f, { activation: 'relu', bias: true, ...o });

/**
 * Cases of FusedConv2DBackpropFilter: every activation with and without a bias on a first
 * layer's shape (one input channel, the direct kernels' case on the CPU), more channels,
 * strides, padding and dilations, channels not in fours, a batch that spans several bands of
 * the CPU's kernel, NaN among y, an empty batch, and misuse.
 */
export const FUSED_CONV_FILTER_CASES: { FusedConv2DBackpropFilter: KernelCases } = {
  FusedConv2DBackpropFilter: {
    op: 'fusedConv2dBackpropFilter',
    composite: COMPOSITE,
    values: [
      ...ACTIVATIONS.flatMap((a) => [true, false].map((bias) => filterGrad('[2, 6, 6, 1], 3x3 -> 4', [2, 6, 6, 1], [3, 3, 1, 4], {}, a, bias))),
      filterGrad('[2, 7, 5, 3], same 3x3 -> 8 (RGB)', [2, 7, 5, 3], [3, 3, 3, 8], { padding: 'same' }, 'relu', true),
      filterGrad('[2, 7, 7, 2], strides 2 -> 4', [2, 7, 7, 2], [3, 3, 2, 4], { strides: 2 }, 'relu6', true),
      filterGrad('[1, 8, 8, 1], dilation 2, same -> 8', [1, 8, 8, 1], [3, 3, 1, 8], { dilations: 2, padding: 'same' }, 'relu', true),
      filterGrad('[2, 6, 6, 8], 8 input channels -> 4', [2, 6, 6, 8], [3, 3, 8, 4], {}, 'relu', true),
      filterGrad('[2, 6, 6, 1] -> 5 (channels not in fours)', [2, 6, 6, 1], [3, 3, 1, 5], {}, 'relu', true),
      filterGrad('[3, 28, 28, 1], 5x5 -> 32 (MNIST)', [3, 28, 28, 1], [5, 5, 1, 32], {}, 'relu', true),
      filterGrad('[40, 14, 14, 1], 5x5 -> 12: several bands', [40, 14, 14, 1], [5, 5, 1, 12], {}, 'relu', true),
      filterGrad('leakyRelu [1, 5, 5, 2] -> 4', [1, 5, 5, 2], [2, 2, 2, 4], {}, 'leakyRelu', true, 0.05),
      filterGrad('a NaN output passes nothing', [1, 3, 3, 1], [2, 2, 1, 4], {}, 'relu', true, undefined,
        vals([NaN, 1, 0, 2, 3, NaN, 1, 1, 0, 0, NaN, 5, 1, 2, 3, NaN], [1, 2, 2, 4])),
      filterGrad('empty batch: [0, 6, 6, 1]', [0, 6, 6, 1], [3, 3, 1, 4], {}, 'relu', true),
    ],
    grads: [],
    errors: [
      misuse('dy of another shape than the output throws ShapeError', [r([1, 5, 5, 1]), r([1, 4, 4, 4]), r([1, 4, 4, 4])], relu([3, 3, 1, 4]), ShapeError),
      misuse('y of another shape than dy throws ShapeError', [r([1, 5, 5, 1]), r([1, 3, 3, 4]), r([1, 3, 4, 4])], relu([3, 3, 1, 4]), ShapeError),
      misuse('a filter of 2 input channels for x of 1 throws ShapeError', [r([1, 5, 5, 1]), r([1, 3, 3, 4]), r([1, 3, 3, 4])], relu([3, 3, 2, 4]), ShapeError),
      misuse('int32 x throws DTypeError', [ints([1, 5, 5, 1]), r([1, 3, 3, 4]), r([1, 3, 3, 4])], relu([3, 3, 1, 4]), DTypeError),
      misuse("activation 'gelu' throws ValueError", [r([1, 5, 5, 1]), r([1, 3, 3, 4]), r([1, 3, 3, 4])], relu([3, 3, 1, 4], { activation: 'gelu' as FusedActivation }), ValueError),
      misuse('strides 0 throws ValueError', [r([1, 5, 5, 1]), r([1, 3, 3, 4]), r([1, 3, 3, 4])], relu([3, 3, 1, 4], { strides: 0 }), ValueError),
    ],
  },
};
