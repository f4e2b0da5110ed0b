import { expect } from 'vitest';
import { dispose, memory, tidy } from '@tessera/tensor';
import type { ValueCase } from '../cases/types.js';
import { assertClose, expectMatches } from './compare.js';
import { canReadSync, caseKey, valueTolerance, type CaseContext } from './context.js';
import { makeInputs } from './inputs.js';
import { expectNoLeak, snapshot } from './memory.js';

/**
 * Runs one value case: makes the inputs (as reshape views with `views`), runs the op
 * inside `tidy`, checks that only the result survived, compares it with the float64
 * reference (reading it with `data()`, and `dataSync()` where offered), checks that
 * the inputs were not written to, then that nothing leaked.
 */
export async function runValueCase(c: ValueCase, ctx: CaseContext, views = false): Promise<void> {
  const before = snapshot(ctx.backend);
  const { tensors, refs } = makeInputs(c.inputs, caseKey(ctx, c.name), views);
  try {
    const withInputs = memory().numTensors;
    const out = tidy(() => c.op(...tensors));
    try {
      expect(memory().numTensors, `${ctx.op} leaves only its result behind`).toBe(withInputs + 1);
      await expectMatches(out, c.ref(...refs), valueTolerance(ctx, c.tolerance), canReadSync(ctx.backend));
      for (let i = 0; i < tensors.length; i++) {
        assertClose(await tensors[i].data(), refs[i].values, { rtol: 0, atol: 0 }, true, `input ${i} after ${ctx.op} (kernels must not write to inputs)`);
      }
    } finally {
      out.dispose();
    }
  } finally {
    dispose(tensors);
  }
  expectNoLeak(before, ctx.backend, 'after disposing inputs and result');
}

/** Runs a case's op inside a `tidy` that returns nothing: every tensor it made must be freed. */
export function runInTidy(c: ValueCase, ctx: CaseContext): void {
  const { tensors } = makeInputs(c.inputs, caseKey(ctx, c.name));
  try {
    const before = snapshot(ctx.backend);
    tidy(() => {
      c.op(...tensors);
    });
    expectNoLeak(before, ctx.backend, `${ctx.op} inside tidy`);
  } finally {
    dispose(tensors);
  }
}
