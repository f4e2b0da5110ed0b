import { afterAll, beforeAll, describe, it } from 'vitest';
import { getKernel, getKernelsForBackend, KERNEL_NAMES, KERNELS, registerKernel, setBackend, unregisterKernel, type KernelName } from '@tessera/tensor';
import { CASES } from './cases/index.js';
import type { KernelCases } from './cases/types.js';
import { describeContract } from './contract.js';
import { coverageTable, declareRun, tracked } from './coverage.js';
import { describeKernel } from './describe_kernel.js';
import { DEFAULT_TOLERANCE, type SuiteTolerance } from './runner/context.js';
import { expectNoLeak, snapshot, type MemorySnapshot } from './runner/memory.js';

/** Options of {@link describeBackend}. */
export interface DescribeBackendOptions {
  /** The kernels the backend declares; default: every kernel registered for it (`getKernelsForBackend`). */
  readonly kernels?: readonly KernelName[];
  /** Looser (or tighter) tolerances, e.g. for a GPU's fast transcendental functions. */
  readonly tolerance?: SuiteTolerance;
  /** Kernels not to test, each with the reason (shown in the test name and the coverage table). */
  readonly skip?: Partial<Record<KernelName, string>>;
}

/**
 * Defines the conformance suite of one backend in the calling vitest file: for
 * every kernel the backend declares, value tests against float64 references,
 * gradient tests against finite differences (differentiable kernels), memory and
 * read checks and typed-error checks, plus the backend-wide contract (reads per
 * dtype, memory accounting, missing kernels). Prints {@link coverageTable} after
 * the suite. Import the backend (so it registers) before calling this.
 *
 * @param backendName - the name the backend was registered under.
 * @param options - the declared kernels (default: all registered), tolerances, skips.
 * @example
 * ```ts
 * // test/conformance.test.ts of a backend package
 * import '@tessera/cpu-backend';
 * import { describeBackend } from '@tessera/conformance';
 *
 * describeBackend('cpu');
 * describeBackend('mine', { kernels: ['Add', 'Mul', 'Sum'], tolerance: { rtol: 1e-4 } });
 * ```
 */
export function describeBackend(backendName: string, options: DescribeBackendOptions = {}): void {
  const manifest: ReadonlySet<KernelName> = new Set(options.kernels ?? getKernelsForBackend(backendName));
  const skip = options.skip ?? {};
  const tolerance = { ...DEFAULT_TOLERANCE, ...options.tolerance };
  declareRun(backendName, manifest, skip);

  describe(`conformance of backend '${backendName}'`, () => {
    let start: MemorySnapshot;
    beforeAll(async () => {
      await setBackend(backendName);
      start = snapshot(backendName);
    });
    afterAll(() => {
      console.log(`Tessera conformance coverage (v: value cases passed, g: gradient cases passed)\n${coverageTable()}`);
    });

    describeContract(backendName, manifest, (title, body) => it(title, tracked(backendName, 'contract', 'check', body)));

    for (const kernel of KERNEL_NAMES) {
      if (!manifest.has(kernel)) continue;
      const reason = skip[kernel];
      if (reason !== undefined) {
        it.skip(`${kernel}: skipped by the backend (${reason})`, () => undefined);
        continue;
      }
      describeKernel({ backend: backendName, kernel, op: CASES[kernel].op, tolerance }, CASES[kernel], manifest);
    }

    for (const kernel of KERNEL_NAMES) {
      if (KERNELS[kernel].fallback && skip[kernel] === undefined) describeFallback(backendName, kernel, manifest, tolerance);
    }

    it('leaves no tensors behind after the whole suite', tracked(backendName, 'contract', 'check', () => expectNoLeak(start, backendName, 'after the suite')));
  });
}

/**
 * The cases of a kernel whose op falls back to other kernels (`KernelSpec.fallback`), run
 * on that fallback: with the kernel taken away from the registry for the block (and put
 * back after it) where the backend registers it, as they are where it does not. Cases
 * that need an undeclared kernel of the composite are skipped.
 */
function describeFallback(backend: string, kernel: KernelName, manifest: ReadonlySet<KernelName>, tolerance: Required<SuiteTolerance>): void {
  const cases = CASES[kernel] as KernelCases;
  const composite = cases.composite ?? [];
  const withComposite = <C extends { needs?: readonly KernelName[] }>(c: C): C => ({ ...c, needs: [...(c.needs ?? []), ...composite] });
  const fallbackCases: KernelCases = { ...cases, values: cases.values.map(withComposite), grads: cases.grads.map(withComposite) };
  const without = new Set([...manifest].filter((k) => k !== kernel));
  describe(`${kernel}, fallback (the op without the kernel)`, () => {
    let removed: ReturnType<typeof getKernel>;
    beforeAll(() => {
      removed = getKernel(kernel, backend);
      if (removed) unregisterKernel(kernel, backend);
    });
    afterAll(() => {
      if (removed) registerKernel(removed);
    });
    describeKernel({ backend, kernel, op: cases.op, tolerance }, fallbackCases, without);
  });
}
