import * as tf from '@tessera/tensor';
import { DTypeError, ShapeError, ValueError, type KernelName, type Tensor } from '@tessera/tensor';
import {
  conv1dRef,
  conv2dBackpropFilterRef,
  conv2dBackpropInputRef,
  conv2dRef,
  depthwiseConv2dBackpropFilterRef,
  depthwiseConv2dBackpropInputRef,
  depthwiseConv2dRef,
  type WindowRef,
} from '../reference/index.js';
import { ints, rand } from './inputs.js';
import type { ErrorCase, KernelCases, ValueCase } from './types.js';

/** The options of a 2-D convolution case, as the op takes them. */
interface ConvOpts {
  readonly strides?: number | [number, number];
  readonly padding?: 'valid' | 'same';
  readonly dilations?: number | [number, number];
}

const both = (v: number | [number, number] | undefined): [number, number] => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v);
const windowOf = (o: ConvOpts): WindowRef => ({ strides: both(o.strides), dilations: both(o.dilations), padding: o.padding ?? 'valid' });
const r = (shape: number[]) => rand(shape);

/** A conv2d case: x and filter shapes, the options; `needs` for gradient cases. */
function conv(name: string, x: number[], f: number[], o: ConvOpts = {}, needs?: KernelName[]): ValueCase {
  return { name, inputs: [r(x), r(f)], op: (a, b) => tf.conv2d(a, b, o), ref: (a, b) => conv2dRef(a, b, windowOf(o)), needs };
}

/** A conv1d case (it runs Conv2D on a height-1 view). */
function conv1d(name: string, x: number[], f: number[], o: tf.Conv1DOptions = {}, needs?: KernelName[]): ValueCase {
  return {
    name,
    inputs: [r(x), r(f)],
    op: (a, b) => tf.conv1d(a, b, o),
    ref: (a, b) => conv1dRef(a, b, o.stride, o.dilation, o.padding),
    needs,
  };
}

/** A conv2dTranspose case: x, filter `[kh, kw, outC, inC]`, the output shape. */
function transpose(name: string, x: number[], f: number[], out: number[], o: ConvOpts = {}, needs?: KernelName[]): ValueCase {
  return {
    name,
    inputs: [r(x), r(f)],
    op: (a, b) => tf.conv2dTranspose(a, b, out, o),
    ref: (a, b) => conv2dBackpropInputRef(a, b, out, windowOf(o)),
    needs,
  };
}

/** A conv2dBackpropFilter case: x, dy, the filter shape. */
function filterGrad(name: string, x: number[], dy: number[], f: number[], o: ConvOpts = {}, needs?: KernelName[]): ValueCase {
  return {
    name,
    inputs: [r(x), r(dy)],
    op: (a, b) => tf.conv2dBackpropFilter(a, b, f, o),
    ref: (a, b) => conv2dBackpropFilterRef(a, b, f, windowOf(o)),
    needs,
  };
}

function depthwise(name: string, x: number[], f: number[], o: ConvOpts = {}, needs?: KernelName[]): ValueCase {
  return { name, inputs: [r(x), r(f)], op: (a, b) => tf.depthwiseConv2d(a, b, o), ref: (a, b) => depthwiseConv2dRef(a, b, windowOf(o)), needs };
}

function depthwiseInput(name: string, dy: number[], f: number[], x: number[], o: ConvOpts = {}, needs?: KernelName[]): ValueCase {
  return {
    name,
    inputs: [r(dy), r(f)],
    op: (a, b) => tf.depthwiseConv2dBackpropInput(a, b, x, o),
    ref: (a, b) => depthwiseConv2dBackpropInputRef(a, b, x, windowOf(o)),
    needs,
  };
}

function depthwiseFilter(name: string, x: number[], dy: number[], f: number[], o: ConvOpts = {}, needs?: KernelName[]): ValueCase {
  return {
    name,
    inputs: [r(x), r(dy)],
    op: (a, b) => tf.depthwiseConv2dBackpropFilter(a, b, f, o),
    ref: (a, b) => depthwiseConv2dBackpropFilterRef(a, b, f, windowOf(o)),
    needs,
  };
}

/** A misuse of a two-input op. */
function misuse(name: string, inputs: ErrorCase['inputs'], run: (a: Tensor, b: Tensor) => unknown, error: ErrorCase['error'], op?: string): ErrorCase {
  return { name, inputs, run: run as ErrorCase['run'], error, op };
}

