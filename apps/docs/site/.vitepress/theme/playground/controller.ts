/**
 * The playground: a CodeMirror editor holding a TypeScript snippet, run in the page with the
 * @tessera packages bundled into the site, on WebGPU when the browser gives an adapter, else on
 * the CPU. The snippet's log goes into a `<pre>` (ProgbarLogger's `write`, `print`, and
 * `console.log` while it runs) and its loss into a live uPlot chart.
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
import { LossChart } from './chart.js';
import { EXAMPLES, type Example } from './examples/index.js';
import { runModule, transpile } from './runtime.js';
import { Terminal } from './terminal.js';

export { EXAMPLES, type Example };

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface PlaygroundElements {
  editor: HTMLElement;
  chart: HTMLElement;
  log: HTMLElement;
}

export interface PlaygroundEvents {
  /** The backend in use, and why when it is not the one asked for. */
  onBackend(name: string, note: string): void;
  onStatus(text: string, state: 'idle' | 'running' | 'done' | 'error'): void;
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
    if (this.running) this.stopRequested = true;
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

  /** Transpiles and runs the editor's snippet. */
  async run(choice: BackendChoice = 'auto'): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    this.stopRequested = false;
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
      this.events.onStatus(
        `${this.stopRequested ? 'stopped' : 'done'} in ${seconds} s on ${backend}` + (leaked > 0 ? ` · ${leaked} tensors still live` : ''),
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
    }
  }

  /** The `playground` module a snippet imports. */
  private snippetModule(backend: string): Record<string, unknown> {
    const chart = this.chart;
    const self = this;
    class LossCurve extends layers.Callback {
      private lastYield = performance.now();
      private batches = 0;
      constructor(private readonly every: number) {
        super();
      }
      override async onTrainBatchEnd(batch: number, logs: layers.Logs = {}): Promise<void> {
        if (self.stopRequested) this.model.stopTraining = true;
        const epoch = this.currentEpoch;
        if (++this.batches % this.every === 0 && logs.loss !== undefined) chart.addLoss(epoch + (batch + 1) / this.params.steps, logs.loss);
        if (performance.now() - this.lastYield > 50) {
          chart.redraw();
          await yieldToBrowser();
          this.lastYield = performance.now();
        }
      }
      private currentEpoch = 0;
      override onEpochBegin(epoch: number): void {
        this.currentEpoch = epoch;
      }
      override async onEpochEnd(epoch: number, logs: layers.Logs = {}): Promise<void> {
        if (logs.val_loss !== undefined) chart.addValLoss(epoch + 1, logs.val_loss);
        chart.redraw();
        await yieldToBrowser();
      }
    }
    return {
      mnistUrl: new URL(`${this.baseUrl}data/mnist/`, window.location.href).href,
      backend,
      write: this.terminal.write,
      print: this.terminal.print,
      lossCurve: (options: { every?: number } = {}) => new LossCurve(Math.max(1, Math.floor(options.every ?? 1))),
    };
  }

  destroy(): void {
    this.stop();
    this.view.destroy();
    this.chart.destroy();
  }
}

export function createPlayground(els: PlaygroundElements, events: PlaygroundEvents, baseUrl: string, initial: Example): Playground {
  return new Playground(els, events, baseUrl, initial);
}
