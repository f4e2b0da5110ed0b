// The two implementations of the optimizer updates, MaxPool and its gradient, Relu, Select,
// comparisons against a scalar, float32 arithmetic, the recurrent cells and their gradient,
// FusedActivationGrad and the float32 Sum over leading axes: the
// WebAssembly SIMD module (built from src/wasm/vector.wat, checked
// fresh here) and the TypeScript loops.
// The conformance suite's cases of those kernels run on each, forced, as a CPU backend
// registered under its own name whose kernels switch the implementation around each
// call; test/optimizer_updates.test.ts checks the updates' bits against the op-by-op
// update, and the other kernels' two loops are compared bit for bit below, on sizes
// around the chunks the WebAssembly loops stream (16384 elements) and on special values.
//
// @tessera/conformance is imported by path (see gemm_paths.test.ts for why).
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { dispose, gruCell, gruCellGrad, lstmCell, lstmCellGrad, setBackend, type KernelName, type PoolAttrs, type Tensor } from '@tessera/tensor';
import { describeBackend } from '../../conformance/src/index.js';
import { buildVector } from '../scripts/build-wasm.mjs';
import {
  getVectorImplementation,
  setVectorImplementation,
  wasmVectorAvailable,
  type VectorImplementation,
} from '../src/index.js';
import { maxPoolGradReference, rng, run, t, vals } from './helpers.js';
import { registerPathBackend } from './path_backend.js';

const VECTOR_KERNELS: readonly KernelName[] = [
  'ApplySGD', 'ApplyAdam', 'ApplyRMSProp', 'MaxPool', 'MaxPoolGrad', 'Relu', 'Select',
  'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Add', 'Sub', 'Mul', 'Div', 'LSTMCell', 'LSTMCellGrad', 'GRUCell', 'GRUCellGrad',
  'FusedActivationGrad', 'Sum',
];
const PATHS: Record<string, VectorImplementation> = { 'cpu-vector-js': 'js', 'cpu-vector-wasm': 'wasm' };

/** `body` with the vector loops set to `impl`. */
const withLoops = (impl: VectorImplementation) => <T>(body: () => T): T => {
  const before = setVectorImplementation(impl);
  try {
    return body();
  } finally {
    setVectorImplementation(before);
  }
};

for (const [name, impl] of Object.entries(PATHS)) {
  // Every CPU kernel (the gradient cases run others), the vector ones on the forced loops.
  registerPathBackend(name, withLoops(impl), (k) => VECTOR_KERNELS.includes(k));
  describe(`the vector kernels on ${name}`, () => {
    // Concat joins the LSTM cell's two outputs in its cases.
    describeBackend(name, { kernels: [...VECTOR_KERNELS, 'Concat'] });
    // The suite leaves its backend active, whose kernels force one loop: the comparisons
    // below switch loops on 'cpu' (on 'cpu-vector-wasm' both sides would run WebAssembly).
    afterAll(() => setBackend('cpu'));
  });
}

