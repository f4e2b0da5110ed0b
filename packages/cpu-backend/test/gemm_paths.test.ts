// The conformance suite's MatMul, FusedMatMul, convolution and recurrent cell cases (values, gradients, memory, errors)
// on each of the GEMM paths, forced: the TypeScript GEMM, the WebAssembly GEMM on one
// thread (convolutions of few input channels on the direct kernel, and with that kernel
// off, on im2col + GEMM; with fused multiply-adds, and with separate ones), and the WebAssembly GEMM split between two threads for every
// product that can be split. Each path is a CPU backend registered under its own name whose GEMM
// kernels switch the path around each call, so the suite's coverage table shows a column
// per path.
//
// @tessera/conformance is imported by path: it has @tessera/cpu-backend as a dev
// dependency (its own test runs our backend), so a dependency this way round would be a
// cycle in the workspace graph.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KernelName } from '@tessera/tensor';
import { describeBackend } from '../../conformance/src/index.js';
import {
  gemmThreadSplits,
  gemmThreadsAvailable,
  gemmThreadsReady,
  setGemmImplementation,
  setGemmThreads,
  setWasmMultiplyAdd,
  type GemmImplementation,
  type GemmThreads,
  type MultiplyAdd,
} from '../src/index.js';
import { setDirectConv } from '../src/util/conv_direct.js';
import { registerPathBackend } from './path_backend.js';

const GEMM_KERNELS: readonly KernelName[] = [
  'MatMul', 'FusedMatMul', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'LSTMCell', 'GRUCell',
];

interface Path {
  readonly impl: GemmImplementation;
  readonly threads: GemmThreads;
  /** Whether convolutions of few input channels take the direct kernel (default true). */
  readonly direct?: boolean;
  /** How the WebAssembly kernels multiply and add (default: fused, which the vitest config makes available on Node 20). */
  readonly multiplyAdd?: MultiplyAdd;
}

const PATHS: Record<string, Path> = {
  'cpu-gemm-js': { impl: 'js', threads: 'off' },
  'cpu-gemm-wasm': { impl: 'wasm', threads: 'off' },
  'cpu-gemm-wasm-im2col': { impl: 'wasm', threads: 'off', direct: false },
  'cpu-gemm-wasm-separate': { impl: 'wasm', threads: 'off', multiplyAdd: 'separate' },
  'cpu-gemm-threads': { impl: 'wasm', threads: 'always' },
};

function withPath<T>(path: Path, body: () => T): T {
  const impl = setGemmImplementation(path.impl);
  const threads = setGemmThreads(path.threads);
  const direct = setDirectConv(path.direct ?? true);
  const multiplyAdd = setWasmMultiplyAdd(path.multiplyAdd ?? 'fused');
  try {
    return body();
  } finally {
    setGemmImplementation(impl);
    setGemmThreads(threads);
    setDirectConv(direct);
    setWasmMultiplyAdd(multiplyAdd);
  }
}

// Every CPU kernel, under each path's backend name; the GEMM kernels run on that path.
for (const [name, path] of Object.entries(PATHS)) {
  registerPathBackend(name, (body) => withPath(path, body), (k) => GEMM_KERNELS.includes(k));
}

let splitsBefore = 0;
beforeAll(async () => {
  // The threaded path must really be threaded: wait for the worker (Node always has it).
  expect(await gemmThreadsReady()).toBe(true);
  splitsBefore = gemmThreadSplits();
});

for (const name of Object.keys(PATHS)) {
  describe(`GEMM path ${name}`, () => {
    // Concat joins the LSTM cell's two outputs in its cases.
    describeBackend(name, { kernels: [...GEMM_KERNELS, 'Concat'] });
  });
}

describe('the threaded path', () => {
  it('is available in Node, and split the products of the cases above between two threads', () => {
    expect(gemmThreadsAvailable()).toBe(true);
    // Each suite's cases have products big enough to split (at least two tiles).
    expect(gemmThreadSplits() - splitsBefore).toBeGreaterThan(20);
  });

  afterAll(() => {
    setGemmThreads('auto');
  });
});
