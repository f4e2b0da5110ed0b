// The whole conformance suite (every CPU kernel: values, gradients, memory, errors) on the
// two places tensors can live (see setTensorMemory), forced:
// - `cpu-memory-js`: ordinary typed arrays everywhere; every WebAssembly kernel copies its
//   operands into its module's memory and its results out;
// - `cpu-memory-wasm`: every array, the cases' inputs included, in the shared WebAssembly
//   memory, so the kernels take their in-place paths from the first kernel of a case (a
//   backend that copies what it is given into that memory), one GEMM thread;
// - `cpu-memory-wasm-threads`: the same with every splittable product on two threads.
// Each is a CPU backend registered under its own name, so the coverage table shows a column each.
//
// @tessera/conformance is imported by path (see gemm_paths.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataId, type DType, type Shape, type TypedArray } from '@tessera/tensor';
import { describeBackend } from '../../conformance/src/index.js';
import { CpuBackend, gemmThreadsReady, setGemmThreads, setTensorMemory, type GemmThreads, type TensorMemory } from '../src/index.js';
import { getArena } from '../src/util/arena.js';
import { registerPathBackend } from './path_backend.js';

/** A CPU backend that keeps every array, even the smallest and those it is given, in the shared WebAssembly memory. */
class ArenaCpuBackend extends CpuBackend {
  constructor(name: string) {
    super(name, { wasmMinLength: 1 });
  }

  override write(values: TypedArray, shape: Shape, dtype: DType): DataId {
    const here = this.alloc(dtype, values.length);
    here.set(values);
    return super.write(here, shape, dtype);
  }
}

interface Path {
  readonly memory: TensorMemory;
  readonly threads: GemmThreads;
  readonly backend: new (name: string) => CpuBackend;
}

const PATHS: Record<string, Path> = {
  'cpu-memory-js': { memory: 'js', threads: 'off', backend: CpuBackend },
  'cpu-memory-wasm': { memory: 'wasm', threads: 'off', backend: ArenaCpuBackend },
  'cpu-memory-wasm-threads': { memory: 'wasm', threads: 'always', backend: ArenaCpuBackend },
};

function withPath<T>(path: Path, body: () => T): T {
  const memory = setTensorMemory(path.memory);
  const threads = setGemmThreads(path.threads);
  try {
    return body();
  } finally {
    setTensorMemory(memory);
    setGemmThreads(threads);
  }
}

for (const [name, path] of Object.entries(PATHS)) {
  registerPathBackend(name, (body) => withPath(path, body), undefined, () => new path.backend(name));
}

beforeAll(async () => {
  expect(await gemmThreadsReady()).toBe(true);
});

for (const name of Object.keys(PATHS)) {
  describe(`tensor memory path ${name}`, () => {
    describeBackend(name);
  });
}

describe('the WebAssembly memory paths', () => {
  let liveBefore = 0;
  beforeAll(() => {
    liveBefore = getArena()!.liveBytes;
  });
  it('kept the arrays of the cpu-memory-wasm backends in the shared memory', () => {
    const cpu = new ArenaCpuBackend('probe');
    const id = withPath(PATHS['cpu-memory-wasm'], () => cpu.write(new Float32Array(1000).fill(2), [1000], 'float32'));
    expect(getArena()!.owns(cpu.readSync(id))).toBe(true);
    cpu.disposeData(id);
  });
  afterAll(() => {
    // Every block a probe took went back (the suites' own leak checks count tensors and bytes).
    expect(getArena()!.liveBytes).toBe(liveBefore);
  });
});
