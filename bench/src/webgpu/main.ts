/**
 * `pnpm bench -- --backend webgpu`: Tessera's WebGPU backend against TensorFlow.js's, both on
 * the same Dawn device in Node (the `webgpu` package), alternating per repetition like the CPU
 * bench. Prints GFLOP/s and the fraction of the adapter's FP32 peak (where it is known, see
 * adapter.ts), samples/s for the training steps, and writes bench/results/webgpu.json.
 *
 * A software adapter (SwiftShader, lavapipe: `isFallbackAdapter`, or a CPU driver's name) is
 * never reported as a GPU result: the bench runs a smoke-sized set of the cases there, labels
 * every line "software adapter, not a GPU result", and records `gpuResult: false`
 * (`--full` runs the full-size cases on it anyway, for hours).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { WebGPUBackend as TfjsWebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { registerWebGPUBackend } from '@tessera/webgpu-backend';
import { getBackend, setBackend } from '@tessera/tensor';
import { fmtMs, measureCase, type CaseResult, type ImplName } from '../harness.js';
import { mnistArrays } from '../data.js';
import { tf } from '../tfjs.js';
import { describeAdapter, openGpu, type AdapterReport } from './adapter.js';
import { webgpuCases } from './cases.js';

export interface WebGPUBenchOptions {
  filters: string[];
  reps: number;
  warmup: number;
  slowMs: number;
  out: string;
  full: boolean;
  peakGflops?: number;
  impls: ImplName[];
}

const NAMES: Partial<Record<ImplName, string>> = { 'tessera-webgpu': 'Tessera webgpu', 'tfjs-webgpu': 'tfjs-webgpu' };

/** Starts tfjs's WebGPU backend on a device of the same adapter (its own device, as it would have in a browser). */
async function startTfjs(gpu: GPU, adapter: GPUAdapter): Promise<string> {
  const limits = adapter.limits;
  const requiredFeatures = (['timestamp-query'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  // The limits tfjs's own registration asks for (tfjs-backend-webgpu/src/base.ts); it registers only where navigator.gpu exists.
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  tf.env().set('PROD', true);
  // tfjs checks navigator.gpu before it starts (Node 20 has no navigator; Node 21+ has one without gpu).
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (!g.navigator?.gpu) {
    const nav = g.navigator ?? {};
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true });
  }
  tf.registerBackend('webgpu', () => new TfjsWebGPUBackend(device, adapter.info as never), 5);
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs-backend-webgpu did not initialize');
  return tf.getBackend();
}

function rate(r: CaseResult['results'][number] | undefined, unit: string | undefined): string {
  if (!r || r.unsupported || r.throughput === undefined) return '-';
  const v = r.throughput;
  const n = v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(2);
  return `${n} ${unit === 'GFLOP/s' ? 'GFLOP/s' : 'samples/s'}`;
}

function ofPeak(r: CaseResult['results'][number] | undefined, unit: string | undefined, adapter: AdapterReport): string {
  if (!r || r.unsupported || r.throughput === undefined || unit !== 'GFLOP/s') return '-';
  if (adapter.software) return 'n/a (software)';
  if (!adapter.peak) return 'unknown';
  return `${((100 * r.throughput) / adapter.peak.gflops).toFixed(1)}%`;
}

