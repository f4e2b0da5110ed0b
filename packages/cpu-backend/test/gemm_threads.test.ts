// The GEMM on two threads: the split products equal the one-thread ones bit for bit
// (each element of C is summed in the same order by whichever thread owns it), in both
// precisions, for every transpose and for batches, split along columns, rows or depth; `'auto'`
// splits only large products; the worker never keeps Node from exiting. Speed is the
// bench's business (bench/src/threads.ts), never asserted here.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { conv2d, grads, tensor, tidy, util, type Shape } from '@tessera/tensor';
import {
  gemmThreadSplits,
  gemmThreadsReady,
  getGemmAccumulation,
  getGemmThreads,
  setGemmAccumulation,
  setGemmThreads,
  type GemmAccumulation,
  type GemmThreads,
} from '../src/index.js';
import { randomFloats, run, t } from './helpers.js';

const defaults = { threads: getGemmThreads(), acc: getGemmAccumulation() };
afterEach(() => {
  setGemmThreads(defaults.threads);
  setGemmAccumulation(defaults.acc);
});

beforeAll(async () => {
  expect(await gemmThreadsReady()).toBe(true);
});

/** The product on `threads`, and how many products were split meanwhile. */
function product(threads: GemmThreads, aShape: Shape, bShape: Shape, ta: boolean, tb: boolean) {
  setGemmThreads(threads);
  const a = t(randomFloats(util.sizeFromShape(aShape), 5), aShape);
  const b = t(randomFloats(util.sizeFromShape(bShape), 6), bShape);
  const before = gemmThreadSplits();
  const y = run('MatMul', [a, b], { transposeA: ta, transposeB: tb }).dataSync();
  return { y, splits: gemmThreadSplits() - before };
}

describe('the GEMM split between two threads', () => {
  it('has the default auto, and rejects unknown settings saying what it got', () => {
    expect(defaults.threads).toBe('auto');
    expect(() => setGemmThreads('many' as GemmThreads)).toThrow(/expected 'auto', 'off' or 'always' but got many/);
  });

  // [m, k, n]: columns split (C shorter than 32 rows), rows split (B packed once, shared by
  // chunks of rows), odd edges, more than one block of k (256), of columns (f32 512, f64
  // 256) and of rows (256), and a C too thin to split across.
  const sizes: [number, number, number][] = [
    [9, 7, 17],
    [64, 300, 90],
    [37, 520, 1030],
    [300, 40, 12],
    [13, 600, 1030],
    [520, 9, 5],
    [5, 33, 600],
    // Deep: split by depth in float32 (two parts, each into its own C, then added).
    [12, 1100, 9],
    [40, 2100, 70],
  ];
  for (const acc of ['float32', 'float64'] satisfies GemmAccumulation[]) {
    for (const [m, k, n] of sizes) {
      it(`${m}x${k} @ ${k}x${n} summing in ${acc}: all four transposes equal the one-thread product exactly`, () => {
        setGemmAccumulation(acc);
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const aShape = ta ? [k, m] : [m, k];
            const bShape = tb ? [n, k] : [k, n];
            const one = product('off', aShape, bShape, ta, tb);
            const two = product('always', aShape, bShape, ta, tb);
            expect(one.splits).toBe(0);
            expect(two.splits).toBe(1);
            expect(two.y).toEqual(one.y);
          }
        }
      });
    }
  }

  it('splits every product of a broadcast batch, equal to one thread', () => {
    const one = product('off', [3, 1, 40, 30], [4, 30, 50], false, false);
    const two = product('always', [3, 1, 40, 30], [4, 30, 50], false, false);
    expect(two.splits).toBe(12);
    expect(two.y).toEqual(one.y);
  });

  it("in 'auto', splits large products only (at least 2^23 multiply-adds)", () => {
    expect(product('auto', [64, 64], [64, 64], false, false).splits).toBe(0);
    expect(product('auto', [128, 128], [128, 128], false, false).splits).toBe(0);
    expect(product('auto', [128, 784], [784, 512], false, false).splits).toBe(1);
    expect(product('off', [128, 784], [784, 512], false, false).splits).toBe(0);
  });

  it('runs the convolutions and their gradients on both threads, equal to one thread', () => {
    const x = tensor(randomFloats(8 * 28 * 28, 1), [8, 28, 28, 1]);
    const f = tensor(randomFloats(5 * 5 * 32, 2), [5, 5, 1, 32]);
    const x2 = tensor(randomFloats(8 * 24 * 24 * 32, 3), [8, 24, 24, 32]);
    const f2 = tensor(randomFloats(5 * 5 * 32 * 32, 4), [5, 5, 32, 32]);
    // Six bands of the direct kernel (at most 14 images each at 64 channels): its two buffers in turn.
    const x3 = tensor(randomFloats(60 * 28 * 28, 5), [60, 28, 28, 1]);
    const f3 = tensor(randomFloats(5 * 5 * 64, 6), [5, 5, 1, 64]);
    const g = grads((a, b) => conv2d(a, b));
    const all = () =>
      tidy(() =>
        [conv2d(x, f), ...g([x, f]), conv2d(x2, f2, { padding: 'same' }), ...g([x2, f2]), conv2d(x3, f3), ...g([x3, f3])].map((y) =>
          Array.from(y.dataSync()),
        ),
      );
    setGemmThreads('off');
    const one = all();
    setGemmThreads('always');
    const before = gemmThreadSplits();
    const two = all();
    expect(gemmThreadSplits() - before).toBeGreaterThan(6);
    expect(two).toEqual(one);
    [x, f, x2, f2, x3, f3].forEach((v) => v.dispose());
  });

  it('never keeps Node from exiting: a process that used both threads ends by itself', () => {
    const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'exit_with_worker.ts');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@tessera/source', fixture], { encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(out.trim())).toEqual({ ready: true, splits: 1 });
  });
});
