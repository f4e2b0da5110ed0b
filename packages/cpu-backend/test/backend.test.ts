import { describe, expect, it } from 'vitest';
import { DTypeError, getKernelsForBackend, KERNEL_NAMES, registerKernel } from '@tessera/tensor';
import { CpuBackend, cpuKernelConfigs, registerCpuBackend } from '../src/index.js';
import { unaryConfigs } from '../src/kernels/unary.js';
import { engine, run, t, vals } from './helpers.js';

describe('CpuBackend', () => {
  it('registers on import: the backend, and one kernel for every name in the kernel list', () => {
    expect(engine.backendNames()).toContain('cpu');
    expect(engine.backend).toBeInstanceOf(CpuBackend);
    expect([...getKernelsForBackend('cpu')].sort()).toEqual([...KERNEL_NAMES].sort());
    expect(cpuKernelConfigs.map((c) => c.kernelName).sort()).toEqual([...KERNEL_NAMES].sort());
    expect(cpuKernelConfigs.every((c) => c.backendName === 'cpu')).toBe(true);
  });

  it('registering again is a no-op, while registering a kernel twice by hand is refused', () => {
    expect(() => registerCpuBackend()).not.toThrow();
    expect(() => registerKernel(unaryConfigs[0])).toThrow(/already registered/);
  });

  it('keeps written arrays, reads them back, and counts their bytes', async () => {
    const cpu = new CpuBackend();
    const values = new Float32Array([1, 2, 3]);
    const id = cpu.write(values, [3], 'float32');
    expect(cpu.readSync(id)).toBe(values);
    expect(await cpu.read(id)).toBe(values);
    expect(cpu.memory().numBytes).toBe(12);
    cpu.move(id, new Int32Array(5), [5], 'int32');
    expect(cpu.memory().numBytes).toBe(20);
    cpu.disposeData(id);
    expect(cpu.memory().numBytes).toBe(0);
    expect(() => cpu.readSync(id)).toThrow(/no data/);
  });

  it('checks that outputs fill their shape with the right array type', () => {
    const cpu = new CpuBackend();
    expect(() => cpu.output(new Float32Array(3), [2, 2], 'float32')).toThrow(/needs 4 values but got 3/);
    expect(() => cpu.output(new Float32Array(4), [2, 2], 'int32')).toThrow(/dtype int32/);
    const out = cpu.output(new Uint8Array(0), [0, 3], 'bool');
    expect(out.shape).toEqual([0, 3]);
  });

  it('frees every output: numTensors, buffers and bytes return to where they started', () => {
    const before = engine.memory();
    const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
    const outs = [
      run('Add', [x, x], {}),
      run('Sum', [x], { axes: [1] }),
      run('MatMul', [x, x], { transposeA: false, transposeB: true }),
      run('Transpose', [x], { perm: [1, 0] }),
      run('Concat', [x, x], { axis: 0 }),
      run('Cast', [x], { dtype: 'int32' }),
      run('Exp', [x], {}),
    ];
    expect(engine.memory().numTensors).toBe(before.numTensors + 1 + outs.length);
    for (const o of [x, ...outs]) o.dispose();
    const after = engine.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    expect(after.numBytes).toBe(before.numBytes);
  });

  it('never hands out an input array as an output (Cast to the same dtype copies)', () => {
    const x = t([1, 2], [2]);
    const y = run('Cast', [x], { dtype: 'float32' });
    expect(y.dataId).not.toBe(x.dataId);
    x.dispose();
    expect(vals(y)).toEqual([1, 2]);
    y.dispose();
  });

  it('reports a wrong dtype with the kernel name and what it expected', () => {
    const b = t([1, 0], [2], 'bool');
    const f = t([1, 2], [2]);
    const i = t([1, 2], [2], 'int32');
    expect(() => run('Exp', [b], {})).toThrow(DTypeError);
    expect(() => run('Exp', [b], {})).toThrow(/Exp \(cpu\): expected input of dtype float32 but got bool/);
    expect(() => run('Add', [f, i], {})).toThrow(/same dtype/);
    expect(() => run('LogicalAnd', [f, f], {})).toThrow(/bool/);
    for (const x of [b, f, i]) x.dispose();
  });
});
