import { BackendError, util, type DType, type Shape, type TensorInfo } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { broadcastStrides, collapseAxes, contiguousStrides } from '../collapse.js';
import { MAX_RANK, UniformLayout, at, type UniformField, type UniformValues } from '../uniforms.js';
import { bindings, eachCoordinate, flatMain, runPerElement, wgslType, type WgslType } from './common.js';

/**
 * One elementwise operation: WGSL `fn op(x0: T0, x1: T1, ...) -> R` over the inputs'
 * storage types, the helper functions it calls, and scalar attributes it reads as
 * `u.<name>` (f32 uniforms).
 */
export interface ElementwiseOp {
  /** Names the shader variant (op and dtypes). */
  readonly name: string;
  /** The WGSL function `op`. */
  readonly fn: string;
  /** Helper functions `fn` calls. */
  readonly helpers?: string;
  /** Scalar attributes, read in `fn` as `u.<name>`. */
  readonly attrs?: readonly string[];
}

/** How a shader reads one input: at the output's index, at 0, or through strides. */
type Access = 'same' | 'scalar' | 'strided';

const layouts = new Map<string, UniformLayout>();
function layoutFor(rank: number, access: readonly Access[], attrs: readonly string[]): UniformLayout {
  const key = `${rank}|${access.join(',')}|${attrs.join(',')}`;
  let layout = layouts.get(key);
  if (!layout) {
    const fields: UniformField[] = [['size', 'u32']];
    if (access.includes('strided')) fields.push(['shape', 'uvec']);
    access.forEach((a, j) => a === 'strided' && fields.push([`s${j}`, 'uvec']));
    for (const name of attrs) fields.push([name, 'f32']);
    layouts.set(key, (layout = new UniformLayout(fields)));
  }
  return layout;
}

function source(op: ElementwiseOp, types: readonly WgslType[], outType: WgslType, rank: number, access: readonly Access[], layout: UniformLayout): string {
  const lines: string[] = [];
  if (access.includes('strided')) {
    const strided = access.flatMap((a, j) => (a === 'strided' ? [j] : []));
    for (const j of strided) lines.push(`  var i${j} = 0u;`);
    lines.push(eachCoordinate(rank, (d) => strided.map((j) => `i${j} = i${j} + c * ${at(`s${j}`, d)};`).join(' ')));
  }
  const args = access.map((a, j) => `x${j}[${a === 'same' ? 'gi' : a === 'scalar' ? '0u' : `i${j}`}]`);
  lines.push(`  out[gi] = op(${args.join(', ')});`);
  return [bindings(types, outType, layout), op.helpers ?? '', op.fn, flatMain(lines.join('\n'))].join('\n');
}

/**
 * Runs an elementwise op over inputs broadcast together (NumPy rules) into an output
 * of `outShape` and `outDType`: one thread per output element. Axes are merged where
 * the inputs allow (see `collapseAxes`), so most calls index 1-D; inputs of the
 * output's shape read at the thread's index and scalars at 0.
 *
 * @param attrs - values of the op's scalar attributes
 */
export function runElementwise(
  backend: WebGPUBackend,
  op: ElementwiseOp,
  inputs: readonly TensorInfo[],
  outShape: Shape,
  outDType: DType,
  attrs: Record<string, number> = {},
): TensorInfo {
  const { shape, strides } = collapseAxes(
    outShape,
    [contiguousStrides(outShape), ...inputs.map((x) => broadcastStrides(x.shape, outShape))],
  );
  const outStrides = strides[0];
  const access: Access[] = inputs.map((x, j) => {
    if (util.sizeFromShape(x.shape) === 1) return 'scalar';
    return strides[j + 1].every((s, d) => s === outStrides[d]) ? 'same' : 'strided';
  });
  const rank = shape.length;
  if (access.includes('strided') && rank > MAX_RANK) {
    throw new BackendError(`webgpu: ${op.name}: broadcasting over ${rank} distinct axes; shaders index at most ${MAX_RANK}`);
  }
  const types = inputs.map((x) => wgslType(x.dtype));
  const outType = wgslType(outDType);
  const attrNames = op.attrs ?? [];
  const layout = layoutFor(rank, access, attrNames);
  const key = `ew:${op.name}:${types.join(',')}>${outType}:${rank}:${access.join(',')}`;
  const values: UniformValues = { shape, ...attrs };
  access.forEach((a, j) => a === 'strided' && (values[`s${j}`] = strides[j + 1]));
  const program = { key, source: () => source(op, types, outType, rank, access, layout), uniforms: layout };
  return runPerElement(backend, program, inputs, outShape, outDType, values);
}
