/**
 * `pnpm bench`: Tessera's CPU backend against TensorFlow.js 4.22 (wasm and cpu backends)
 * on the same shapes and data, measured in the same process, implementations
 * alternating per repetition. Prints a table of medians (min-max) and Tessera/tfjs
 * ratios, and writes every timing to bench/results/latest.json.
 *
 *   pnpm bench                          everything (about 10 minutes on 2 cores)
 *   pnpm bench -- --quick               fewer repetitions and a 6k-sample epoch: a smoke run
 *   pnpm bench -- --filter matmul       cases whose group or name contains a word (comma-separated)
 *   pnpm bench -- --compare-threads     adds Tessera with its GEMM thread off ('tessera-1t')
 *   pnpm bench -- --reps 20 --warmup 3 --epoch-reps 5 --slow-ms 2500
 *   pnpm bench -- --impls tessera,tfjs-wasm
 *   pnpm bench -- --against keras,torch   adds Keras 3 on JAX and PyTorch (Python processes) to the training cases
 *   pnpm bench -- --samples 12000        the epoch case on the first 12,000 images
 *   pnpm bench -- --backend webgpu       the WebGPU bench instead (src/webgpu/main.ts)
 *   pnpm bench -- --separate-multiply-add  Node 20: leave relaxed SIMD off (no fused multiply-adds)
 *
 * Speed is measured here, never asserted in a test.
 */
import './relaxed_simd.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tessera/cpu-backend';
import { getGemmAccumulation, getGemmThreads, getWasmMultiplyAdd } from '@tessera/cpu-backend';
import { convCases } from './cases/conv.js';
import { matmulCases } from './cases/matmul.js';
import { trainingCases } from './cases/training.js';
import { fmtMs, measureCase, type BenchCase, type CaseResult, type ImplName } from './harness.js';
import { initTessera } from './tessera.js';
import { initTfjs } from './tfjs.js';
import { closeEngines, engineProcess, isPython, type EngineInfo, type PythonEngine } from './python.js';

interface Options {
  quick: boolean;
  filters: string[];
  reps: number;
  warmup: number;
  epochReps: number;
  slowMs: number;
  impls: ImplName[];
  samples?: number;
  backend: 'cpu' | 'webgpu';
  full: boolean;
  peakGflops?: number;
  out: string;
}

const ALL_IMPLS: ImplName[] = ['tessera', 'tessera-1t', 'tfjs-wasm', 'tfjs-cpu', 'keras', 'torch', 'tessera-webgpu', 'tfjs-webgpu'];
const PYTHON_ENGINES: PythonEngine[] = ['keras', 'torch'];

