/**
 * The playground: a CodeMirror editor holding a TypeScript snippet, run in the page with the
 * @tessera packages bundled into the site, on WebGPU when the browser gives an adapter, else on
 * the CPU. The snippet's log goes into a `<pre>` (ProgbarLogger's `write`, `print`, and
 * `console.log` while it runs) and its loss into a live uPlot chart.
 *
 * The snippet's model is defined on the page; its `fit` (from the `playground` module) trains it
 * on the CPU in a Web Worker (`FitWorker` from @tessera/worker, fit.worker.ts), so the page stays
 * responsive: ProgbarLogger's lines and the logs stream back into the log and the chart, and the
 * trained weights return into the page's model. On WebGPU, where Workers are unavailable, or
 * when "Train in" says so, it runs on the page's thread.
 *
 * Loaded with `import()` from Playground.vue when the page mounts, so no other page pays for it.
 */
import { javascript } from '@codemirror/lang-javascript';
import { EditorView, basicSetup } from 'codemirror';
import { keymap } from '@codemirror/view';
import * as cpuBackend from '@tessera/cpu-backend';
import * as datasets from '@tessera/datasets';
import * as layers from '@tessera/layers';
import * as losses from '@tessera/losses';
import * as optimizers from '@tessera/optimizers';
import * as tensor from '@tessera/tensor';
import * as webgpuBackend from '@tessera/webgpu-backend';
import { FitWorker, type FitWorkerInfo } from '@tessera/worker';
import { LossChart } from './chart.js';
import { EXAMPLES, type Example } from './examples/index.js';
import { runModule, transpile } from './runtime.js';
import { Terminal } from './terminal.js';

export { EXAMPLES, type Example };

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

/** Where `fit` trains on the CPU backend: in a Web Worker (the default) or on the page's thread. */
export type FitPlace = 'worker' | 'page';

/** Where the last `fit` trained, and how fast. */
export interface FitReport {
  where: FitPlace;
  /** Why the page's thread, when a worker was asked for; or the worker's GEMM threads. */
  note: string;
  /** The worker's GEMM threads (2 where the page is cross-origin isolated); 0 on the page. */
  gemmThreads: number;
  /** Training samples per second (validation excluded). */
  samplesPerSecond: number;
}

/** Options of the snippet's `fit` (see snippet-env.d.ts). */
export interface PlaygroundFitOptions {
  batchSize?: number;
  epochs?: number;
  initialEpoch?: number;
  shuffle?: boolean;
  validationSplit?: number;
  validationData?: [tensor.Tensor, tensor.Tensor];
  verbose?: 0 | 1 | 2;
  every?: number;
}

export interface PlaygroundElements {
  editor: HTMLElement;
  chart: HTMLElement;
  log: HTMLElement;
}

export interface PlaygroundEvents {
  /** The backend in use, and why when it is not the one asked for. */
  onBackend(name: string, note: string): void;
  onStatus(text: string, state: 'idle' | 'running' | 'done' | 'error'): void;
  /** Where a `fit` trains (called when it starts, and again with its speed when it ends). */
  onFit?(report: FitReport): void;
}

/** The bundled packages a snippet can import, by name. */
const PACKAGES: Record<string, unknown> = {
  '@tessera/tensor': tensor,
  '@tessera/layers': layers,
  '@tessera/optimizers': optimizers,
  '@tessera/losses': losses,
  '@tessera/datasets': datasets,
  '@tessera/cpu-backend': cpuBackend,
  '@tessera/webgpu-backend': webgpuBackend,
};

