import { KERNEL_NAMES, KERNELS, type KernelName } from '@tessera/tensor';

/** What one backend's run has shown about one kernel. */
interface Cell {
  declared: boolean;
  skipReason?: string;
  values: number;
  grads: number;
  skippedCases: number;
  failed: boolean;
}

/** A row of the table: a kernel, or the backend-wide contract checks. */
type Row = KernelName | 'contract';

const runs = new Map<string, Map<Row, Cell>>();

const emptyCell = (declared: boolean, skipReason?: string): Cell => ({
  declared,
  skipReason,
  values: 0,
  grads: 0,
  skippedCases: 0,
  failed: false,
});

/** @internal Starts a column for a backend run: which kernels it declares and skips. */
export function declareRun(backend: string, manifest: ReadonlySet<KernelName>, skip: Partial<Record<KernelName, string>>): void {
  const cells = new Map<Row, Cell>([['contract', emptyCell(true)]]);
  for (const k of KERNEL_NAMES) cells.set(k, emptyCell(manifest.has(k), skip[k]));
  runs.set(backend, cells);
}

/** What a passing test counts as. */
export type Outcome = 'value' | 'grad' | 'check';

/** @internal Records a passed test. */
export function recordPass(backend: string, row: Row, outcome: Outcome): void {
  const cell = runs.get(backend)?.get(row);
  if (!cell) return;
  if (outcome === 'value') cell.values++;
  else if (outcome === 'grad') cell.grads++;
  else if (row === 'contract') cell.values++;
}

/** @internal Records a failed test: the cell shows FAIL. */
export function recordFailure(backend: string, row: Row): void {
  const cell = runs.get(backend)?.get(row);
  if (cell) cell.failed = true;
}

/** @internal Records a case skipped because it needs a kernel the backend does not declare. */
export function recordSkippedCase(backend: string, row: Row): void {
  const cell = runs.get(backend)?.get(row);
  if (cell) cell.skippedCases++;
}

/** @internal Wraps a test body so that its outcome lands in the coverage table. */
export function tracked(backend: string, row: Row, outcome: Outcome, body: () => unknown): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (e) {
      recordFailure(backend, row);
      throw e;
    }
    recordPass(backend, row, outcome);
  };
}

function formatCell(row: Row, cell: Cell): string {
  if (!cell.declared) return '-';
  if (cell.skipReason !== undefined) return 'skip';
  if (row === 'contract') return cell.failed ? 'FAIL' : `${cell.values} ok`;
  const grads = KERNELS[row].differentiable ? ` ${cell.grads}g` : '';
  const skipped = cell.skippedCases ? ` (${cell.skippedCases} skipped)` : '';
  const passed = `${cell.values}v${grads}${skipped}`;
  return cell.failed ? `FAIL (passed ${passed})` : passed;
}

/**
 * The coverage of every backend tested in this process, as a Markdown table: one
 * row per kernel, one column per backend. A cell is `12v 3g` (value and gradient
 * cases passed), `-` (not declared), `skip` (skipped by the backend's options) or
 * `FAIL (passed 11v 3g)` (some test of that kernel failed: a value, gradient,
 * memory or error test). `describeBackend` prints it after its
 * suite; call it to print or save it yourself.
 *
 * @returns the table, one line per kernel, empty when no backend ran.
 * @example
 * ```ts
 * import { afterAll } from 'vitest';
 * import { coverageTable } from '@tessera/conformance';
 * afterAll(() => writeFileSync('coverage.md', coverageTable()));
 * ```
 */
export function coverageTable(): string {
  if (runs.size === 0) return '';
  const backends = [...runs.keys()];
  const rows: Row[] = ['contract', ...KERNEL_NAMES];
  const grid = [
    ['kernel', ...backends],
    ...rows.map((row) => [row, ...backends.map((b) => formatCell(row, runs.get(b)!.get(row)!))]),
  ];
  const widths = grid[0].map((_, c) => Math.max(...grid.map((r) => r[c].length)));
  const line = (r: string[]) => `| ${r.map((v, c) => v.padEnd(widths[c])).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(grid[0]), rule, ...grid.slice(1).map(line)].join('\n');
}
