import { expect } from 'vitest';
import { DisposedTensorError, dispose, tidy } from '@tessera/tensor';
import type { ErrorCase, ValueCase } from '../cases/types.js';
import { caseKey, type CaseContext } from './context.js';
import { makeInputs } from './inputs.js';
import { expectNoLeak, snapshot } from './memory.js';

/** Runs `fn` and returns what it threw (failing if it returned). */
function thrownBy(fn: () => unknown, what: string): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error(`${what}: expected an error but the call returned normally`);
}

/** Asserts an error's class and that its message names the op. */
function expectTypedError(e: Error, error: ErrorCase['error'], op: string): void {
  expect(e, `${e.name}: ${e.message}`).toBeInstanceOf(error);
  expect(e.message, 'the message names the op').toContain(op);
}

/** Runs one misuse: the typed error, a message naming the op, and no leaked tensors. */
export function runErrorCase(c: ErrorCase, ctx: CaseContext): void {
  const before = snapshot(ctx.backend);
  const { tensors } = makeInputs(c.inputs, caseKey(ctx, c.name));
  try {
    const e = thrownBy(() => tidy(() => c.run(...tensors)), c.name);
    expectTypedError(e, c.error, c.op ?? ctx.op);
  } finally {
    dispose(tensors);
  }
  expectNoLeak(before, ctx.backend, 'after the error');
}

/** Runs a value case's op with its first input already disposed: DisposedTensorError naming the op. */
export function runDisposedInputCase(c: ValueCase, ctx: CaseContext): void {
  const before = snapshot(ctx.backend);
  const { tensors } = makeInputs(c.inputs, caseKey(ctx, c.name));
  tensors[0].dispose();
  try {
    const e = thrownBy(() => tidy(() => c.op(...tensors)), 'disposed input');
    expectTypedError(e, DisposedTensorError, ctx.op);
  } finally {
    dispose(tensors);
  }
  expectNoLeak(before, ctx.backend, 'after the error');
}