/** Lets the page repaint (and a test harness look) while training holds the main thread. */
function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export class Playground {
  readonly terminal: Terminal;
  readonly chart: LossChart;
  private readonly view: EditorView;
  private webgpuRegistered = false;
  /** Whether the next start of the WebGPU backend may take a software adapter (only when chosen by name). */
  private allowSoftwareAdapter = false;
  private firstStart = true;
  private stopRequested = false;
  private running = false;
  /** The training worker, started on the first `fit` in one; undefined where it could not start. */
  private fitWorker: Promise<{ worker: FitWorker; info: FitWorkerInfo } | { error: string }> | undefined;
  /** The worker of the `fit` running now, for Stop. */
  private activeWorker: FitWorker | undefined;
  /** Where the snippet's `fit` trains on the CPU backend. */
  private place: FitPlace = 'worker';
  /** The last `fit`'s report. */
  lastFit: FitReport | undefined;

  constructor(
    private readonly els: PlaygroundElements,
    private readonly events: PlaygroundEvents,
    private readonly baseUrl: string,
    initial: Example,
  ) {
    this.terminal = new Terminal(els.log);
    this.chart = new LossChart(els.chart);
    this.view = new EditorView({
      doc: initial.source,
      parent: els.editor,
      extensions: [
        basicSetup,
        javascript({ typescript: true }),
        EditorView.lineWrapping,
        keymap.of([{ key: 'Mod-Enter', run: () => (void this.run(), true) }]),
        EditorView.theme({ '&': { height: '100%' }, '.cm-scroller': { overflow: 'auto' } }),
      ],
    });
  }

  get code(): string {
    return this.view.state.doc.toString();
  }

  set code(source: string) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: source } });
  }

  get isRunning(): boolean {
    return this.running;
  }

  stop(): void {
    if (!this.running) return;
    this.stopRequested = true;
    this.activeWorker?.stop();
  }

  /**
   * The training worker (started once and kept): resolves to it and what its backend runs on, or
   * to why there is none (no Worker in this browser, or it failed to start).
   */
  private startWorker(): Promise<{ worker: FitWorker; info: FitWorkerInfo } | { error: string }> {
    this.fitWorker ??= (async () => {
      if (typeof Worker !== 'function') return { error: 'this browser has no Web Workers' };
      let raw: Worker;
      try {
        raw = new Worker(new URL('./fit.worker.ts', import.meta.url), { type: 'module' });
      } catch (e) {
        return { error: `the training worker could not start: ${(e as Error).message}` };
      }
      const worker = new FitWorker(raw);
      // A worker whose script fails to load never answers: its 'error' event says so.
      const failed = new Promise<never>((_, reject) =>
        raw.addEventListener('error', (e) => reject(new Error(e.message || 'its script failed to load')), { once: true }),
      );
      try {
        return { worker, info: await Promise.race([worker.ready(), failed]) };
      } catch (e) {
        worker.terminate();
        return { error: `the training worker could not start: ${(e as Error).message}` };
      }
    })();
    return this.fitWorker;
  }


  /**
   * Picks the backend: `auto` registers the WebGPU backend (where `navigator.gpu` exists) and
   * lets the engine start the best one (`await ready()`), which falls back to the CPU when no
   * adapter is given or the adapter is a software one (SwiftShader, lavapipe: slower than the
   * CPU backend). Choosing `webgpu` by name uses whatever adapter there is.
   */
  async selectBackend(choice: BackendChoice): Promise<string> {
    const hasGpu = typeof navigator !== 'undefined' && 'gpu' in navigator && Boolean((navigator as { gpu?: unknown }).gpu);
    this.allowSoftwareAdapter = choice === 'webgpu';
    if (hasGpu && !this.webgpuRegistered) {
      webgpuBackend.registerWebGPUKernels();
      tensor.registerBackend('webgpu', () => webgpuBackend.createWebGPUBackend({ hardwareOnly: !this.allowSoftwareAdapter }), 2);
      this.webgpuRegistered = true;
    }
    let note = '';
    if (choice === 'cpu') {
      await tensor.setBackend('cpu');
    } else if (choice === 'webgpu') {
      if (!this.webgpuRegistered) throw new Error('this browser has no WebGPU (navigator.gpu is missing)');
      await tensor.setBackend('webgpu');
    } else if (this.firstStart) {
      await tensor.ready();
    }
    if (choice === 'auto' && this.webgpuRegistered && tensor.getBackend() !== 'webgpu') {
      // ready() keeps a backend already active; ask for WebGPU itself to know why it is not used.
      try {
        await tensor.setBackend('webgpu');
      } catch (e) {
        await tensor.setBackend('cpu');
        const why = (e as Error).message.split('. To get one')[0].replace(/^webgpu: /, '');
        note = `WebGPU ${why.startsWith('expected a hardware adapter') ? 'not picked' : 'unavailable'}: ${why}`;
      }
    } else if (choice === 'auto' && !this.webgpuRegistered) {
      await tensor.setBackend('cpu');
      note = 'this browser has no WebGPU (navigator.gpu is missing)';
    }
    this.firstStart = false;
    const name = tensor.getBackend();
    this.events.onBackend(name, note);
    return name;
  }

  /** Transpiles and runs the editor's snippet; its `fit` trains where `place` says (on the CPU backend). */
  async run(choice: BackendChoice = 'auto', place: FitPlace = 'worker'): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    this.stopRequested = false;
    this.place = place;
    this.lastFit = undefined;
    this.terminal.clear();
    this.chart.reset();
    const started = performance.now();
    const consoleLog = console.log;
    try {
      this.events.onStatus('starting the backend…', 'running');
      const backend = await this.selectBackend(choice);
      layers.clearSession();
      const before = tensor.memory().numTensors;
      const js = transpile(this.code);
      console.log = (...values: unknown[]) => {
        this.terminal.print(...values);
        consoleLog.apply(console, values);
      };
      this.events.onStatus(`running on ${backend}…`, 'running');
      await runModule(js, { ...PACKAGES, playground: this.snippetModule(backend) });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const leaked = tensor.memory().numTensors - before;
      // (Set by the snippet's fit: TypeScript cannot see that, after `this.lastFit = undefined` above.)
      const fitted = this.lastFit as FitReport | undefined;
      const where = fitted ? (fitted.where === 'worker' ? ' · fit in a Web Worker' : " · fit on the page's thread") : '';
      this.events.onStatus(
        `${this.stopRequested ? 'stopped' : 'done'} in ${seconds} s on ${backend}${where}` + (leaked > 0 ? ` · ${leaked} tensors still live` : ''),
        'done',
      );
      return true;
    } catch (e) {
      this.terminal.print(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      this.events.onStatus(`error: ${e instanceof Error ? e.message : String(e)}`, 'error');
      consoleLog.call(console, e);
      return false;
    } finally {
      console.log = consoleLog;
      this.chart.redraw();
      this.running = false;
      this.activeWorker = undefined;
    }
  }

  /**
   * The snippet's `fit`: Keras's `fit` with the page's ProgbarLogger and loss chart, in the
   * training worker on the CPU backend (the page's model receives the trained weights), else on
   * the page's thread. Resolves to the History.
   */
  private async fit(backend: string, model: layers.Model, x: tensor.Tensor, y: tensor.Tensor, options: PlaygroundFitOptions = {}): Promise<layers.History> {
    const { verbose = 1, every = 1, ...args } = options;
    const plot = new LossPlot(this.chart, Math.max(1, Math.floor(every)));
    let note = '';
    if (backend !== 'cpu') note = `the ${backend} backend runs on the page`;
    else if (this.place === 'page') note = 'chosen in "Train in"';
    const started = note ? undefined : await this.startWorker();
    if (started && 'error' in started) note = started.error;
    if (started && 'worker' in started) {
      const { worker, info } = started;
      const threads = info.gemmThreads ? 2 : 1;
      const threadNote = info.gemmThreads ? '2 GEMM threads' : `1 GEMM thread: ${info.whyNoThreads}`;
      this.events.onFit?.({ where: 'worker', note: threadNote, gemmThreads: threads, samplesPerSecond: 0 });
      this.activeWorker = worker;
      const batchSize = args.batchSize ?? 32;
      const trainCount = args.validationSplit ? Math.floor(x.shape[0] * (1 - args.validationSplit)) : x.shape[0];
      const steps = Math.ceil(trainCount / batchSize);
      let epoch = 0;
      try {
        const result = await worker.fit(model, x, y, {
          ...args,
          verbose,
          progressInterval: 0.1,
          onProgress: this.terminal.write,
          onEpochBegin: (e) => void (epoch = e),
          onBatchEnd: (step, logs) => {
            // Stop pressed before the worker had started this fit: end it now.
            if (this.stopRequested) worker.stop();
            plot.batch(epoch, step, steps, logs);
          },
          onEpochEnd: (e, logs) => plot.epoch(e, logs),
        });
        this.report({ where: 'worker', note: threadNote, gemmThreads: threads, samplesPerSecond: result.samplesPerSecond });
        return result.history;
      } finally {
        this.activeWorker = undefined;
        this.chart.redraw();
      }
    }
    // The page's thread: the model trains here, yielding to the browser now and then.
    this.events.onFit?.({ where: 'page', note, gemmThreads: 0, samplesPerSecond: 0 });
    if (this.place === 'worker' && backend === 'cpu') this.terminal.print(`(training on the page's thread: ${note})`);
    const speed = new SpeedMeter();
    const pageCurve = new PageCurve(plot, () => this.stopRequested);
    const callbacks: layers.Callback[] = [speed, pageCurve];
    if (verbose > 0) callbacks.unshift(new layers.ProgbarLogger({ verbose: verbose as 1 | 2, write: this.terminal.write, dynamic: verbose === 1 }));
    try {
      const history = await model.fit(x, y, { ...args, verbose: 0, callbacks });
      this.report({ where: 'page', note, gemmThreads: 0, samplesPerSecond: speed.samplesPerSecond });
      return history;
    } finally {
      this.chart.redraw();
    }
  }

  /** Prints and reports where a `fit` trained and how fast. */
  private report(r: FitReport): void {
    this.lastFit = r;
    this.events.onFit?.(r);
    const where = r.where === 'worker' ? `in a Web Worker (${r.note})` : `on the page's thread (${r.note})`;
    this.terminal.print(`fit: ${Math.round(r.samplesPerSecond).toLocaleString('en-US')} samples/s ${where}`);
  }

  /** The `playground` module a snippet imports. */
  private snippetModule(backend: string): Record<string, unknown> {
    return {
      fit: (model: layers.Model, x: tensor.Tensor, y: tensor.Tensor, options?: PlaygroundFitOptions) => this.fit(backend, model, x, y, options),
      mnistUrl: new URL(`${this.baseUrl}data/mnist/`, window.location.href).href,
      backend,
      write: this.terminal.write,
      print: this.terminal.print,
      lossCurve: (options: { every?: number } = {}) => new PageCurve(new LossPlot(this.chart, Math.max(1, Math.floor(options.every ?? 1))), () => this.stopRequested),
    };
  }

  destroy(): void {
    this.stop();
    void this.fitWorker?.then((w) => 'worker' in w && w.worker.terminate());
    this.view.destroy();
    this.chart.destroy();
  }
}

