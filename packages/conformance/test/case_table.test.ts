// The case table is complete: every kernel in KERNELS has value tests, and gradient
// tests when differentiable. (`satisfies Record<KernelName, KernelCases>` makes a
// missing entry a type error; this catches empty entries at run time.)
import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES, KERNELS } from '@tessera/tensor';
import { CASES, caseTableGaps } from '../src/cases/index.js';
import { coverageTable } from '../src/coverage.js';
import { declareRun, recordFailure, recordPass } from '../src/coverage.js';

describe('the case table', () => {
  it('has value tests for every kernel, and gradient tests for every differentiable one', () => {
    expect(caseTableGaps()).toEqual([]);
  });

  it('names the kernels it leaves untested', () => {
    const table = CASES as Record<string, (typeof CASES)['Add']>;
    const saved = { Exp: table.Exp, Greater: table.Greater };
    try {
      table.Exp = { ...saved.Exp, grads: [] };
      delete table.Greater;
      expect(caseTableGaps()).toEqual(['Exp: differentiable but no gradient cases', 'Greater: no entry in the case table']);
    } finally {
      Object.assign(table, saved);
    }
  });

  it('gives every case a unique name within its kernel', () => {
    for (const k of KERNEL_NAMES) {
      const names = [...CASES[k].values, ...CASES[k].grads.map((g) => ({ name: `grad ${g.name}` })), ...CASES[k].errors].map((c) => c.name);
      expect(new Set(names).size, k).toBe(names.length);
    }
  });

  it('has no gradient cases for kernels that are not differentiable', () => {
    for (const k of KERNEL_NAMES) if (!KERNELS[k].differentiable) expect(CASES[k].grads, k).toEqual([]);
  });
});

describe('coverageTable', () => {
  it('has a row per kernel and a column per backend', () => {
    declareRun('a', new Set(['Add', 'Equal']), { Equal: 'not yet' });
    declareRun('b', new Set(['Add']), {});
    recordPass('a', 'Add', 'value');
    recordPass('a', 'Add', 'grad');
    recordPass('b', 'Add', 'value');
    recordFailure('b', 'Add');
    const lines = coverageTable().split('\n');
    expect(lines[0]).toMatch(/^\| kernel +\| a +\| b +\|$/);
    expect(lines).toHaveLength(2 + 1 + KERNEL_NAMES.length);
    expect(lines.find((l) => l.startsWith('| Add '))).toMatch(/\| 1v 1g +\| FAIL \(passed 1v 0g\) \|/);
    expect(lines.find((l) => l.startsWith('| Equal '))).toMatch(/\| skip +\| - +\|/);
  });
});
