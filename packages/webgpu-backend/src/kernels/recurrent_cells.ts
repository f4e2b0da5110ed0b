import type { KernelConfig, TensorInfo } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { SIGMOID, TANH } from '../shaders/activation.js';
import { FLOAT_BITS, WG } from '../shaders/common.js';
import { EXP, EXPM1 } from '../shaders/math.js';
import { UniformLayout } from '../uniforms.js';

/**
 * The recurrent cells, one dispatch per step and per gradient: each shader writes all of
 * its kernel's outputs (bound after the inputs, `out0`, `out1`, ...). The op has checked
 * the shapes; `B` is the batch and `U` the units.
 *
 * The forward shaders are a tiled product with the cell update as its epilogue: a
 * workgroup computes a tile of TILE rows x TILE units, each thread one (row, unit) and
 * the sums of all its gates (4 for the LSTM, 3 for the GRU), so the whole update is local
 * to the thread: no gate sum is written out, read back or exchanged. `h` and the gate
 * columns of the recurrent kernel pass through workgroup memory TILE deep at a time.
 * The cells compute in f32 whatever the backend's GEMM precision.
 */
const TILE = 16;

const layout = new UniformLayout([['B', 'u32'], ['U', 'u32'], ['size', 'u32']]);

/** Binding declarations: `x0..` read-only inputs, then `out0..` outputs, then the uniforms. */
function declare(inputs: number, outputs: number): string {
  const lines: string[] = [];
  for (let i = 0; i < inputs; i++) lines.push(`@group(0) @binding(${i}) var<storage, read> x${i}: array<f32>;`);
  for (let j = 0; j < outputs; j++) lines.push(`@group(0) @binding(${inputs + j}) var<storage, read_write> out${j}: array<f32>;`);
  lines.push(layout.struct, `@group(0) @binding(${inputs + outputs}) var<uniform> u: U;`);
  return lines.join('\n');
}

/** The gate activations, as their unary kernels compute them. */
const ACTIVATIONS = [FLOAT_BITS, EXP, EXPM1, `fn sigmoidF(x: f32) -> f32 { ${SIGMOID.body} }`, `fn tanhF(x: f32) -> f32 { ${TANH.body} }`].join('\n');

/**
 * A tiled `h @ recurrentKernel` over `gates` column blocks of width U, with `epilogue`
 * (WGSL using `m`, `j`, `acc[g]`) run by each thread whose row and unit exist. `h` is
 * input `hAt`, the recurrent kernel `kAt`.
 */
function cellSource(inputs: number, outputs: number, gates: number, hAt: number, kAt: number, epilogue: string): string {
  return `${declare(inputs, outputs)}
${ACTIVATIONS}
var<workgroup> tileH: array<f32, ${TILE * TILE}>;
var<workgroup> tileK: array<f32, ${gates * TILE * TILE}>;
@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let m = wid.y * ${TILE}u + lid.y;
  let j = wid.x * ${TILE}u + lid.x;
  let width = ${gates}u * u.U;
  var acc: array<f32, ${gates}>;
  for (var k0 = 0u; k0 < u.U; k0 = k0 + ${TILE}u) {
    // Thread (y, x) loads h[m][k0 + x] and, for each gate, kernel[k0 + y][g * U + unit x of the tile].
    var hv = 0.0;
    if (m < u.B && k0 + lid.x < u.U) { hv = x${hAt}[m * u.U + k0 + lid.x]; }
    tileH[lid.y * ${TILE}u + lid.x] = hv;
    for (var g = 0u; g < ${gates}u; g = g + 1u) {
      var kv = 0.0;
      if (k0 + lid.y < u.U && j < u.U) { kv = x${kAt}[(k0 + lid.y) * width + g * u.U + j]; }
      tileK[(g * ${TILE}u + lid.y) * ${TILE}u + lid.x] = kv;
    }
    workgroupBarrier();
    for (var k = 0u; k < ${TILE}u; k = k + 1u) {
      let a = tileH[lid.y * ${TILE}u + k];
      for (var g = 0u; g < ${gates}u; g = g + 1u) {
        acc[g] = acc[g] + a * tileK[(g * ${TILE}u + k) * ${TILE}u + lid.x];
      }
    }
    workgroupBarrier();
  }
  if (m >= u.B || j >= u.U) { return; }
${epilogue}
}`;
}

/** LSTM: inputs xw, h, c, kernel; outputs h', c', gates [i, f, g, o]. */
const LSTM_EPILOGUE = `  let x = m * 4u * u.U + j;
  let i = sigmoidF(acc[0] + x0[x]);
  let f = sigmoidF(acc[1] + x0[x + u.U]);
  let g = tanhF(acc[2] + x0[x + 2u * u.U]);
  let o = sigmoidF(acc[3] + x0[x + 3u * u.U]);
  out2[x] = i;
  out2[x + u.U] = f;
  out2[x + 2u * u.U] = g;
  out2[x + 3u * u.U] = o;
  let r = m * u.U + j;
  let c = f * x2[r] + i * g;
  out1[r] = c;
  out0[r] = o * tanhF(c);`;

/** GRU (reset_after): inputs xw, h, kernel, bias; outputs h', gates [z, r, hh, hz_h]. */
const GRU_EPILOGUE = `  let x = m * 3u * u.U + j;
  let s = m * 4u * u.U + j;
  let z = sigmoidF(x0[x] + (acc[0] + x3[j]));
  let r = sigmoidF(x0[x + u.U] + (acc[1] + x3[j + u.U]));
  let hzh = acc[2] + x3[j + 2u * u.U];
  let hh = tanhF(x0[x + 2u * u.U] + r * hzh);
  out1[s] = z;
  out1[s + u.U] = r;
  out1[s + 2u * u.U] = hh;
  out1[s + 3u * u.U] = hzh;
  let row = m * u.U + j;
  out0[row] = z * x1[row] + (1.0 - z) * hh;`;