export function createPlayground(els: PlaygroundElements, events: PlaygroundEvents, baseUrl: string, initial: Example): Playground {
  return new Playground(els, events, baseUrl, initial);
}

/** Draws the running loss (every `every` batches) and each epoch's val_loss, redrawing at most every 100 ms. */
class LossPlot {
  private batches = 0;
  private lastDraw = 0;

  constructor(
    private readonly chart: LossChart,
    private readonly every: number,
  ) {}

  batch(epoch: number, step: number, steps: number, logs: layers.Logs): void {
    if (++this.batches % this.every === 0 && logs.loss !== undefined) this.chart.addLoss(epoch + (step + 1) / steps, logs.loss);
    if (performance.now() - this.lastDraw > 100) {
      this.chart.redraw();
      this.lastDraw = performance.now();
    }
  }

  epoch(epoch: number, logs: layers.Logs): void {
    if (logs.val_loss !== undefined) this.chart.addValLoss(epoch + 1, logs.val_loss);
    this.chart.redraw();
    this.lastDraw = performance.now();
  }
}

/** On the page's thread: draws the loss, lets the page repaint every 50 ms, and stops `fit` when Stop is pressed. */
class PageCurve extends layers.Callback {
  private lastYield = performance.now();
  private currentEpoch = 0;

