import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend, getTensorMemory, setTensorMemory } from '../src/index.js';
import { engine, run, t, vals } from './helpers.js';

describe('CpuBackend recycles freed kernel outputs', () => {
  // The pool holds ordinary typed arrays; arrays in WebAssembly memory go back to its allocator (arena.test.ts).
  let before: ReturnType<typeof getTensorMemory>;
  beforeAll(() => void (before = setTensorMemory('js')));
  afterAll(() => void setTensorMemory(before));
  it('gives a freed array of alloc back for the next alloc of the same dtype and length', () => {
    const cpu = new CpuBackend();
    const a = cpu.alloc('float32', 4096);
    const id = cpu.write(a, [4096], 'float32');
    cpu.disposeData(id);
    expect(cpu.memory().numBytes).toBe(0); // kept for reuse, not counted as live
    expect(cpu.alloc('int32', 4096)).not.toBe(a);
    expect(cpu.alloc('float32', 4095)).not.toBe(a);
    expect(cpu.alloc('float32', 4096)).toBe(a);
    expect(cpu.alloc('float32', 4096)).not.toBe(a);
  });

  it('never recycles an array it was given, nor small ones, and forgets them all on dispose', () => {
    const cpu = new CpuBackend();
    const given = new Float32Array(4096);
    cpu.disposeData(cpu.write(given, [4096], 'float32'));
    expect(cpu.alloc('float32', 4096)).not.toBe(given);
    const small = cpu.alloc('float32', 16);
    cpu.disposeData(cpu.write(small, [16], 'float32'));
    expect(cpu.alloc('float32', 16)).not.toBe(small);
    const big = cpu.alloc('float32', 4096);
    cpu.disposeData(cpu.write(big, [4096], 'float32'));
    cpu.dispose();
    expect(cpu.alloc('float32', 4096)).not.toBe(big);
  });

  it('makes room by dropping the arrays pooled longest ago, and keeps nothing larger than the pool', () => {
    const cpu = new CpuBackend('pool-test', { poolBytes: 3 * 4096 * 4 });
    const free = (v: Float32Array) => cpu.disposeData(cpu.write(v, [v.length], 'float32'));
    const [a, b, c, d] = [4096, 4096, 2048, 6144].map((n) => cpu.alloc('float32', n) as Float32Array);
    free(a); // pool: a (16 KiB)
    free(b); // a, b (32 KiB)
    free(c); // a, b, c (40 KiB)
    free(d); // 24 KiB more than 48 KiB allows: a, the oldest, goes
    expect(cpu.alloc('float32', 2048)).toBe(c);
    expect(cpu.alloc('float32', 6144)).toBe(d);
    expect(cpu.alloc('float32', 4096)).toBe(b);
    expect(cpu.alloc('float32', 4096)).not.toBe(a);
    const huge = cpu.alloc('float32', 4 * 4096) as Float32Array;
    free(huge);
    expect(cpu.alloc('float32', 4 * 4096)).not.toBe(huge);
  });

  it('writes every element of a recycled output: kernels give the same values on dirty arrays', () => {
    const n = 64 * 64;
    const x = t(Array.from({ length: n }, (_, i) => (i % 7) - 3), [64, 64]);
    const first = run('Relu', [x], {});
    const expected = vals(first);
    first.dispose(); // its array goes back to the pool, values and all
    const before = engine.memory().numTensors;
    const neg = run('Neg', [x], {}); // takes that array
    expect(vals(neg)).toEqual(vals(x).map((v) => -v));
    neg.dispose();
    expect(vals(run('Relu', [x], {}))).toEqual(expected);
    expect(vals(run('MatMul', [x, x], { transposeA: false, transposeB: false })).length).toBe(n);
    expect(engine.memory().numTensors).toBe(before + 2);
  });
});
