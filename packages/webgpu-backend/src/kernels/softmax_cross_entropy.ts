import { ShapeError, util, type KernelConfig, type TensorInfo } from '@tessera/tensor';
import type { Program, WebGPUBackend } from '../backend_webgpu.js';
import { bindings, FLOAT_BITS } from '../shaders/common.js';
import { EXP } from '../shaders/math.js';
import { UniformLayout } from '../uniforms.js';
import { assertDType } from './unary.js';

/*
 * Softmax crossentropy from logits, one workgroup per row: a tree reduction of the row's
 * maximum in workgroup memory, then one of its three sums (exp(x - max), labels,
 * labels * (max - x)), each thread first folding a strided part of the row. Neither the
 * probabilities nor any other row-sized intermediate is ever stored.
 */

/** Threads per row: rows are class scores (tens to a few thousand), so a small tree. */
const ROW_WG = 64;

const layout = new UniformLayout([['rows', 'u32'], ['classes', 'u32']]);

/**
 * WGSL of `fn rowStats(row, lix)`, which every thread of a row's workgroup calls: it
 * leaves the row's max in `stat[0]` and the three sums in `stat[1..3]`. `logits` and
 * `labels` name the bindings.
 */
function rowStats(logits: string, labels: string): string {
  return /* wgsl */ `
var<workgroup> tmax: array<f32, ${ROW_WG}>;
var<workgroup> tsum: array<vec3<f32>, ${ROW_WG}>;
var<workgroup> stat: vec4<f32>;
fn rowStats(row: u32, lix: u32) {
  let base = row * u.classes;
  var m = -infF();
  for (var c = lix; c < u.classes; c = c + ${ROW_WG}u) { m = max(m, ${logits}[base + c]); }
  tmax[lix] = m;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s = s >> 1u) {
    if (lix < s) { tmax[lix] = max(tmax[lix], tmax[lix + s]); }
    workgroupBarrier();
  }
  let rowMax = tmax[0];
  // x: sum of exp(x - max); y: sum of labels; z: sum of labels * (max - x).
  var acc = vec3<f32>(0.0, 0.0, 0.0);
  for (var c = lix; c < u.classes; c = c + ${ROW_WG}u) {
    let x = ${logits}[base + c];
    let l = ${labels}[base + c];
    acc = acc + vec3<f32>(expF(x - rowMax), l, l * (rowMax - x));
  }
  tsum[lix] = acc;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s = s >> 1u) {
    if (lix < s) { tsum[lix] = tsum[lix] + tsum[lix + s]; }
    workgroupBarrier();
  }
  if (lix == 0u) { stat = vec4<f32>(rowMax, tsum[0]); }
  workgroupBarrier();
}`;
}

/** The `main` of a per-row program: `row` from the (possibly 2-D) grid, `body` after the stats. */
function rowMain(body: string): string {
  return `@compute @workgroup_size(${ROW_WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lix: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= u.rows) { return; }
  rowStats(row, lix);
${body}
}`;
}

const LOSS: Program = {
  key: 'softmax-cross-entropy',
  uniforms: layout,
  source: () =>
    [
      bindings(['f32', 'f32'], 'f32', layout),
      FLOAT_BITS,
      EXP,
      rowStats('x0', 'x1'),
      rowMain('  if (lix == 0u) { out[row] = stat.w + stat.z * log(stat.y); }'),
    ].join('\n'),
};

const GRAD: Program = {
  key: 'softmax-cross-entropy-grad',
  uniforms: layout,
  source: () =>
    [
      bindings(['f32', 'f32', 'f32'], 'f32', layout),
      FLOAT_BITS,
      EXP,
      rowStats('x1', 'x2'),
      rowMain(`  let scale = stat.z / stat.y;
  let g = x0[row];
  let base = row * u.classes;
  for (var c = lix; c < u.classes; c = c + ${ROW_WG}u) {
    out[base + c] = g * (expF(x1[base + c] - stat.x) * scale - x2[base + c]);
  }`),
    ].join('\n'),
};

/** Checks logits and labels: float32 `[N, C]` of one shape, `C >= 1`; returns `[N, C]`. */
function logitsShape(kernelName: string, logits: TensorInfo, labels: TensorInfo): [number, number] {
  assertDType(kernelName, logits, ['float32'], 'logits');
  assertDType(kernelName, labels, ['float32'], 'labels');
  if (logits.shape.length !== 2 || logits.shape[1] < 1 || !util.shapesEqual(logits.shape, labels.shape)) {
    throw new ShapeError(
      `${kernelName} (webgpu): expected logits and labels of one shape [rows, classes >= 1] but got ` +
        `${util.formatShape(logits.shape)} and ${util.formatShape(labels.shape)}`,
    );
  }
  return [logits.shape[0], logits.shape[1]];
}

/**
 * SoftmaxCrossEntropyWithLogits: logits and labels `[N, C]` -> `[N]`, per row
 * `sum(labels * (max - x)) + sum(labels) * log(sum(exp(x - max)))`, one workgroup tree per row.
 */
export const softmaxCrossEntropyWithLogitsConfig: KernelConfig<'SoftmaxCrossEntropyWithLogits', WebGPUBackend> = {
  kernelName: 'SoftmaxCrossEntropyWithLogits',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [logits, labels], backend }) => {
    const [rows, classes] = logitsShape('SoftmaxCrossEntropyWithLogits', logits, labels);
    return backend.run(LOSS, [logits, labels], { shape: [rows], dtype: 'float32' }, { rows, classes }, rows);
  },
};

/**
 * SoftmaxCrossEntropyWithLogitsGrad: dy `[N]`, logits and labels `[N, C]` ->
 * `dy * (softmax(logits) * sum(labels) - labels)`: the row's stats by a workgroup tree,
 * then each thread writes its strided part of the row.
 */
export const softmaxCrossEntropyWithLogitsGradConfig: KernelConfig<'SoftmaxCrossEntropyWithLogitsGrad', WebGPUBackend> = {
  kernelName: 'SoftmaxCrossEntropyWithLogitsGrad',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [dy, logits, labels], backend }) => {
    const name = 'SoftmaxCrossEntropyWithLogitsGrad';
    const [rows, classes] = logitsShape(name, logits, labels);
    assertDType(name, dy, ['float32'], 'dy');
    if (!util.shapesEqual(dy.shape, [rows])) {
      throw new ShapeError(`${name} (webgpu): expected dy of shape [${rows}] (one per row of logits) but got ${util.formatShape(dy.shape)}`);
    }
    return backend.run(GRAD, [dy, logits, labels], { shape: [rows, classes], dtype: 'float32' }, { rows, classes }, rows);
  },
};