function table(results: CaseResult[], impls: ImplName[], adapter: AdapterReport): string {
  const cell = (r: CaseResult['results'][number] | undefined) =>
    !r ? '-' : r.unsupported ? `unsupported` : r.once ? `${fmtMs(r.median)} (1 run)` : `${fmtMs(r.median)} (${fmtMs(r.min)}–${fmtMs(r.max)})`;
  const both = impls.includes('tessera-webgpu') && impls.includes('tfjs-webgpu');
  const head = [
    'case',
    ...impls.map((i) => `${NAMES[i]} median (min–max)`),
    ...(both ? ['Tessera/tfjs'] : []),
    ...impls.flatMap((i) => [`${NAMES[i]} rate`, `${NAMES[i]} of peak`]),
  ];
  const rows = results.map((c) => {
    const get = (i: ImplName) => c.results.find((r) => r.impl === i);
    const a = get('tessera-webgpu');
    const b = get('tfjs-webgpu');
    const ratio = a && b && !a.unsupported && !b.unsupported ? (a.median / b.median).toFixed(2) : '-';
    return [
      adapter.software ? `${c.name} (software)` : c.name,
      ...impls.map((i) => cell(get(i))),
      ...(both ? [ratio] : []),
      ...impls.flatMap((i) => [rate(get(i), c.unit), ofPeak(get(i), c.unit, adapter)]),
    ];
  });
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => `| ${cells.map((s, j) => s.padEnd(widths[j])).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export async function runWebGPUBench(opts: WebGPUBenchOptions): Promise<void> {
  const started = Date.now();
  const { gpu, adapter } = await openGpu();
  const report = describeAdapter(adapter, opts.peakGflops);
  const label = report.software ? `SOFTWARE ADAPTER (${report.softwareReason}): not a GPU result` : 'GPU';
  console.log(`Adapter: ${[report.vendor, report.architecture, report.device, report.description].filter(Boolean).join(' / ')} — ${label}`);
  console.log(`Peak: ${report.peak ? `${report.peak.gflops.toLocaleString('en-US')} GFLOP/s (${report.peak.source})` : 'unknown (WebGPU adapter info gives no FLOP rate and the description matches no known GPU; --peak-gflops N sets it)'}`);
  console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const scale = report.software && !opts.full ? 'smoke' : 'gpu';
  const cases = webgpuCases(scale).filter((c) => opts.filters.length === 0 || opts.filters.some((f) => c.group.includes(f) || c.name.toLowerCase().includes(f)));
  if (cases.length === 0) throw new Error(`--filter ${opts.filters.join(',')} matches no WebGPU case`);
  // MNIST is prepared with tensor ops that read synchronously: on the CPU backend, before the switch.
  if (cases.some((c) => c.group === 'train')) {
    await setBackend('cpu');
    await mnistArrays();
  }
  registerWebGPUBackend({ gpu });
  await setBackend('webgpu');
  const impls = [...opts.impls];
  let tfjsState = '';
  if (impls.includes('tfjs-webgpu')) {
    try {
      tfjsState = await startTfjs(gpu, adapter);
    } catch (e) {
      tfjsState = `not loaded: ${(e as Error).message.split('\n')[0]}`;
      impls.splice(impls.indexOf('tfjs-webgpu'), 1);
    }
  }
  console.log(`Tessera: ${getBackend()} backend; TensorFlow.js 4.22 tfjs-backend-webgpu: ${tfjsState || 'not asked for'}`);
  if (scale === 'smoke') console.log('Software adapter: running the smoke-sized cases (small shapes, labelled "(software)"); --full runs the full-size ones.');

  console.log(`${cases.length} cases, ${opts.reps} timed repetitions each (alternating), ${opts.warmup} warm-up\n`);

  const results: CaseResult[] = [];
  for (const c of cases) {
    results.push(
      await measureCase(c, impls, { reps: opts.reps, warmup: opts.warmup, slowMs: opts.slowMs }, (l) => console.log(report.software ? `${l} [software adapter, not a GPU result]` : l)),
    );
  }
  console.log(`\n${table(results, impls, report)}\n`);
  if (report.software) console.log(`Every number above ran on a software adapter (${report.description || report.architecture}): not a GPU result.`);
  console.log('Ratio: Tessera median / tfjs median (below 1: Tessera is faster). Each timed run ends with a one-element read, so queued kernels are in the time, the copy of whole results is not.');
  console.log(`Took ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  await mkdir(dirname(opts.out), { recursive: true });
  await writeFile(
    opts.out,
    JSON.stringify({ date: new Date().toISOString(), gpuResult: !report.software, adapter: report, scale, options: { ...opts, out: undefined }, results }, null, 2) + '\n',
  );
  console.log(`Wrote ${opts.out}`);
  // Dawn keeps Node alive while its instance lives.
  void gpu;
  process.exit(0);
}
