import { describe, it } from 'vitest';
import { KERNELS, type KernelName } from '@tessera/tensor';
import type { KernelCases, ValueCase } from './cases/types.js';
import { recordSkippedCase, tracked, type Outcome } from './coverage.js';
import type { CaseContext } from './runner/context.js';
import { runDisposedInputCase, runErrorCase } from './runner/error_case.js';
import { runGradCase } from './runner/grad_case.js';
import { runInTidy, runValueCase } from './runner/value_case.js';

/** The kernels a case needs that the backend does not declare. */
const missingNeeds = (c: ValueCase, manifest: ReadonlySet<KernelName>) => (c.needs ?? []).filter((k) => !manifest.has(k));

/** Registers a case as a test, or as a skipped one when it needs undeclared kernels. */
function caseTest(ctx: CaseContext, manifest: ReadonlySet<KernelName>, title: string, c: ValueCase, outcome: Outcome, run: () => unknown): void {
  const missing = missingNeeds(c, manifest);
  if (missing.length > 0) {
    recordSkippedCase(ctx.backend, ctx.kernel);
    it.skip(`${title} (needs ${missing.join(', ')}, not declared)`, () => undefined);
    return;
  }
  it(title, tracked(ctx.backend, ctx.kernel, outcome, run));
}

/** The tests of one declared kernel: its value, gradient, memory and error cases. */
export function describeKernel(ctx: CaseContext, cases: KernelCases, manifest: ReadonlySet<KernelName>): void {
  const { backend, kernel } = ctx;
  describe(kernel, () => {
    for (const c of cases.values) caseTest(ctx, manifest, `values: ${c.name}`, c, 'value', () => runValueCase(c, ctx));
    if (KERNELS[kernel].differentiable) {
      for (const c of cases.grads) caseTest(ctx, manifest, `gradient: ${c.name}`, c, 'grad', () => runGradCase(c, ctx));
    }
    const runnable = cases.values.find((c) => missingNeeds(c, manifest).length === 0);
    const viewed = cases.values.find((c) => missingNeeds(c, manifest).length === 0 && c.inputs.some((i) => i.shape.length >= 2));
    if (viewed) {
      const title = `values: ${viewed.name}, inputs as reshape views`;
      it(title, tracked(backend, kernel, 'value', () => runValueCase(viewed, ctx, true)));
    }
    if (runnable) {
      it(`memory: ${ctx.op} inside tidy frees every tensor`, tracked(backend, kernel, 'check', () => runInTidy(runnable, ctx)));
      it(`errors: a disposed input throws DisposedTensorError`, tracked(backend, kernel, 'check', () => runDisposedInputCase(runnable, ctx)));
    }
    for (const c of cases.errors) it(`errors: ${c.name}`, tracked(backend, kernel, 'check', () => runErrorCase(c, ctx)));
  });
}