describe('the recurrent cells on both loops', () => {
  // 150 rows of 132 units: the WebAssembly loop takes them in two chunks of rows.
  const [b, u] = [150, 132];
  const input = (shape: number[], seed: number, scale = 1) => {
    const next = rng(seed);
    return t(Array.from({ length: shape[0] * (shape[1] ?? 1) }, () => (next() * 2 - 1) * scale), shape);
  };
  const onLoops = (f: () => Tensor[]) =>
    (['js', 'wasm'] as const).map((impl) => {
      const before = setVectorImplementation(impl);
      const ys = f();
      try {
        return ys.map((y) => y.dataSync() as Float32Array);
      } finally {
        setVectorImplementation(before);
        dispose(ys);
      }
    });
  const expectClose = ([js, wasm]: Float32Array[][]) =>
    js.forEach((values, k) => values.forEach((v, i) => expect(Math.abs(wasm[k][i] - v), `output ${k} [${i}]`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(v))));

  it('LSTMCell: the float32 sigmoid and tanh agree with the double ones within a few ulps, gates saturated or not', () => {
    const [xw, h, c, k] = [input([b, 4 * u], 1, 8), input([b, u], 2), input([b, u], 3, 3), input([u, 4 * u], 4, 0.2)];
    expectClose(onLoops(() => lstmCell(xw, h, c, k)));
    dispose([xw, h, c, k]);
  });

  it('LSTMCellGrad: float32 agrees with double, the cell state and the candidate saturated or not', () => {
    const [dh, dc, c] = [input([b, u], 9), input([b, u], 10), input([b, u], 11, 3)];
    // Gates as the forward pass makes them: i, f, o in (0, 1), g in (-1, 1), some near the ends; c' up to ±12.
    const [sig, g, cNext] = [input([b, 4 * u], 12, 8), input([b, 4 * u], 13, 8), input([b, u], 14, 12)];
    const gv = g.dataSync();
    const gates = t(Array.from(sig.dataSync(), (v, i) => (Math.floor(i / u) % 4 === 2 ? Math.tanh(gv[i]) : 1 / (1 + Math.exp(-v)))), [b, 4 * u]);
    expectClose(onLoops(() => lstmCellGrad(dh, dc, c, gates, cNext)));
    dispose([dh, dc, c, sig, g, cNext, gates]);
  });

  it('GRUCell: likewise', () => {
    const [xw, h, k, bias] = [input([b, 3 * u], 5, 8), input([b, u], 6), input([u, 3 * u], 7, 0.2), input([3 * u], 8)];
    expectClose(onLoops(() => [gruCell(xw, h, k, bias)]));
    dispose([xw, h, k, bias]);
  });

  it('GRUCellGrad: likewise, the candidate saturated or not', () => {
    const [dh, h, pre, hzh] = [input([b, u], 15), input([b, u], 16), input([b, 3 * u], 17, 8), input([b, u], 18, 3)];
    // Gates as the forward pass makes them: z, r in (0, 1), hh in (-1, 1), some near the ends.
    const p = pre.dataSync();
    const hz = hzh.dataSync();
    const gates = t(
      Array.from({ length: b * 4 * u }, (_, i) => {
        const [row, col] = [Math.floor(i / (4 * u)), i % (4 * u)];
        const v = col < 3 * u ? p[row * 3 * u + col] : hz[row * u + col - 3 * u];
        return col < 2 * u ? 1 / (1 + Math.exp(-v)) : col < 3 * u ? Math.tanh(v) : v;
      }),
      [b, 4 * u],
    );
    expectClose(onLoops(() => gruCellGrad(dh, h, gates)));
    dispose([dh, h, pre, hzh, gates]);
  });
});

describe('the vector module', () => {
  it('is built from vector.wat: the committed bytes equal a fresh assembly', async () => {
    const committed = await readFile(new URL('../src/wasm/vector_wasm.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await buildVector());
  });

  it('runs in Node (WebAssembly SIMD), is the default there, and the choice is checked', () => {
    expect(wasmVectorAvailable()).toBe(true);
    expect(getVectorImplementation()).toBe('wasm');
    expect(() => setVectorImplementation('gpu' as VectorImplementation)).toThrow(/expected 'js' or 'wasm' but got gpu/);
    expect(setVectorImplementation('js')).toBe('wasm');
    expect(setVectorImplementation('wasm')).toBe('js');
  });
});

/** Values with ties (few distinct), NaNs and infinities: the comparisons' hard cases. */
function hard(shape: number[], seed: number): Tensor {
  const next = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const pick = () => {
    const u = next();
    return u < 0.03 ? NaN : u < 0.05 ? -Infinity : u < 0.06 ? Infinity : Math.round(next() * 8) - 4;
  };
  return t(Array.from({ length: n }, pick), shape);
}

const POOLS: Array<[string, number[], PoolAttrs]> = [
  ['2x2 stride 2, 4 channels', [3, 8, 8, 4], { poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] }],
  ['3x3 stride 1 padded, 8 channels', [2, 7, 5, 8], { poolSize: [3, 3], strides: [1, 1], pad: [1, 1, 1, 1] }],
  ['3x2 stride 2x1 uneven padding, 4 channels', [2, 6, 7, 4], { poolSize: [3, 2], strides: [2, 1], pad: [0, 2, 1, 0] }],
  ['windows of padding only, 4 channels', [1, 2, 2, 4], { poolSize: [1, 1], strides: [2, 2], pad: [0, 3, 0, 3] }],
  ['2x2 stride 2 on 7x7: the last row and column in no window, 12 channels', [2, 7, 7, 12], { poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] }],
  ['2x2 stride 3: gaps between the windows, 4 channels', [2, 8, 8, 4], { poolSize: [2, 2], strides: [3, 3], pad: [0, 0, 0, 0] }],
  ['2x2 stride 2 padded \'same\' on 7x5, 4 channels', [2, 7, 5, 4], { poolSize: [2, 2], strides: [2, 2], pad: [0, 1, 0, 1] }],
  ['13 images of 64x64x8: several staged groups', [13, 64, 64, 8], { poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] }],
];

