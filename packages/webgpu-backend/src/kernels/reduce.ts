import { AxisError, util, ValueError, type DType, type KernelConfig, type ReduceKernelName, type TensorInfo } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { wgslType } from '../shaders/common.js';
import { transposeInto } from '../shaders/copy.js';
import { argReduceRows, reduceRows, type Reduction } from '../shaders/reduce.js';
import { assertDType } from './unary.js';

const I32_MIN = 'i32(0x80000000u)';
const I32_MAX = '0x7fffffff';

/** Each reduction per input dtype: identity and combine; Max and Min propagate NaN, int32 wraps as the CPU. */
const REDUCTIONS: { readonly [K in ReduceKernelName]: Partial<Record<DType, Reduction>> } = {
  Sum: {
    float32: { name: 'Sum', type: 'f32', identity: '0.0', combine: 'return a + b;' },
    int32: { name: 'Sum', type: 'i32', identity: '0', combine: 'return a + b;' },
  },
  Prod: {
    float32: { name: 'Prod', type: 'f32', identity: '1.0', combine: 'return a * b;' },
    int32: { name: 'Prod', type: 'i32', identity: '1', combine: 'return a * b;' },
  },
  Max: {
    float32: { name: 'Max', type: 'f32', identity: '-infF()', combine: 'if (isNan(a) || isNan(b)) { return nanF(); } return max(a, b);' },
    int32: { name: 'Max', type: 'i32', identity: I32_MIN, combine: 'return max(a, b);' },
  },
  Min: {
    float32: { name: 'Min', type: 'f32', identity: 'infF()', combine: 'if (isNan(a) || isNan(b)) { return nanF(); } return min(a, b);' },
    int32: { name: 'Min', type: 'i32', identity: I32_MAX, combine: 'return min(a, b);' },
  },
  All: { bool: { name: 'All', type: 'u32', identity: '1u', combine: 'return a & b;' } },
  Any: { bool: { name: 'Any', type: 'u32', identity: '0u', combine: 'return a | b;' } },
};

/** Checks `axes` (sorted, distinct, in range); a scalar reduces over nothing (`[]` or `[0]`). */
function checkAxes(kernelName: string, axes: readonly number[], rank: number): readonly number[] {
  if (rank === 0 && axes.length <= 1 && (axes.length === 0 || axes[0] === 0)) return [];
  for (let k = 0; k < axes.length; k++) {
    const a = axes[k];
    if (!Number.isInteger(a) || a < 0 || a >= rank || (k > 0 && a <= axes[k - 1])) {
      throw new AxisError(
        `${kernelName} (webgpu): expected sorted, distinct axes in [0, ${rank - 1}] for a rank-${rank} tensor but got [${axes.join(', ')}]`,
      );
    }
  }
  return axes;
}

/**
 * `x` laid out as `[outer, inner]` with `axes` innermost: the tensor itself when the
 * order already fits (axes of size 1 may sit anywhere), else a transposed scratch copy
 * (`scratch` is set; release it after use).
 */
export function moveAxesLast(
  backend: WebGPUBackend,
  x: TensorInfo,
  axes: readonly number[],
): { source: TensorInfo | GPUBuffer; outer: number; inner: number; scratch?: GPUBuffer } {
  const kept: number[] = [];
  for (let d = 0; d < x.shape.length; d++) if (!axes.includes(d)) kept.push(d);
  const perm = [...kept, ...axes];
  const inner = axes.reduce((p, a) => p * x.shape[a], 1);
  const outer = kept.reduce((p, a) => p * x.shape[a], 1);
  const moving = perm.filter((d) => x.shape[d] !== 1);
  if (moving.every((d, k) => k === 0 || d > moving[k - 1])) return { source: x, outer, inner };
  const scratch = backend.scratch(outer * inner);
  transposeInto(backend, x, perm, scratch);
  return { source: scratch, outer, inner, scratch };
}

function reduceConfig<K extends ReduceKernelName>(kernelName: K): KernelConfig<K, WebGPUBackend> {
  const byDType = REDUCTIONS[kernelName];
  const dtypes = Object.keys(byDType) as DType[];
  return {
    kernelName,
    backendName: 'webgpu',
    kernelFunc: ({ inputs: [x], attrs, backend }) => {
      assertDType(kernelName, x, dtypes);
      const axes = checkAxes(kernelName, attrs.axes, x.shape.length);
      const out = backend.makeOutput(util.reducedShape(x.shape, axes), x.dtype);
      const target = backend.outputBuffer(out);
      if (!target) return out;
      const { source, outer, inner, scratch } = moveAxesLast(backend, x, axes);
      reduceRows(backend, byDType[x.dtype]!, source, outer, inner, target);
      if (scratch) backend.releaseScratch(scratch);
      return out;
    },
  };
}

/**
 * Sum, Prod, Max, Min (float32 or int32) and All, Any (bool) over sorted `attrs.axes`,
 * as workgroup-tree reductions after moving the axes innermost.
 */
export const reduceConfigs = (Object.keys(REDUCTIONS) as ReduceKernelName[]).map((name) => reduceConfig(name));

function argConfig<K extends 'ArgMax' | 'ArgMin'>(kernelName: K): KernelConfig<K, WebGPUBackend> {
  return {
    kernelName,
    backendName: 'webgpu',
    kernelFunc: ({ inputs: [x], attrs: { axis }, backend }) => {
      assertDType(kernelName, x, ['float32', 'int32']);
      const rank = x.shape.length;
      if (rank === 0 && (axis === 0 || axis === -1)) {
        const out = backend.makeOutput([], 'int32');
        backend.device.queue.writeBuffer(backend.outputBuffer(out)!, 0, new Int32Array(1));
        return out;
      }
      if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
        throw new AxisError(`${kernelName} (webgpu): expected an axis in [0, ${rank - 1}] for a rank-${rank} tensor but got ${axis}`);
      }
      const outShape = util.reducedShape(x.shape, [axis]);
      if (x.shape[axis] === 0 && util.sizeFromShape(outShape) > 0) {
        throw new ValueError(`${kernelName} (webgpu): axis ${axis} of shape ${util.formatShape(x.shape)} is empty, so it has no extreme`);
      }
      const out = backend.makeOutput(outShape, 'int32');
      const target = backend.outputBuffer(out);
      if (!target) return out;
      const { source, outer, inner, scratch } = moveAxesLast(backend, x, [axis]);
      argReduceRows(backend, { name: kernelName, type: wgslType(x.dtype) as 'f32' | 'i32' }, source, outer, inner, target);
      if (scratch) backend.releaseScratch(scratch);
      return out;
    },
  };
}

/** ArgMax along `attrs.axis`: int32 index of the first maximum (the first NaN, if any). */
export const argMaxConfig = argConfig('ArgMax');
/** ArgMin along `attrs.axis`: int32 index of the first minimum (the first NaN, if any). */
export const argMinConfig = argConfig('ArgMin');
