import * as tf from '@tessera/tensor';
import { DTypeError, ShapeError, ValueError, type KernelName, type Tensor } from '@tessera/tensor';
import {
  resizeBilinearGradRef,
  resizeBilinearRef,
  resizeNearestGradRef,
  resizeNearestRef,
  type RefTensor,
  type ResizeRef,
} from '../reference/index.js';
import { ints, rand } from './inputs.js';
import type { ErrorCase, KernelCases, ValueCase } from './types.js';

type Size = [number, number];
type Kind = 'nearest' | 'bilinear';

const OPS = {
  nearest: {
    resize: tf.resizeNearestNeighbor,
    grad: tf.resizeNearestNeighborGrad,
    ref: resizeNearestRef,
    gradRef: resizeNearestGradRef,
    kernel: 'ResizeNearestNeighbor',
    gradKernel: 'ResizeNearestNeighborGrad',
    op: 'resizeNearestNeighbor',
  },
  bilinear: {
    resize: tf.resizeBilinear,
    grad: tf.resizeBilinearGrad,
    ref: resizeBilinearRef,
    gradRef: resizeBilinearGradRef,
    kernel: 'ResizeBilinear',
    gradKernel: 'ResizeBilinearGrad',
    op: 'resizeBilinear',
  },
} as const;

const r = (shape: number[]) => rand(shape);

function resize(kind: Kind, name: string, x: number[], size: Size, flags: ResizeRef = {}, needs?: KernelName[]): ValueCase {
  return {
    name,
    inputs: [r(x)],
    op: (t: Tensor) => OPS[kind].resize(t, size, flags),
    ref: (t: RefTensor) => OPS[kind].ref(t, size, flags),
    needs,
  };
}

function resizeGrad(kind: Kind, name: string, dy: number[], inputShape: number[], flags: ResizeRef = {}, needs?: KernelName[]): ValueCase {
  return {
    name,
    inputs: [r(dy)],
    op: (g: Tensor) => OPS[kind].grad(g, inputShape, flags),
    ref: (g: RefTensor) => OPS[kind].gradRef(g, inputShape, flags),
    needs,
  };
}

const ALIGN = { alignCorners: true };
const HALF = { halfPixelCenters: true };

/** The cases of one resize: up, down, non-integer scales, each flag, rank 3, the same size. */
function resizeCases(kind: Kind): KernelCases {
  const needs: KernelName[] = [OPS[kind].gradKernel];
  const run = (size: Size, flags: object = {}) => (t: Tensor) => OPS[kind].resize(t, size, flags);
  const errors: ErrorCase[] = [
    {
      name: 'alignCorners with halfPixelCenters throws ValueError',
      inputs: [r([1, 2, 2, 1])],
      run: run([3, 3], { alignCorners: true, halfPixelCenters: true }),
      error: ValueError,
    },
    { name: 'size [0, 2] throws ValueError', inputs: [r([1, 2, 2, 1])], run: run([0, 2]), error: ValueError },
    { name: 'int32 x throws DTypeError', inputs: [ints([1, 2, 2, 1])], run: run([3, 3]), error: DTypeError },
    { name: 'x of rank 2 throws ShapeError', inputs: [r([2, 2])], run: run([3, 3]), error: ShapeError },
  ];
  return {
    op: OPS[kind].op,
    values: [
      resize(kind, 'upscale 2x: [2, 3, 3, 2] -> 6 x 6', [2, 3, 3, 2], [6, 6]),
      resize(kind, 'downscale 7 x 5 -> 3 x 2', [2, 7, 5, 1], [3, 2]),
      resize(kind, 'non-integer scales 3 x 4 -> 5 x 7', [2, 3, 4, 2], [5, 7]),
      resize(kind, 'alignCorners, 3 x 4 -> 5 x 7', [2, 3, 4, 2], [5, 7], ALIGN),
      resize(kind, 'alignCorners, downscale 7 x 5 -> 3 x 2', [1, 7, 5, 2], [3, 2], ALIGN),
      resize(kind, 'alignCorners to one row: 4 x 4 -> 1 x 3', [1, 4, 4, 1], [1, 3], ALIGN),
      resize(kind, 'halfPixelCenters (TF2 tf.image.resize), 3 x 4 -> 5 x 7', [2, 3, 4, 2], [5, 7], HALF),
      resize(kind, 'halfPixelCenters, downscale 7 x 5 -> 3 x 2', [2, 7, 5, 1], [3, 2], HALF),
      resize(kind, 'halfPixelCenters, upscale 2x: 2 x 3 -> 4 x 6', [1, 2, 3, 3], [4, 6], HALF),
      resize(kind, 'a 1 x 1 image to 3 x 2', [2, 1, 1, 2], [3, 2]),
      resize(kind, 'rank-3 image [3, 3, 2] -> 5 x 4', [3, 3, 2], [5, 4]),
      resize(kind, 'the same size', [2, 3, 3, 1], [3, 3]),
    ],
    grads: [
      resize(kind, 'non-integer scales 3 x 4 -> 5 x 7', [2, 3, 4, 1], [5, 7], {}, needs),
      resize(kind, 'halfPixelCenters, downscale 5 x 5 -> 3 x 2', [1, 5, 5, 2], [3, 2], HALF, needs),
      resize(kind, 'alignCorners, 3 x 3 -> 4 x 5', [1, 3, 3, 2], [4, 5], ALIGN, needs),
    ],
    errors,
  };
}

