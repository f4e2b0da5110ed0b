import { AxisError, DTypeError, ShapeError, TesseraError, util, type KernelConfig } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { runCopy, transposeInto } from '../shaders/copy.js';

/** Transpose: output axis `i` is input axis `attrs.perm[i]`. */
export const transposeConfig: KernelConfig<'Transpose', WebGPUBackend> = {
  kernelName: 'Transpose',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x], attrs: { perm }, backend }) => {
    const rank = x.shape.length;
    if (perm.length !== rank || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
      throw new AxisError(`Transpose (webgpu): expected a permutation of [0..${rank - 1}] but got [${perm.join(', ')}]`);
    }
    const out = backend.makeOutput(
      perm.map((p) => x.shape[p]),
      x.dtype,
    );
    const buffer = backend.outputBuffer(out);
    if (buffer) transposeInto(backend, x, perm, buffer);
    return out;
  },
};

/** Slice: the block of `attrs.size` at `attrs.begin` (resolved and checked by the op). */
export const sliceConfig: KernelConfig<'Slice', WebGPUBackend> = {
  kernelName: 'Slice',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x], attrs: { begin, size }, backend }) => {
    const out = backend.makeOutput(size, x.dtype);
    const buffer = backend.outputBuffer(out);
    if (buffer) {
      const strides = util.computeStrides(x.shape);
      const offset = begin.reduce((o, b, d) => o + b * strides[d], 0);
      runCopy(backend, x, buffer, size, strides, offset, util.computeStrides(size), 0);
    }
    return out;
  },
};

/** Reverse: flips `x` along each of `attrs.axes` (read with negative strides). */
export const reverseConfig: KernelConfig<'Reverse', WebGPUBackend> = {
  kernelName: 'Reverse',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [x], attrs, backend }) => {
    const axes = util.normalizeAxes(attrs.axes, x.shape.length, 'Reverse');
    const out = backend.makeOutput(x.shape, x.dtype);
    const buffer = backend.outputBuffer(out);
    if (buffer) {
      const strides = util.computeStrides(x.shape);
      let offset = 0;
      const src = strides.map((s, d) => {
        if (!axes.includes(d)) return s;
        offset += (x.shape[d] - 1) * s;
        return -s;
      });
      runCopy(backend, x, buffer, x.shape, src, offset, strides, 0);
    }
    return out;
  },
};

/** Concat: one copy per input into its slab of the output. */
export const concatConfig: KernelConfig<'Concat', WebGPUBackend> = {
  kernelName: 'Concat',
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    if (inputs.length === 0) throw new TesseraError('Concat (webgpu): expected at least one input');
    const first = inputs[0];
    const rank = first.shape.length;
    if (rank === 0) throw new ShapeError('Concat (webgpu): expected inputs of rank >= 1 but got scalars');
    const axis = util.normalizeAxis(attrs.axis, rank, 'Concat');
    let total = 0;
    for (const x of inputs) {
      if (x.dtype !== first.dtype) throw new DTypeError(`Concat (webgpu): expected inputs of one dtype but got ${first.dtype} and ${x.dtype}`);
      if (x.shape.length !== rank || x.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
        throw new ShapeError(
          `Concat (webgpu): along axis ${axis}, expected shapes equal to ${util.formatShape(first.shape)} except at that axis but got ${util.formatShape(x.shape)}`,
        );
      }
      total += x.shape[axis];
    }
    const outShape = first.shape.map((d, i) => (i === axis ? total : d));
    const out = backend.makeOutput(outShape, first.dtype);
    const buffer = backend.outputBuffer(out);
    if (buffer) {
      const outStrides = util.computeStrides(outShape);
      let at = 0;
      for (const x of inputs) {
        runCopy(backend, x, buffer, x.shape, util.computeStrides(x.shape), 0, outStrides, at * outStrides[axis]);
        at += x.shape[axis];
      }
    }
    return out;
  },
};
