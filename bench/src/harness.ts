/**
 * The measuring loop: every implementation of a case runs its warm-up, then the timed
 * repetitions alternate between implementations (the starting one rotates each round),
 * so a slow spell of the shared machine lands on all of them alike instead of on one.
 */

/**
 * The implementations a case can run on (`keras` and `torch` run in a Python process:
 * src/python.ts; the `-webgpu` ones only under `--backend webgpu`: src/webgpu/).
 */
export type ImplName = 'tessera' | 'tessera-1t' | 'tfjs-wasm' | 'tfjs-cpu' | 'keras' | 'torch' | 'tessera-webgpu' | 'tfjs-webgpu';

/**
 * One prepared implementation of a case: `run` does one timed unit of work, completely (results
 * read). A runner that times itself (another process) resolves to its own measure in ms, which
 * is used instead of the wall time around the call.
 */
export interface Runner {
  run(): void | number | Promise<void | number>;
  /**
   * True when the first run compiles (XLA under Keras on JAX): it runs once untimed before
   * the warm-up (even in a case without one), so the `slowMs` check judges a compiled run.
   */
  readonly compilesFirst?: boolean;
  /**
   * How long after a run its process may still keep cores busy (ms): the harness sleeps that
   * long before the next run, of any implementation, so that it does not time the next one
   * against those threads. PyTorch's OpenBLAS threads spin about 0.1 s after each call
   * (2^28 cycles, OpenBLAS's THREAD_TIMEOUT), measured as 0.09 s of CPU in the second after a
   * step; XLA's and Tessera's worker go quiet within a millisecond.
   */
  readonly settleMs?: number;
  dispose(): void;
}

/** What a case measures. */
export interface BenchCase {
  /** Name in the table, e.g. `matmul 1024 AᵀB`. */
  readonly name: string;
  /** The family `--filter` matches against (with the name). */
  readonly group: string;
  /** Work per run, for the throughput column: flops (GFLOP/s) or samples (samples/s). */
  readonly work?: { readonly amount: number; readonly unit: 'GFLOP/s' | 'samples/s' };
  /** Timed repetitions per implementation (default: the run's). */
  readonly reps?: number;
  /** Untimed runs per implementation before timing (default: the run's). */
  readonly warmup?: number;
  /**
   * An implementation whose first warm-up run takes longer than this (ms; default the
   * run's) is timed once more and no further: a median of ten 3-second runs of the
   * plain-JavaScript tfjs backend would say nothing more and cost minutes.
   */
  readonly slowMs?: number;
  /** Prepares the case on one implementation; a string says why it cannot run there. */
  setup(impl: ImplName): Promise<Runner | string>;
}

/** Timings of one case on one implementation, in milliseconds. */
export interface ImplResult {
  readonly impl: ImplName;
  /** Why it did not run, when it did not. */
  readonly unsupported?: string;
  readonly times: number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** True when it was timed once only (its first run took longer than the case's `slowMs`). */
  readonly once?: boolean;
  /** Throughput at the median, in the case's unit. */
  readonly throughput?: number;
}

export interface CaseResult {
  readonly name: string;
  readonly group: string;
  readonly unit?: string;
  readonly results: ImplResult[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Yields to the event loop, so that timers and a finishing worker get their turn between runs. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `r` once and returns its time in ms: its own measure when it reports one, else the wall time. Then waits its `settleMs`. */
async function timed(r: Runner): Promise<number> {
  const t0 = performance.now();
  const own = await r.run();
  const wall = performance.now() - t0;
  if (r.settleMs) await new Promise((resolve) => setTimeout(resolve, r.settleMs));
  return typeof own === 'number' ? own : wall;
}

/** Runs one case on every implementation, alternating, and returns its timings. */
export async function measureCase(
  c: BenchCase,
  impls: readonly ImplName[],
  defaults: { reps: number; warmup: number; slowMs: number },
  log: (line: string) => void,
): Promise<CaseResult> {
  const reps = c.reps ?? defaults.reps;
  const warmup = c.warmup ?? defaults.warmup;
  const slowMs = c.slowMs ?? defaults.slowMs;
  const once = new Set<ImplName>();
  const runners = new Map<ImplName, Runner>();
  const unsupported = new Map<ImplName, string>();
  for (const impl of impls) {
    try {
      const r = await c.setup(impl);
      if (typeof r === 'string') unsupported.set(impl, r);
      else runners.set(impl, r);
    } catch (e) {
      unsupported.set(impl, (e as Error).message.split('\n')[0]);
    }
  }
  // A runner whose first run compiles runs it now, untimed, even in a case without warm-up.
  for (const [impl, r] of runners) {
    if (!r.compilesFirst) continue;
    try {
      await r.run();
    } catch (e) {
      unsupported.set(impl, (e as Error).message.split('\n')[0]);
      r.dispose();
      runners.delete(impl);
    }
  }
  // Warm-up (which also finds kernels an implementation lacks: a throw marks it unsupported).
  for (let w = 0; w < warmup; w++) {
    for (const [impl, r] of runners) {
      if (once.has(impl)) continue;
      try {
        const ms = await timed(r);
        if (w === 0 && ms > slowMs) once.add(impl);
      } catch (e) {
        unsupported.set(impl, (e as Error).message.split('\n')[0]);
        r.dispose();
        runners.delete(impl);
      }
      await breathe();
    }
  }
  const times = new Map<ImplName, number[]>([...runners.keys()].map((k) => [k, []]));
  const order = [...runners.keys()];
  for (let rep = 0; rep < reps; rep++) {
    for (let i = 0; i < order.length; i++) {
      const impl = order[(i + rep) % order.length];
      if (once.has(impl) && rep > 0) continue;
      times.get(impl)!.push(await timed(runners.get(impl)!));
      await breathe();
    }
  }
  for (const r of runners.values()) r.dispose();

  const results: ImplResult[] = impls.map((impl) => {
    const t = times.get(impl);
    if (!t) return { impl, unsupported: unsupported.get(impl) ?? 'not run', times: [], median: NaN, min: NaN, max: NaN };
    const med = median(t);
    const throughput = c.work ? (c.work.unit === 'GFLOP/s' ? c.work.amount / (med * 1e6) : c.work.amount / (med / 1000)) : undefined;
    return { impl, times: t, median: med, min: Math.min(...t), max: Math.max(...t), once: once.has(impl) || undefined, throughput };
  });
  const line = results
    .map((r) => (r.unsupported ? `${r.impl} ${r.unsupported.startsWith('skipped') ? 'skipped' : 'unsupported'}` : `${r.impl} ${fmtMs(r.median)}`))
    .join(' | ');
  log(`  ${c.name}: ${line}`);
  return { name: c.name, group: c.group, unit: c.work?.unit, results };
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}
