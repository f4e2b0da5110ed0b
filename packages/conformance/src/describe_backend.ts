import { afterAll, beforeAll, describe, it } from 'vitest';
import { getKernelsForBackend, KERNEL_NAMES, setBackend, type KernelName } from '@tessera/tensor';
import { CASES } from './cases/index.js';
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

    it('leaves no tensors behind after the whole suite', tracked(backendName, 'contract', 'check', () => expectNoLeak(start, backendName, 'after the suite')));
  });
}
