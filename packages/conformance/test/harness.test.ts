// The suite must fail on broken backends and broken ops: each deliberate bug below
// is caught by at least one case, and the correct kernels still pass.
import '@tessera/cpu-backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { abs, customGrad, dispose, DTypeError, exp, keep, mul, setBackend, ShapeError, type KernelName, type Tensor } from '@tessera/tensor';
import { CASES } from '../src/cases/index.js';
import { rand } from '../src/cases/inputs.js';
import type { GradCase, ValueCase } from '../src/cases/types.js';
import { mapValues, UNARY_FNS } from '../src/reference/index.js';
import { DEFAULT_TOLERANCE, type CaseContext } from '../src/runner/context.js';
import { runErrorCase } from '../src/runner/error_case.js';
import { runGradCase } from '../src/runner/grad_case.js';
import { runValueCase } from '../src/runner/value_case.js';
import { FAULTS } from './support/faults.js';
import { registerWrappedCpu, type Fault } from './support/wrapped_cpu.js';

const contextOf = (kernel: KernelName): CaseContext => ({ backend: 'faulty', kernel, op: CASES[kernel].op, tolerance: DEFAULT_TOLERANCE });

/** Names of the value cases of a kernel that fail. */
async function failingCases(kernel: KernelName): Promise<string[]> {
  const failed: string[] = [];
  for (const c of CASES[kernel].values) {
    try {
      await runValueCase(c, contextOf(kernel));
    } catch {
      failed.push(c.name);
    }
  }
  return failed;
}

const expRef = (x: Parameters<ValueCase['ref']>[0]) => mapValues(x, UNARY_FNS.Exp);

describe('the conformance harness', () => {
  beforeAll(async () => {
    const faults = Object.fromEntries(Object.entries(FAULTS).map(([k, v]) => [k, v.fault])) as Partial<Record<KernelName, Fault>>;
    registerWrappedCpu('faulty', { sync: true, faults });
    await setBackend('faulty');
  });

  for (const [kernel, { bug, caughtBy }] of Object.entries(FAULTS)) {
    it(`catches a ${kernel} that ${bug}`, async () => {
      expect(await failingCases(kernel as KernelName)).toContainEqual(expect.stringMatching(caughtBy));
    });
  }

  it('passes the kernels that are not broken', async () => {
    for (const kernel of ['Add', 'Log1p', 'Gather', 'Tile'] as const) expect(await failingCases(kernel), kernel).toEqual([]);
  });

  it('catches a wrong analytic gradient (customGrad with twice the true gradient)', async () => {
    const wrongExp = customGrad(([x]) => {
      const value = exp(x);
      return { value, gradFunc: (dy) => [mul(dy, mul(exp(x), 2))] };
    });
    const wrong: GradCase = { name: 'exp with a doubled gradient', inputs: [rand([2, 3])], op: (x) => wrongExp(x), ref: expRef };
    const right: GradCase = { ...wrong, name: 'exp', op: exp };
    const cpu = { ...contextOf('Exp'), backend: 'cpu' };
    await setBackend('cpu');
    try {
      await expect(runValueCase(wrong, cpu), 'its values are right').resolves.toBeUndefined();
      await expect(runGradCase(right, cpu)).resolves.toBeUndefined();
      await expect(runGradCase(wrong, cpu)).rejects.toThrow(/gradient of input 0/);
    } finally {
      await setBackend('faulty');
    }
  });

  it('catches an op that leaks a tensor', async () => {
    const leaked: Tensor[] = [];
    const leaky: ValueCase = {
      name: 'abs that keeps a temporary',
      inputs: [rand([3])],
      op: (x) => (leaked.push(keep(abs(x))), abs(x)),
      ref: (x) => mapValues(x, Math.abs),
    };
    await expect(runValueCase(leaky, contextOf('Abs'))).rejects.toThrow(/leaves only its result/);
    dispose(leaked);
  });

  it('catches an error of the wrong class or a message that does not name the op', () => {
    const base = CASES.Add.errors[0];
    expect(base.error).toBe(DTypeError);
    const ctx = contextOf('Add');
    expect(() => runErrorCase({ ...base, error: ShapeError }, ctx)).toThrow();
    expect(() => runErrorCase(base, { ...ctx, op: 'notTheOp' })).toThrow(/names the op/);
    expect(() => runErrorCase(base, ctx)).not.toThrow();
  });
});