describe('MaxPool on WebAssembly SIMD and in TypeScript', () => {
  const bits = (x: Tensor) => Array.from(new Uint32Array(Float32Array.from(x.dataSync()).buffer));
  for (const [name, shape, attrs] of POOLS) {
    it(`${name}: the same maxima and gradient, bit for bit, on both and as the definition`, () => {
      const x = hard(shape, 7);
      // Some -0 in dy: the gradient holds +0 there, as 0 + -0.
      const dyOf = (y: Tensor) => t(Array.from({ length: y.size }, (_, i) => (i % 13 === 5 ? -0 : (i % 13) - 6)), y.shape);
      const results = (['wasm', 'js'] as const).map((impl) => {
        const before = setVectorImplementation(impl);
        try {
          const y = run('MaxPool', [x], attrs);
          return { y: bits(y), dx: bits(run('MaxPoolGrad', [dyOf(y), x], attrs)) };
        } finally {
          setVectorImplementation(before);
        }
      });
      expect(results[0].y).toEqual(results[1].y);
      expect(results[0].dx).toEqual(results[1].dx);
      const dy = dyOf(run('MaxPool', [x], attrs));
      expect(results[0].dx).toEqual(Array.from(new Uint32Array(maxPoolGradReference(x, dy, attrs).buffer)));
    });
  }
});

/** Runs `body` on each implementation and returns the results, wasm first. */
function onBoth<T>(body: () => T): T[] {
  return (['wasm', 'js'] as const).map((impl) => {
    const before = setVectorImplementation(impl);
    try {
      return body();
    } finally {
      setVectorImplementation(before);
    }
  });
}

const bitsOf = (x: Tensor) => Array.from(new Uint32Array(Float32Array.from(x.dataSync()).buffer));
const SIZES = [1, 5, 16, 17, 16383, 16384, 16385, 40_003];

describe('elementwise loops on WebAssembly SIMD and in TypeScript', () => {
  for (const n of SIZES) {
    it(`Relu, comparisons against 0, -0.5 and 2, ${n} elements: the same bits`, () => {
      const x = hard([n], n);
      const compare = (['Greater', 'GreaterEqual', 'Less', 'LessEqual'] as const).flatMap((k) =>
        [0, -0.5, 2].map((y) => () => Array.from(run(k, [x, t([y], [])], {}).dataSync())),
      );
      const [wasm, js] = onBoth(() => [bitsOf(run('Relu', [x], {})), ...compare.map((f) => f())]);
      expect(wasm).toEqual(js);
    });

    it(`Add, Sub, Mul, Div of whole arrays and with a scalar on either side, ${n} elements: the same bits`, () => {
      const a = hard([n], n + 3);
      const b = hard([n], n + 4);
      const s = t([-1.5], []);
      const [wasm, js] = onBoth(() =>
        (['Add', 'Sub', 'Mul', 'Div'] as const).flatMap((k) => [bitsOf(run(k, [a, b], {})), bitsOf(run(k, [a, s], {})), bitsOf(run(k, [s, b], {}))]),
      );
      expect(wasm).toEqual(js);
    });

    it(`Select with whole or scalar operands, float32 and int32, ${n} elements: the same bits`, () => {
      const c = t(Array.from({ length: n }, (_, i) => +((i * 7) % 3 === 0)), [n], 'bool');
      const a = hard([n], n + 1);
      const b = hard([n], n + 2);
      const ints = [t(Array.from({ length: n }, (_, i) => i - 7), [n], 'int32'), t([-3], [], 'int32')];
      const [wasm, js] = onBoth(() => [
        bitsOf(run('Select', [c, a, b], {})),
        bitsOf(run('Select', [c, a, t([-0], [])], {})),
        bitsOf(run('Select', [c, t([NaN], [1]), b], {})),
        bitsOf(run('Select', [c, t([2], []), t([3], [])], {})),
        Array.from(run('Select', [c, ints[0], ints[1]], {}).dataSync()),
      ]);
      expect(wasm).toEqual(js);
    });
  }

  for (const [rows, inner] of [[3, 4], [7, 32], [600, 32], [5, 4096], [2, 20_000]]) {
    it(`Add of a bias of ${inner} to ${rows} rows: the same bits`, () => {
      const a = hard([rows, inner], rows);
      const bias = hard([inner], inner);
      const [wasm, js] = onBoth(() => [bitsOf(run('Add', [a, bias], {})), bitsOf(run('Add', [bias, a], {}))]);
      expect(wasm).toEqual(js);
    });
  }
});

