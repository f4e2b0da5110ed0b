import { afterEach, describe, expect, it } from 'vitest';
import { getGemmAccumulation, getGemmImplementation, getGemmThreads, setGemmAccumulation, setGemmImplementation, setGemmThreads } from '../src/index.js';
import { Epilogue } from '../src/util/epilogue.js';
import { WasmGemm } from '../src/util/gemm_wasm.js';
import { randomFloats, run, t } from './helpers.js';

const defaults = { impl: getGemmImplementation(), acc: getGemmAccumulation(), threads: getGemmThreads() };
afterEach(() => {
  setGemmImplementation(defaults.impl);
  setGemmAccumulation(defaults.acc);
  setGemmThreads(defaults.threads);
});

/** A's first rows make sums of NaN, -0 (0 * -1), +-Infinity and values past relu6's 6, so every branch of the activations is hit. */
function operands(m: number, k: number, n: number) {
  const a = randomFloats(m * k, 3);
  const b = randomFloats(k * n, 4).map((v) => v * 8);
  a.fill(0, 0, k);
  a[k] = Number.NaN;
  a[2 * k] = Number.POSITIVE_INFINITY;
  a[3 * k] = Number.NEGATIVE_INFINITY;
  return { a, b };
}

describe('the fused GEMM epilogue in WebAssembly (bias_act)', () => {
  for (const activation of ['linear', 'relu', 'relu6'] as const) {
    for (const [m, k, n] of [[5, 3, 7], [37, 19, 13], [130, 260, 40], [256, 300, 600]] as const) {
      it(`gives the TypeScript epilogue's bits: ${activation}, ${m}x${k} @ ${k}x${n}`, () => {
        const { a, b } = operands(m, k, n);
        const bias = randomFloats(n, 5);
        bias[0] = -0;
        const expected = new Float32Array(m * n);
        const product = new Float32Array(m * n);
        setGemmAccumulation('float32');
        // The plain product, then the TypeScript epilogue on it, is the reference.
        new WasmGemm(m, n, k).run({ data: a, offset: 0, rowStride: k, colStride: 1 }, { data: b, offset: 0, rowStride: n, colStride: 1 }, product, 0);
        const epilogue = new Epilogue({ activation, alpha: 0.2 }, n, bias);
        epilogue.rows(product, 0, n, expected, 0, m);
        expect(epilogue.wasmCode).toBeGreaterThanOrEqual(0);
        for (const threads of ['off', 'always'] as const) {
          setGemmThreads(threads);
          const out = new Float32Array(m * n);
          new WasmGemm(m, n, k).run({ data: a, offset: 0, rowStride: k, colStride: 1 }, { data: b, offset: 0, rowStride: n, colStride: 1 }, out, 0, epilogue);
          expect(Object.is(out[0], 0) || activation === 'linear').toBe(true);
          expect(Array.from(out)).toEqual(Array.from(expected));
        }
      });
    }
  }

  it('leaves the other activations to TypeScript (their arithmetic is in double)', () => {
    for (const activation of ['sigmoid', 'tanh', 'elu', 'leakyRelu'] as const) expect(new Epilogue({ activation, alpha: 0.2 }, 4).wasmCode).toBe(-1);
    const x = t([1, -2, 3, -4], [2, 2]);
    const w = t([0.5, -1, 2, 0.25], [2, 2]);
    setGemmImplementation('wasm');
    const viaWasm = run('FusedMatMul', [x, w, t([0.1, -0.3], [2])], { transposeA: false, transposeB: false, activation: 'leakyRelu', alpha: 0.2 }).dataSync();
    setGemmImplementation('js');
    const viaJs = run('FusedMatMul', [x, w, t([0.1, -0.3], [2])], { transposeA: false, transposeB: false, activation: 'leakyRelu', alpha: 0.2 }).dataSync();
    expect(Array.from(viaWasm)).toEqual(Array.from(viaJs));
  });
});
