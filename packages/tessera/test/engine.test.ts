import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  DisposedTensorError,
  KernelNotFoundError,
  ShapeError,
  add,
  dispose,
  getBackend,
  getEngine,
  keep,
  memory,
  ones,
  reshape,
  scalar,
  tensor,
  tidy,
  variable,
  zeros,
} from '../src/index.js';

describe('engine', () => {
  it('picks the CPU backend by default', () => {
    expect(getBackend()).toBe('cpu');
  });

  it('tidy frees intermediates and keeps results, nested containers and kept tensors', () => {
    const before = memory().numTensors;
    let kept!: ReturnType<typeof tensor>;
    const result = tidy(() => {
      const a = tensor([1, 2, 3]);
      const b = add(a, 1);
      kept = keep(add(b, 1));
      return { sum: add(a, b), list: [b] };
    });
    expect(memory().numTensors).toBe(before + 3);
    expect(Array.from(result.sum.dataSync())).toEqual([3, 5, 7]);
    dispose([result, kept]);
    expect(memory().numTensors).toBe(before);
  });

  it('tidy frees everything when the function throws, and rejects async functions', () => {
    const before = memory().numTensors;
    expect(() =>
      tidy(() => {
        tensor([1]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory().numTensors).toBe(before);
    expect(() => tidy(() => Promise.resolve(1) as never)).toThrow(/Promise/);
  });

  it('reshape shares the buffer: one data buffer for two tensors', () => {
    const m0 = memory();
    const a = tensor([1, 2, 3, 4]);
    const b = reshape(a, [2, 2]);
    expect(memory().numDataBuffers).toBe(m0.numDataBuffers + 1);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4]);
    b.dispose();
    expect(memory().numDataBuffers).toBe(m0.numDataBuffers);
    expect(memory().numBytes).toBe(m0.numBytes);
  });

  it('reports bytes per backend', () => {
    const before = memory().backends.cpu?.numBytes ?? 0;
    const t = zeros([10, 10]);
    expect(memory().backends.cpu.numBytes).toBe(before + 400);
    t.dispose();
  });

  it('reads values synchronously and asynchronously as copies', async () => {
    const t = tensor([[1, 2], [3, 4]]);
    expect(await t.array()).toEqual([[1, 2], [3, 4]]);
    const d = t.dataSync();
    d[0] = 99;
    expect(t.dataSync()[0]).toBe(1);
    expect(tensor([true, false]).arraySync()).toEqual([true, false]);
    t.dispose();
  });

  it('throws typed errors that name the op', () => {
    expect(() => tensor([1, 2], [3])).toThrow(ShapeError);
    expect(() => tensor([1, 2], [3])).toThrow(/shape \[3\] needs 3 values but got 2/);
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
    const t = tensor([1, 2]);
    t.dispose();
    expect(() => add(t, 1)).toThrow(DisposedTensorError);
    expect(() => add(t, 1)).toThrow(/add: argument 'a'/);
    expect(() => t.dataSync()).toThrow(DisposedTensorError);
    expect(() => add(tensor([1]), tensor([1], undefined, 'int32'))).toThrow(DTypeError);
    const x = ones([2]);
    expect(() => getEngine().runKernel('Add', [x, x], {}) && getEngine().runKernel('Nope' as 'Add', [x], {})).toThrow(
      KernelNotFoundError,
    );
    expect(() => getEngine().runKernel('Nope' as 'Add', [x], {})).toThrow(/kernel 'Nope' is not registered for backend 'cpu'/);
    x.dispose();
  });

  it('variables are not freed by tidy and assign swaps the value', () => {
    const before = memory().numTensors;
    const v = variable(zeros([2]), { name: 'engine_test_v' });
    tidy(() => v.assign(add(v, scalar(3))));
    expect(Array.from(v.dataSync())).toEqual([3, 3]);
    const wrong = zeros([3]);
    expect(() => v.assign(wrong)).toThrow(/has shape \[2\] but the new value has \[3\]/);
    const other = zeros([1]);
    expect(() => variable(other, { name: 'engine_test_v' })).toThrow(/already exists/);
    dispose([wrong, other]);
    v.dispose();
    // variable() shares its initial tensor's buffer; the initial zeros tensor is still ours.
    expect(memory().numTensors).toBe(before + 1);
  });
});

describe('async backends', () => {
  it('start once, even when a synchronous backend is picked while they start', async () => {
    const { registerBackend, removeBackend, setBackend, getBackend, CpuBackend } = await import('../src/index.js');
    let made = 0;
    registerBackend('slow_cpu', async () => {
      made++;
      return new CpuBackend();
    }, 5);
    const t = tensor([1]); // picks cpu synchronously, starts slow_cpu in the background
    await setBackend('slow_cpu');
    expect(made).toBe(1);
    expect(getBackend()).toBe('cpu'); // a CpuBackend instance named 'cpu' serves 'slow_cpu'
    await setBackend('cpu');
    removeBackend('slow_cpu');
    t.dispose();
  });
});