/** Float32 bits that the activation gradients treat specially, then random values of both signs around 0, 1 and 6. */
const EDGES = [
  0, -0, 6, 5.9999995, 6.0000005, 1, -1, 0.5, Infinity, -Infinity, NaN, 1e-30, -1e-30, 1e-45, -1e-45, 3.4e38, -3.4e38,
];
function edgy(n: number, seed: number): Float32Array {
  const next = rng(seed);
  const out = Float32Array.from({ length: n }, (_, i) => (i < EDGES.length ? EDGES[i] : next() < 0.3 ? EDGES[Math.floor(next() * EDGES.length)] : (next() - 0.3) * 8));
  // A negative NaN and a NaN with a payload (bits the host only copies).
  const bits = new Uint32Array(out.buffer);
  if (n > EDGES.length + 1) [bits[EDGES.length], bits[EDGES.length + 1]] = [0xffc00000, 0x7f800001];
  return out;
}

describe('FusedActivationGrad on WebAssembly SIMD and in TypeScript', () => {
  const activations = ['relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'leakyRelu'] as const;
  for (const n of [...SIZES, 4095, 4097, 8195]) {
    it(`every activation, ${n} elements of edge values (NaN, -0, ±Infinity, 6, tiny and huge): the same bits`, () => {
      const dy = t(edgy(n, n + 11), [n]);
      // y with the edge values shifted against dy's, so each meets several dy values.
      const y = t(edgy(n, n + 12).reverse(), [n]);
      const [wasm, js] = onBoth(() => activations.map((activation) => bitsOf(run('FusedActivationGrad', [dy, y], { activation, alpha: 0.3 }))));
      expect(wasm).toEqual(js);
    });
  }

  it('relu and relu6 pass dy at y = 6 and the float below it as the kernel says: only relu6 stops at 6', () => {
    const y = t([6, 5.9999995, 0, -0, NaN, Infinity, 1e-45], [7]);
    const dy = t([1, 2, 3, 4, 5, 6, 7], [7]);
    const [wasm, js] = onBoth(() => (['relu', 'relu6'] as const).map((activation) => vals(run('FusedActivationGrad', [dy, y], { activation, alpha: 0 }))));
    expect(wasm).toEqual([[1, 2, 0, 0, 0, 6, 7], [0, 2, 0, 0, 0, 0, 7]]);
    expect(js).toEqual(wasm);
  });
});

// sum_rows adds in the TypeScript loop's order (rows in fours, then one by one), so the bits
// agree even where the order matters: values of very different sizes, and rows left over.
// Not a NaN's sign and payload: which NaN an addition of two returns (and Infinity - Infinity's
// sign) is up to the engine's operand order, which V8's tiers choose, so NaN compares as NaN.
describe('Sum over leading axes on WebAssembly SIMD and in TypeScript', () => {
  const sumBits = (x: Tensor) => bitsOf(x).map((b, i) => (Number.isNaN(x.dataSync()[i]) ? 'NaN' : b));
  const SHAPES: number[][] = [
    [1, 1], [3, 5], [4, 1], [7, 3], [9, 32], [5, 4, 3], [130, 129], [513, 32], [128, 6, 6, 32], [2, 4097], [3, 5000],
  ];
  for (const shape of SHAPES) {
    it(`[${shape}] summed over all but the last axis (and all axes), edge and ill-conditioned values: the same bits`, () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const next = rng(n);
      // Magnitudes from 1e-8 to 1e8: their double sums depend on the order of the additions.
      const x = t(Float32Array.from({ length: n }, () => (next() - 0.5) * 10 ** Math.floor(next() * 17 - 8)), shape);
      const special = t(edgy(n, n), shape);
      const leading = shape.map((_, i) => i).slice(0, -1);
      const all = shape.map((_, i) => i);
      const [wasm, js] = onBoth(() => [x, special].flatMap((v) => [sumBits(run('Sum', [v], { axes: leading })), sumBits(run('Sum', [v], { axes: all }))]));
      expect(wasm).toEqual(js);
    });
  }

  it('sums to +0 from -0s, and to NaN or ±Infinity as the TypeScript loop does', () => {
    const x = t([-0, Infinity, NaN, Infinity, -0, 1, 1, 1, -0, Infinity, 2, -Infinity, -0, 2, 3, 1, -0, 3, 4, 1], [5, 4]);
    const [wasm, js] = onBoth(() => vals(run('Sum', [x], { axes: [0] })));
    expect(wasm).toEqual([0, Infinity, NaN, NaN]);
    expect(js).toEqual(wasm);
  });
});