/** The cases of one resize's gradient kernel. */
function resizeGradCases(kind: Kind): KernelCases {
  const needs: KernelName[] = [OPS[kind].kernel];
  return {
    op: `${OPS[kind].op}Grad`,
    values: [
      resizeGrad(kind, 'from 2x upscale: dy [2, 6, 6, 2] -> [2, 3, 3, 2]', [2, 6, 6, 2], [2, 3, 3, 2]),
      resizeGrad(kind, 'from a downscale: dy [2, 3, 2, 1] -> [2, 7, 5, 1]', [2, 3, 2, 1], [2, 7, 5, 1]),
      resizeGrad(kind, 'alignCorners: dy [1, 5, 7, 2] -> [1, 3, 4, 2]', [1, 5, 7, 2], [1, 3, 4, 2], ALIGN),
      resizeGrad(kind, 'halfPixelCenters: dy [2, 5, 7, 1] -> [2, 3, 4, 1]', [2, 5, 7, 1], [2, 3, 4, 1], HALF),
      resizeGrad(kind, 'halfPixelCenters, downscale: dy [1, 3, 2, 2] -> [1, 7, 5, 2]', [1, 3, 2, 2], [1, 7, 5, 2], HALF),
    ],
    grads: [
      resizeGrad(kind, 'non-integer scales: dy [2, 5, 7, 1] -> [2, 3, 4, 1]', [2, 5, 7, 1], [2, 3, 4, 1], {}, needs),
      resizeGrad(kind, 'halfPixelCenters: dy [1, 3, 2, 2] -> [1, 5, 5, 2]', [1, 3, 2, 2], [1, 5, 5, 2], HALF, needs),
    ],
    errors: [
      {
        name: 'an inputShape of another batch throws ShapeError',
        inputs: [r([2, 4, 4, 1])],
        run: (g) => OPS[kind].grad(g, [1, 2, 2, 1]),
        error: ShapeError,
      },
      {
        name: 'alignCorners with halfPixelCenters throws ValueError',
        inputs: [r([1, 4, 4, 1])],
        run: (g) => OPS[kind].grad(g, [1, 2, 2, 1], { alignCorners: true, halfPixelCenters: true }),
        error: ValueError,
      },
    ],
  };
}

/** Cases of the resize kernels and their gradients. */
export const RESIZE_CASES: Record<'ResizeNearestNeighbor' | 'ResizeNearestNeighborGrad' | 'ResizeBilinear' | 'ResizeBilinearGrad', KernelCases> = {
  ResizeNearestNeighbor: resizeCases('nearest'),
  ResizeNearestNeighborGrad: resizeGradCases('nearest'),
  ResizeBilinear: resizeCases('bilinear'),
  ResizeBilinearGrad: resizeGradCases('bilinear'),
};