function parseArgs(argv: string[]): Options {
  const args = argv.filter((a) => a !== '--');
  const value = (name: string): string | undefined => {
    const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    const a = args[i];
    if (a.includes('=')) return a.slice(a.indexOf('=') + 1);
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`--${name} expects a value`);
    return v;
  };
  const int = (name: string, fallback: number) => {
    const v = value(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} expects a positive integer but got '${v}'`);
    return n;
  };
  const known = new Set(['--quick', '--compare-threads', '--filter', '--reps', '--warmup', '--epoch-reps', '--slow-ms', '--impls', '--out', '--against', '--samples', '--backend', '--full', '--peak-gflops', '--separate-multiply-add']);
  for (const a of args) {
    if (a.startsWith('--') && !known.has(a.split('=')[0])) throw new Error(`unknown option ${a} (see bench/src/main.ts)`);
  }
  const quick = args.includes('--quick');
  let impls: ImplName[] = ['tessera', 'tfjs-wasm', 'tfjs-cpu'];
  if (args.includes('--compare-threads')) impls = ['tessera', 'tessera-1t', 'tfjs-wasm', 'tfjs-cpu'];
  const implArg = value('impls');
  if (implArg) {
    impls = implArg.split(',').map((s) => s.trim()) as ImplName[];
    const bad = impls.filter((i) => !ALL_IMPLS.includes(i));
    if (bad.length) throw new Error(`--impls: unknown ${bad.join(', ')}; expected some of ${ALL_IMPLS.join(', ')}`);
  }
  const against = value('against');
  if (against) {
    const engines = against.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = engines.filter((e) => !PYTHON_ENGINES.includes(e as PythonEngine));
    if (bad.length) throw new Error(`--against: unknown ${bad.join(', ')}; expected some of ${PYTHON_ENGINES.join(', ')}`);
    for (const e of engines as ImplName[]) if (!impls.includes(e)) impls.push(e);
  }
  const samples = value('samples') === undefined ? undefined : int('samples', 60_000);
  if (samples !== undefined && (samples < 128 || samples > 60_000)) throw new Error(`--samples expects 128 to 60000 training images but got ${samples}`);
  const backend = value('backend') ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'webgpu') throw new Error(`--backend expects cpu or webgpu but got '${backend}'`);
  if (backend === 'webgpu') {
    impls = implArg ? impls : ['tessera-webgpu', 'tfjs-webgpu'];
    const bad = impls.filter((i) => !i.endsWith('-webgpu'));
    if (bad.length) throw new Error(`--backend webgpu runs tessera-webgpu and tfjs-webgpu, not ${bad.join(', ')}`);
  } else if (impls.some((i) => i.endsWith('-webgpu'))) {
    throw new Error('the -webgpu implementations run with --backend webgpu');
  }
  const here = dirname(fileURLToPath(import.meta.url));
  return {
    backend,
    full: args.includes('--full'),
    peakGflops: value('peak-gflops') === undefined ? undefined : int('peak-gflops', 0),
    quick,
    filters: (value('filter') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
    reps: int('reps', quick ? 3 : 10),
    warmup: int('warmup', quick ? 1 : 2),
    epochReps: int('epoch-reps', 3),
    slowMs: int('slow-ms', 2500),
    impls,
    samples,
    out: value('out') ?? join(here, '..', 'results', backend === 'webgpu' ? 'webgpu.json' : 'latest.json'),
  };
}

const NAMES: Record<ImplName, string> = {
  tessera: 'Tessera',
  'tessera-1t': 'Tessera 1 thread',
  'tfjs-wasm': 'tfjs-wasm',
  'tfjs-cpu': 'tfjs-cpu',
  keras: 'Keras-JAX',
  torch: 'PyTorch',
  'tessera-webgpu': 'Tessera webgpu',
  'tfjs-webgpu': 'tfjs-webgpu',
};

function cell(r: CaseResult['results'][number]): string {
  if (r.unsupported) return r.unsupported.startsWith('not measured') ? '-' : r.unsupported.startsWith('skipped') ? 'skipped' : 'unsupported';
  if (r.once) return `${fmtMs(r.median)} (1 run)`;
  return `${fmtMs(r.median)} (${fmtMs(r.min)}–${fmtMs(r.max)})`;
}

function throughput(c: CaseResult, impl: ImplName): string {
  const r = c.results.find((x) => x.impl === impl);
  if (!r || r.throughput === undefined || r.unsupported) return '-';
  return `${c.unit === 'GFLOP/s' ? r.throughput.toFixed(1) : r.throughput.toFixed(0)} ${c.unit ?? ''}`.trim();
}

function ratio(c: CaseResult, impl: ImplName, base: ImplName): string {
  const a = c.results.find((x) => x.impl === impl);
  const b = c.results.find((x) => x.impl === base);
  if (!a || !b || a.unsupported || b.unsupported) return '-';
  return `${(a.median / b.median).toFixed(2)}`;
}

function table(results: CaseResult[], impls: ImplName[]): string {
  // Every implementation Tessera is compared with (not Tessera with its thread off).
  const tfjs = impls.filter((i) => !i.startsWith('tessera'));
  const shown = results.filter((c) => c.results.some((r) => !r.unsupported));
  const head = [
    'case',
    ...impls.map((i) => `${NAMES[i]} median (min–max)`),
    ...tfjs.map((i) => `Tessera/${NAMES[i]}`),
    ...(impls.includes('tessera-1t') ? ['Tessera/1 thread'] : []),
    'Tessera rate',
    ...tfjs.map((i) => `${NAMES[i]} rate`),
  ];
  const rows = shown.map((c) => [
    c.name,
    ...impls.map((i) => cell(c.results.find((r) => r.impl === i)!)),
    ...tfjs.map((i) => ratio(c, 'tessera', i)),
    ...(impls.includes('tessera-1t') ? [ratio(c, 'tessera', 'tessera-1t')] : []),
    throughput(c, 'tessera'),
    ...tfjs.map((i) => throughput(c, i)),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => `| ${cells.map((s, j) => s.padEnd(widths[j])).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const opts = parseArgs(process.argv.slice(2));
if (opts.backend === 'webgpu') {
  const { runWebGPUBench } = await import('./webgpu/main.js');
  await runWebGPUBench({ ...opts, reps: opts.reps, impls: opts.impls });
}
const started = Date.now();
const tfjsInfo = opts.impls.some((i) => i.startsWith('tfjs')) ? await initTfjs() : undefined;
const tesseraInfo = await initTessera();

const cases: BenchCase[] = [...matmulCases(), ...convCases(), ...trainingCases({ quick: opts.quick, epochReps: opts.epochReps, samples: opts.samples })].filter(
  (c) => opts.filters.length === 0 || opts.filters.some((f) => c.group.includes(f) || c.name.toLowerCase().includes(f)),
);
if (cases.length === 0) throw new Error(`--filter ${opts.filters.join(',')} matches no case`);

// The Python engines start before any case (importing JAX or PyTorch takes seconds), once per run.
const engineInfo: EngineInfo[] = [];
for (const impl of opts.impls.filter(isPython)) {
  try {
    engineInfo.push((await engineProcess(impl)).info);
  } catch (e) {
    console.log(`${NAMES[impl]}: not run: ${(e as Error).message}`);
  }
}

const env = {
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  loadavgAtStart: loadavg(),
  tessera: { gemmThreads: getGemmThreads(), threadsReady: tesseraInfo.threads, accumulation: getGemmAccumulation(), multiplyAdd: getWasmMultiplyAdd() },
  tfjs: tfjsInfo ? { version: '4.22.0', wasmSimd: tfjsInfo.simd, wasmThreads: tfjsInfo.threads } : undefined,
  python: engineInfo.length ? engineInfo : undefined,
};
console.log(
  `Tessera (cpu backend, GEMM threads: ${env.tessera.gemmThreads}, worker ready: ${env.tessera.threadsReady}, multiply-adds: ${env.tessera.multiplyAdd}) vs ` +
    (tfjsInfo ? `TensorFlow.js 4.22 (wasm: SIMD ${tfjsInfo.simd}, threads ${tfjsInfo.threads}: tfjs turns them off in Node; cpu: plain JS)` : 'nothing'),
);
for (const e of engineInfo) {
  console.log(`${NAMES[e.engine]}: ${e.engine === 'keras' ? 'Keras' : 'PyTorch'} ${e.version}, ${e.backend}, ${e.threads} threads (${e.python})`);
}
console.log(`${env.cpu}, ${env.cores} cores, Node ${env.node}, load average ${env.loadavgAtStart.map((x) => x.toFixed(2)).join(' ')}`);
console.log(`${cases.length} cases, ${opts.reps} timed repetitions each (alternating), ${opts.warmup} warm-up${opts.quick ? ', quick' : ''}\n`);

const results: CaseResult[] = [];
for (const c of cases) results.push(await measureCase(c, opts.impls, { reps: opts.reps, warmup: opts.warmup, slowMs: opts.slowMs }, console.log));

await closeEngines();
console.log(`\n${table(results, opts.impls)}\n`);
console.log('Ratios are Tessera median / the other median: below 1 means Tessera is faster.');
for (const c of results) {
  const missing = c.results.filter((r) => r.unsupported && !r.unsupported.startsWith('not measured'));
  if (missing.length && missing.length < c.results.length) {
    console.log(`${c.name}: ran without ${missing.map((r) => `${NAMES[r.impl]} (${r.unsupported})`).join(', ')}`);
  }
}
console.log(`'1 run': its first run took over ${opts.slowMs} ms (--slow-ms), so it was timed once more, not ${opts.reps} times.`);
console.log(`Took ${((Date.now() - started) / 1000).toFixed(0)} s; load average now ${loadavg().map((x) => x.toFixed(2)).join(' ')}.`);

await mkdir(dirname(opts.out), { recursive: true });
await writeFile(
  opts.out,
  JSON.stringify({ date: new Date().toISOString(), options: { ...opts, out: undefined }, env, results }, null, 2) + '\n',
);
console.log(`Wrote ${opts.out}`);