const conv2d = (o: object) => (a: Tensor, b: Tensor) => tf.conv2d(a, b, o as ConvOpts);
const CONV_GRADS: KernelName[] = ['Conv2DBackpropInput', 'Conv2DBackpropFilter'];
const DEPTHWISE_GRADS: KernelName[] = ['DepthwiseConv2DBackpropInput', 'DepthwiseConv2DBackpropFilter'];

/** Cases of the dense and depthwise 2-D convolutions and their gradient kernels. */
export const CONV_CASES: Record<
  'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter' | 'DepthwiseConv2D' | 'DepthwiseConv2DBackpropInput' | 'DepthwiseConv2DBackpropFilter',
  KernelCases
> = {
  Conv2D: {
    op: 'conv2d',
    values: [
      conv('valid 3x3: [2, 5, 5, 2] x [3, 3, 2, 3]', [2, 5, 5, 2], [3, 3, 2, 3]),
      conv('same 3x3 on odd sizes: [2, 7, 5, 3] x [3, 3, 3, 2]', [2, 7, 5, 3], [3, 3, 3, 2], { padding: 'same' }),
      conv('strides 2, valid: [2, 7, 7, 2] x [3, 3, 2, 2]', [2, 7, 7, 2], [3, 3, 2, 2], { strides: 2 }),
      conv('strides 2, same on 7 x 5 (padding only after)', [2, 7, 5, 2], [2, 2, 2, 3], { strides: 2, padding: 'same' }),
      conv('strides [1, 2], same, 2 x 3 filter', [2, 5, 6, 2], [2, 3, 2, 2], { strides: [1, 2], padding: 'same' }),
      conv('dilation 2, valid: [2, 7, 7, 2] x [3, 3, 2, 2]', [2, 7, 7, 2], [3, 3, 2, 2], { dilations: 2 }),
      conv('dilation 2, same, odd sizes', [2, 6, 5, 1], [3, 2, 1, 2], { dilations: 2, padding: 'same' }),
      conv('dilations [2, 1] with strides 2, same', [2, 7, 7, 2], [3, 3, 2, 2], { dilations: [2, 1], strides: 2, padding: 'same' }),
      conv('even 4 x 4 filter, same (more padding after)', [2, 5, 5, 1], [4, 4, 1, 2], { padding: 'same' }),
      conv('batch 1, 1 x 1 filter (pointwise)', [1, 4, 3, 3], [1, 1, 3, 2]),
      conv('1 x 1 filter, strides 2', [2, 5, 5, 2], [1, 1, 2, 3], { strides: 2 }),
      conv('size-1 spatial dims, same: [2, 1, 1, 3] x [3, 3, 3, 2]', [2, 1, 1, 3], [3, 3, 3, 2], { padding: 'same' }),
      conv('filter as large as the input: one output pixel', [2, 3, 4, 2], [3, 4, 2, 2]),
      conv('one channel in and out: [2, 6, 6, 1] x [5, 5, 1, 1]', [2, 6, 6, 1], [5, 5, 1, 1]),
      conv('empty batch: [0, 5, 5, 2]', [0, 5, 5, 2], [3, 3, 2, 3]),
      conv1d('conv1d, valid: [2, 7, 2] x [3, 2, 3]', [2, 7, 2], [3, 2, 3]),
      conv1d('conv1d, same, stride 2: [2, 7, 3] x [2, 3, 2]', [2, 7, 3], [2, 3, 2], { stride: 2, padding: 'same' }),
      conv1d('conv1d, causal, dilation 2: [2, 6, 2] x [3, 2, 2]', [2, 6, 2], [3, 2, 2], { dilation: 2, padding: 'causal' }),
    ],
    grads: [
      conv('same, strides 2: [2, 5, 5, 2] x [3, 3, 2, 3]', [2, 5, 5, 2], [3, 3, 2, 3], { strides: 2, padding: 'same' }, CONV_GRADS),
      conv('valid, dilation 2: [1, 6, 5, 2] x [2, 2, 2, 2]', [1, 6, 5, 2], [2, 2, 2, 2], { dilations: 2 }, CONV_GRADS),
      conv('1 x 1 filter (pointwise)', [2, 3, 3, 2], [1, 1, 2, 2], {}, CONV_GRADS),
      conv1d('conv1d, causal: [2, 5, 2] x [3, 2, 2]', [2, 5, 2], [3, 2, 2], { padding: 'causal' }, CONV_GRADS),
    ],
    errors: [
      misuse('x of rank 3 throws ShapeError', [r([5, 5, 2]), r([3, 3, 2, 3])], conv2d({}), ShapeError),
      misuse('a channel mismatch throws ShapeError', [r([2, 5, 5, 1]), r([3, 3, 3, 2])], conv2d({}), ShapeError),
      misuse('int32 x throws DTypeError', [ints([1, 3, 3, 1]), r([1, 1, 1, 1])], conv2d({}), DTypeError),
      misuse('strides 0 throws ValueError', [r([1, 3, 3, 1]), r([1, 1, 1, 1])], conv2d({ strides: 0 }), ValueError),
      misuse('dilations [1, -1] throws ValueError', [r([1, 3, 3, 1]), r([1, 1, 1, 1])], conv2d({ dilations: [1, -1] }), ValueError),
      misuse("padding 'full' throws ValueError", [r([1, 3, 3, 1]), r([1, 1, 1, 1])], conv2d({ padding: 'full' }), ValueError),
      misuse("a 5 x 5 filter on 3 x 3 with 'valid' throws ShapeError", [r([1, 3, 3, 1]), r([5, 5, 1, 1])], conv2d({}), ShapeError),
      misuse('conv1d: a channel mismatch throws ShapeError', [r([2, 5, 2]), r([3, 1, 2])], (a, b) => tf.conv1d(a, b), ShapeError, 'conv1d'),
      misuse('conv1d: stride 0 throws ValueError', [r([2, 5, 2]), r([3, 2, 2])], (a, b) => tf.conv1d(a, b, { stride: 0 }), ValueError, 'conv1d'),
    ],
  },
  Conv2DBackpropInput: {
    op: 'conv2dTranspose',
    values: [
      transpose('strides 2, same: [2, 4, 4, 3] -> [2, 7, 7, 2]', [2, 4, 4, 3], [3, 3, 2, 3], [2, 7, 7, 2], { strides: 2, padding: 'same' }),
      transpose('strides 2, same, even filter: [2, 3, 4, 2] -> [2, 6, 8, 1]', [2, 3, 4, 2], [2, 2, 1, 2], [2, 6, 8, 1], { strides: 2, padding: 'same' }),
      transpose('strides 2, same, odd padding: [2, 4, 3, 2] -> [2, 7, 5, 1]', [2, 4, 3, 2], [2, 2, 1, 2], [2, 7, 5, 1], { strides: 2, padding: 'same' }),
      transpose('valid: [2, 3, 3, 2] -> [2, 5, 5, 3]', [2, 3, 3, 2], [3, 3, 3, 2], [2, 5, 5, 3]),
      transpose('valid, strides 2, one row more: [2, 3, 3, 2] -> [2, 8, 7, 1]', [2, 3, 3, 2], [3, 3, 1, 2], [2, 8, 7, 1], { strides: 2 }),
      transpose('valid, dilation 2: [1, 3, 3, 2] -> [1, 7, 5, 2]', [1, 3, 3, 2], [3, 2, 2, 2], [1, 7, 5, 2], { dilations: 2 }),
      transpose('1 x 1 filter: [2, 3, 3, 3] -> [2, 3, 3, 2]', [2, 3, 3, 3], [1, 1, 2, 3], [2, 3, 3, 2]),
      transpose('strides 3 past a 2 x 2 filter (gaps): [1, 2, 2, 1] -> [1, 6, 6, 2]', [1, 2, 2, 1], [2, 2, 2, 1], [1, 6, 6, 2], { strides: 3 }),
      transpose('size-1 spatial dims, same: [2, 1, 1, 2] -> [2, 1, 1, 3]', [2, 1, 1, 2], [3, 3, 3, 2], [2, 1, 1, 3], { padding: 'same' }),
    ],
    grads: [
      transpose('strides 2, same: [2, 3, 3, 2] -> [2, 5, 5, 2]', [2, 3, 3, 2], [3, 3, 2, 2], [2, 5, 5, 2], { strides: 2, padding: 'same' }, [
        'Conv2D',
        'Conv2DBackpropFilter',
      ]),
      transpose('valid, dilations [2, 1]: [1, 3, 2, 2] -> [1, 5, 4, 1]', [1, 3, 2, 2], [2, 3, 1, 2], [1, 5, 4, 1], { dilations: [2, 1] }, [
        'Conv2D',
        'Conv2DBackpropFilter',
      ]),
    ],
    errors: [
      misuse(
        'an outputShape that conv2d does not map to x throws ShapeError',
        [r([1, 3, 3, 2]), r([3, 3, 1, 2])],
        (a, b) => tf.conv2dTranspose(a, b, [1, 9, 9, 1]),
        ShapeError,
      ),
      misuse(
        'a channel mismatch throws ShapeError',
        [r([1, 3, 3, 2]), r([3, 3, 1, 3])],
        (a, b) => tf.conv2dTranspose(a, b, [1, 5, 5, 1]),
        ShapeError,
      ),
      misuse(
        'outputShape channels unlike the filter throw ShapeError',
        [r([1, 3, 3, 2]), r([3, 3, 1, 2])],
        (a, b) => tf.conv2dTranspose(a, b, [1, 5, 5, 2]),
        ShapeError,
      ),
      misuse(
        'an outputShape of rank 3 throws ShapeError',
        [r([1, 3, 3, 2]), r([3, 3, 1, 2])],
        (a, b) => tf.conv2dTranspose(a, b, [5, 5, 1]),
        ShapeError,
      ),
      misuse(
        'strides [2, 0] throws ValueError',
        [r([1, 3, 3, 2]), r([3, 3, 1, 2])],
        (a, b) => tf.conv2dTranspose(a, b, [1, 5, 5, 1], { strides: [2, 0] }),
        ValueError,
      ),
    ],
  },
  Conv2DBackpropFilter: {
    op: 'conv2dBackpropFilter',
    values: [
      filterGrad('same, strides 2: x [2, 5, 5, 2], dy [2, 3, 3, 3]', [2, 5, 5, 2], [2, 3, 3, 3], [3, 3, 2, 3], { strides: 2, padding: 'same' }),
      filterGrad('valid, dilation 2: x [2, 7, 6, 2], dy [2, 3, 4, 2]', [2, 7, 6, 2], [2, 3, 4, 2], [3, 2, 2, 2], { dilations: 2 }),
      filterGrad('1 x 1 filter (pointwise): x [2, 3, 4, 3]', [2, 3, 4, 3], [2, 3, 4, 2], [1, 1, 3, 2]),
      filterGrad('even filter, same on odd sizes: x [1, 5, 7, 1]', [1, 5, 7, 1], [1, 5, 7, 2], [2, 4, 1, 2], { padding: 'same' }),
      filterGrad('strides 2, valid, odd sizes: x [2, 7, 5, 2]', [2, 7, 5, 2], [2, 3, 2, 2], [3, 3, 2, 2], { strides: 2 }),
    ],
    grads: [
      filterGrad('same, strides 2: x [2, 5, 4, 2], dy [2, 3, 2, 2]', [2, 5, 4, 2], [2, 3, 2, 2], [3, 3, 2, 2], { strides: 2, padding: 'same' }, [
        'Conv2D',
        'Conv2DBackpropInput',
      ]),
    ],
    errors: [
      misuse(
        'dy of the wrong shape throws ShapeError',
        [r([1, 5, 5, 2]), r([1, 4, 4, 3])],
        (a, b) => tf.conv2dBackpropFilter(a, b, [3, 3, 2, 3]),
        ShapeError,
      ),
      misuse(
        'a filterShape whose channels differ from x throws ShapeError',
        [r([1, 5, 5, 2]), r([1, 3, 3, 3])],
        (a, b) => tf.conv2dBackpropFilter(a, b, [3, 3, 1, 3]),
        ShapeError,
      ),
    ],
  },
  DepthwiseConv2D: {
    op: 'depthwiseConv2d',
    values: [
      depthwise('multiplier 1, same: [2, 5, 5, 3] x [3, 3, 3, 1]', [2, 5, 5, 3], [3, 3, 3, 1], { padding: 'same' }),
      depthwise('multiplier 2, valid, strides 2: [2, 7, 6, 2] x [3, 3, 2, 2]', [2, 7, 6, 2], [3, 3, 2, 2], { strides: 2 }),
      depthwise('dilation 2, same, odd sizes: [2, 7, 5, 3] x [2, 3, 3, 1]', [2, 7, 5, 3], [2, 3, 3, 1], { dilations: 2, padding: 'same' }),
      depthwise('strides 2, same on 7 x 5, multiplier 3', [1, 7, 5, 2], [2, 2, 2, 3], { strides: 2, padding: 'same' }),
      depthwise('batch 1, 1 x 1 filter: [1, 3, 3, 2] x [1, 1, 2, 3]', [1, 3, 3, 2], [1, 1, 2, 3]),
      depthwise('size-1 spatial dims, same: [2, 1, 1, 2] x [3, 3, 2, 2]', [2, 1, 1, 2], [3, 3, 2, 2], { padding: 'same' }),
    ],
    grads: [
      depthwise('multiplier 2, same, strides 2: [2, 5, 5, 2] x [3, 3, 2, 2]', [2, 5, 5, 2], [3, 3, 2, 2], { strides: 2, padding: 'same' }, DEPTHWISE_GRADS),
      depthwise('valid, dilation 2: [1, 6, 5, 3] x [2, 2, 3, 1]', [1, 6, 5, 3], [2, 2, 3, 1], { dilations: 2 }, DEPTHWISE_GRADS),
    ],
    errors: [
      misuse('a channel mismatch throws ShapeError', [r([1, 5, 5, 2]), r([3, 3, 3, 1])], (a, b) => tf.depthwiseConv2d(a, b), ShapeError),
      misuse('a filter of rank 3 throws ShapeError', [r([1, 5, 5, 2]), r([3, 3, 2])], (a, b) => tf.depthwiseConv2d(a, b), ShapeError),
      misuse('strides -1 throws ValueError', [r([1, 5, 5, 2]), r([3, 3, 2, 1])], (a, b) => tf.depthwiseConv2d(a, b, { strides: -1 }), ValueError),
      misuse(
        "a filter taller than x with 'valid' throws ShapeError",
        [r([1, 2, 5, 2]), r([3, 3, 2, 1])],
        (a, b) => tf.depthwiseConv2d(a, b),
        ShapeError,
      ),
    ],
  },
  DepthwiseConv2DBackpropInput: {
    op: 'depthwiseConv2dBackpropInput',
    values: [
      depthwiseInput('multiplier 2, same, strides 2: -> [2, 5, 5, 2]', [2, 3, 3, 4], [3, 3, 2, 2], [2, 5, 5, 2], { strides: 2, padding: 'same' }),
      depthwiseInput('valid, dilation 2: -> [2, 5, 5, 3]', [2, 3, 1, 3], [2, 3, 3, 1], [2, 5, 5, 3], { dilations: 2 }),
      depthwiseInput('strides 3 past a 2 x 2 filter (gaps): -> [1, 7, 6, 2]', [1, 2, 2, 2], [2, 2, 2, 1], [1, 7, 6, 2], { strides: 3 }),
      depthwiseInput('1 x 1 filter, multiplier 3: -> [2, 3, 2, 2]', [2, 3, 2, 6], [1, 1, 2, 3], [2, 3, 2, 2]),
    ],
    grads: [
      depthwiseInput('multiplier 2, same, strides 2: -> [1, 5, 4, 2]', [1, 3, 2, 4], [3, 3, 2, 2], [1, 5, 4, 2], { strides: 2, padding: 'same' }, [
        'DepthwiseConv2D',
        'DepthwiseConv2DBackpropFilter',
      ]),
    ],
    errors: [
      misuse(
        'dy of the wrong shape throws ShapeError',
        [r([1, 3, 3, 3]), r([3, 3, 2, 2])],
        (a, b) => tf.depthwiseConv2dBackpropInput(a, b, [1, 5, 5, 2]),
        ShapeError,
      ),
      misuse(
        'an inputShape whose channels differ from the filter throws ShapeError',
        [r([1, 3, 3, 4]), r([3, 3, 2, 2])],
        (a, b) => tf.depthwiseConv2dBackpropInput(a, b, [1, 5, 5, 3]),
        ShapeError,
      ),
    ],
  },
  DepthwiseConv2DBackpropFilter: {
    op: 'depthwiseConv2dBackpropFilter',
    values: [
      depthwiseFilter('multiplier 2, same, strides 2: x [2, 5, 5, 2]', [2, 5, 5, 2], [2, 3, 3, 4], [3, 3, 2, 2], { strides: 2, padding: 'same' }),
      depthwiseFilter('valid, dilation 2: x [2, 5, 5, 3]', [2, 5, 5, 3], [2, 3, 1, 3], [2, 3, 3, 1], { dilations: 2 }),
      depthwiseFilter('1 x 1 filter, multiplier 3: x [2, 3, 2, 2]', [2, 3, 2, 2], [2, 3, 2, 6], [1, 1, 2, 3]),
    ],
    grads: [
      depthwiseFilter('multiplier 2, same: x [1, 4, 5, 2]', [1, 4, 5, 2], [1, 4, 5, 4], [3, 2, 2, 2], { padding: 'same' }, [
        'DepthwiseConv2D',
        'DepthwiseConv2DBackpropInput',
      ]),
    ],
    errors: [
      misuse(
        'dy of the wrong shape throws ShapeError',
        [r([1, 5, 5, 2]), r([1, 3, 3, 2])],
        (a, b) => tf.depthwiseConv2dBackpropFilter(a, b, [3, 3, 2, 2]),
        ShapeError,
      ),
      misuse(
        'int32 x throws DTypeError',
        [ints([1, 5, 5, 2]), r([1, 3, 3, 4])],
        (a, b) => tf.depthwiseConv2dBackpropFilter(a, b, [3, 3, 2, 2]),
        DTypeError,
      ),
    ],
  },
};