/** One thread per (row, unit): `body` uses `m`, `j` and `row = m * U + j`. */
function perUnitSource(inputs: number, outputs: number, body: string): string {
  return `${declare(inputs, outputs)}
${ACTIVATIONS}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lix: u32) {
  let row = (wid.y * nwg.x + wid.x) * ${WG}u + lix;
  if (row >= u.size) { return; }
  let m = row / u.U;
  let j = row % u.U;
${body}
}`;
}

/** LSTM gradient: inputs dh, dc, c, gates, c'; outputs dz, dc_prev. */
const LSTM_GRAD = `  let s = m * 4u * u.U + j;
  let i = x3[s];
  let f = x3[s + u.U];
  let g = x3[s + 2u * u.U];
  let o = x3[s + 3u * u.U];
  let t = tanhF(x4[row]);
  let dh = x0[row];
  let dcAll = x1[row] + dh * o * (1.0 - t * t);
  out0[s] = dcAll * g * (i * (1.0 - i));
  out0[s + u.U] = dcAll * x2[row] * (f * (1.0 - f));
  out0[s + 2u * u.U] = dcAll * i * (1.0 - g * g);
  out0[s + 3u * u.U] = dh * t * (o * (1.0 - o));
  out1[row] = dcAll * f;`;

/** GRU gradient: inputs dh, h, gates; outputs dxw, dhz, dh*z. */
const GRU_GRAD = `  let s = m * 4u * u.U + j;
  let x = m * 3u * u.U + j;
  let z = x2[s];
  let r = x2[s + u.U];
  let hh = x2[s + 2u * u.U];
  let hzh = x2[s + 3u * u.U];
  let dh = x0[row];
  let dz = dh * (x1[row] - hh) * (z * (1.0 - z));
  let dhh = dh * (1.0 - z) * (1.0 - hh * hh);
  let dr = dhh * hzh * (r * (1.0 - r));
  out0[x] = dz;
  out0[x + u.U] = dr;
  out0[x + 2u * u.U] = dhh;
  out1[x] = dz;
  out1[x + u.U] = dr;
  out1[x + 2u * u.U] = dhh * r;
  out2[row] = dh * z;`;

const PROGRAMS = {
  LSTMCell: { key: 'cell:lstm', uniforms: layout, source: () => cellSource(4, 3, 4, 1, 3, LSTM_EPILOGUE) },
  GRUCell: { key: 'cell:gru', uniforms: layout, source: () => cellSource(4, 2, 3, 1, 2, GRU_EPILOGUE) },
  LSTMCellGrad: { key: 'cell:lstm-grad', uniforms: layout, source: () => perUnitSource(5, 2, LSTM_GRAD) },
  GRUCellGrad: { key: 'cell:gru-grad', uniforms: layout, source: () => perUnitSource(3, 3, GRU_GRAD) },
} as const;

/**
 * Makes the outputs (`widths[k]` units wide per row: multiples of U) and records the
 * one dispatch that writes them all, unless they are empty.
 */
function runCell(backend: WebGPUBackend, kernel: keyof typeof PROGRAMS, inputs: readonly TensorInfo[], rowsOf: TensorInfo, widths: readonly number[]): TensorInfo[] {
  const [B, U] = rowsOf.shape;
  const outs = widths.map((w) => backend.makeOutput([B, w * U], 'float32'));
  if (B * U === 0) return outs;
  const buffers = outs.map((o) => backend.outputBuffer(o)!);
  const tiled = kernel === 'LSTMCell' || kernel === 'GRUCell';
  const grid = tiled ? ([Math.ceil(U / TILE), Math.ceil(B / TILE), 1] as const) : Math.ceil((B * U) / WG);
  backend.dispatch(PROGRAMS[kernel], inputs, buffers, { B, U, size: B * U }, grid);
  return outs;
}

/** LSTMCell: one dispatch, a tiled `h @ recurrentKernel` whose epilogue is the cell update; writes h', c' and the gates. */
export const lstmCellConfig: KernelConfig<'LSTMCell', WebGPUBackend> = {
  kernelName: 'LSTMCell',
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }) => runCell(backend, 'LSTMCell', inputs, inputs[1], [1, 1, 4]),
};

/** LSTMCellGrad: one elementwise dispatch over (row, unit) writing dz and the gradient of c. */
export const lstmCellGradConfig: KernelConfig<'LSTMCellGrad', WebGPUBackend> = {
  kernelName: 'LSTMCellGrad',
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }) => runCell(backend, 'LSTMCellGrad', inputs, inputs[0], [4, 1]),
};

/** GRUCell: one dispatch, a tiled `h @ recurrentKernel` whose epilogue is the GRU update; writes h' and z, r, hh, hz_h. */
export const gruCellConfig: KernelConfig<'GRUCell', WebGPUBackend> = {
  kernelName: 'GRUCell',
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }) => runCell(backend, 'GRUCell', inputs, inputs[1], [1, 4]),
};

/** GRUCellGrad: one elementwise dispatch over (row, unit) writing dxw, dhz and dh*z. */
export const gruCellGradConfig: KernelConfig<'GRUCellGrad', WebGPUBackend> = {
  kernelName: 'GRUCellGrad',
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }) => runCell(backend, 'GRUCellGrad', inputs, inputs[0], [3, 3, 1]),
};