  constructor(
    private readonly plot: LossPlot,
    private readonly stopRequested: () => boolean,
  ) {
    super();
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override async onTrainBatchEnd(step: number, logs: layers.Logs = {}): Promise<void> {
    if (this.stopRequested()) this.model.stopTraining = true;
    this.plot.batch(this.currentEpoch, step, this.params.steps, logs);
    if (performance.now() - this.lastYield > 50) {
      await yieldToBrowser();
      this.lastYield = performance.now();
    }
  }

  override async onEpochEnd(epoch: number, logs: layers.Logs = {}): Promise<void> {
    this.plot.epoch(epoch, logs);
    await yieldToBrowser();
  }
}

/** Training samples/s on the page's thread, measured as the worker measures it: each epoch's start to its last training batch's end. */
class SpeedMeter extends layers.Callback {
  private samples = 0;
  private seconds = 0;
  private epochStart = 0;
  private lastBatchEnd = 0;
  private size = 0;

  override onEpochBegin(): void {
    this.epochStart = this.lastBatchEnd = performance.now();
  }

  override onTrainBatchBegin(_step: number, logs: layers.Logs = {}): void {
    this.size = typeof logs.size === 'number' ? logs.size : 0;
  }

  override onTrainBatchEnd(): void {
    this.lastBatchEnd = performance.now();
    this.samples += this.size;
  }

  override onEpochEnd(): void {
    this.seconds += (this.lastBatchEnd - this.epochStart) / 1000;
  }

  get samplesPerSecond(): number {
    return this.seconds > 0 ? this.samples / this.seconds : 0;
  }
}
