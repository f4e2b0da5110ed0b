import { Callback, type Logs } from './callback.js';

/** Where progress text goes: raw text, no newline added. */
export type Writer = (text: string) => void;

/** Standard output in Node, the console elsewhere (line by line). */
export function defaultWriter(): { write: Writer; dynamic: boolean } {
  const proc = (globalThis as { process?: { stdout?: { write(s: string): void; isTTY?: boolean } } }).process;
  if (proc?.stdout) return { write: (s) => proc.stdout!.write(s), dynamic: Boolean(proc.stdout.isTTY) };
  let line = '';
  return {
    write: (s) => {
      line += s.replace(/^.*\r/s, '');
      const parts = line.split('\n');
      line = parts.pop() ?? '';
      for (const p of parts) console.log(p);
    },
    dynamic: false,
  };
}

/** Keras's number format in logs: 4 decimals, or scientific for tiny values. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v).toLowerCase().replace('infinity', 'inf');
  return Math.abs(v) > 1e-3 ? v.toFixed(4) : formatExp(v);
}

function formatExp(v: number): string {
  // Python's '%.4e' pads the exponent to two digits: 1.2000e-05.
  const [m, e] = v.toExponential(4).split('e');
  const sign = e.startsWith('-') ? '-' : '+';
  return `${m}e${sign}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
}

function formatEta(eta: number): string {
  if (eta > 3600) return `${Math.floor(eta / 3600)}:${pad2(Math.floor((eta % 3600) / 60))}:${pad2(Math.floor(eta % 60))}`;
  if (eta > 60) return `${Math.floor(eta / 60)}:${pad2(Math.floor(eta % 60))}`;
  return `${Math.floor(eta)}s`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function formatTimePerStep(seconds: number): string {
  if (seconds >= 1 || seconds === 0) return ` ${seconds.toFixed(0)}s/step`;
  if (seconds >= 1e-3) return ` ${(seconds * 1e3).toFixed(0)}ms/step`;
  return ` ${(seconds * 1e6).toFixed(0)}us/step`;
}

/** Options of {@link ProgbarLogger}. */
export interface ProgbarOptions {
  /** 1: the live bar with ETA; 2: one line per epoch. */
  verbose: 1 | 2;
  /** Output (default: stdout in Node, console in browsers). */
  write?: Writer;
  /** Redraw the bar in place with `\r` (default: when stdout is a TTY). Otherwise only the epoch's final line is printed. */
  dynamic?: boolean;
  /** Seconds between redraws (Keras: 0.05). */
  interval?: number;
  /** Clock in seconds (tests inject one). */
  now?: () => number;
}

/**
 * Prints training progress exactly as Keras (tf.keras 2): `Epoch 1/10`, then with
 * `verbose: 1` a live `[=====>....] - ETA: 3s - loss: 0.2134 - accuracy: 0.9412` bar
 * that ends as `235/235 [==============================] - 2s 7ms/step - loss: ...`,
 * and with `verbose: 2` one line per epoch: `235/235 - 1s - loss: 0.1611 - accuracy: 0.9552 - val_loss: ...`.
 * `fit` adds it for you from its `verbose` option.
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new ProgbarLogger({ verbose: 2 })] });
 * ```
 */
export class ProgbarLogger extends Callback {
  private readonly verbose: 1 | 2;
  private readonly write: Writer;
  private readonly dynamic: boolean;
  private readonly interval: number;
  private readonly now: () => number;
  private target = 0;
  private epochs = 0;
  private start = 0;
  private firstStepEnd: number | undefined;
  private lastUpdate = 0;
  private totalWidth = 0;
  private seen = 0;

  constructor(options: ProgbarOptions) {
    super();
    const fallback = defaultWriter();
    this.verbose = options.verbose;
    this.write = options.write ?? fallback.write;
    this.dynamic = options.dynamic ?? (options.write ? false : fallback.dynamic);
    this.interval = options.interval ?? 0.05;
    this.now = options.now ?? (() => performance.now() / 1000);
  }

  override onTrainBegin(): void {
    this.target = this.params.steps;
    this.epochs = this.params.epochs;
  }

  override onEpochBegin(epoch: number): void {
    this.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
    this.start = this.now();
    this.firstStepEnd = undefined;
    this.lastUpdate = 0;
    this.totalWidth = 0;
    this.seen = 0;
  }

  /** Starts a run outside `fit` (as `evaluate` does): no epoch header. */
  beginRun(steps: number): void {
    this.target = steps;
    this.start = this.now();
    this.firstStepEnd = undefined;
    this.totalWidth = 0;
  }

  /** Prints the final line of a run started with `beginRun`. */
  endRun(steps: number, logs: Logs): void {
    this.update(steps, logs, true);
  }

  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    this.seen = batch + 1;
    if (this.firstStepEnd === undefined) this.firstStepEnd = this.now();
    if (this.verbose === 1 && this.dynamic && batch + 1 < this.target) this.update(batch + 1, logs, false);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    this.update(this.seen, logs, true);
  }

  private stepDuration(current: number, now: number): number {
    // The first step includes warm-up; Keras estimates from the steps after it.
    if (current > 1 && this.firstStepEnd !== undefined) return (now - this.firstStepEnd) / (current - 1);
    return current > 0 ? (now - this.start) / current : 0;
  }

  private valuesText(logs: Logs): string {
    return Object.entries(logs)
      .map(([k, v]) => ` - ${k}: ${formatValue(v)}`)
      .join('');
  }

  private update(current: number, logs: Logs, finalize: boolean): void {
    const now = this.now();
    const elapsed = ` - ${(now - this.start).toFixed(0)}s`;
    const digits = String(this.target).length;
    const count = `${String(current).padStart(digits)}/${this.target}`;
    if (this.verbose === 2) {
      if (finalize) this.write(`${count}${elapsed}${this.valuesText(logs)}\n`);
      return;
    }
    if (!finalize && now - this.lastUpdate < this.interval) return;
    this.lastUpdate = now;
    const width = 30;
    const progWidth = Math.floor((width * current) / Math.max(1, this.target));
    let bar = `${count} [`;
    if (progWidth > 0) bar += '='.repeat(progWidth - 1) + (current < this.target ? '>' : '=');
    bar += `${'.'.repeat(width - progWidth)}]`;
    const perStep = this.stepDuration(current, now);
    let info = finalize
      ? `${elapsed}${formatTimePerStep(perStep)}`
      : ` - ETA: ${formatEta(perStep * (this.target - current))}`;
    info += this.valuesText(logs);
    const prevWidth = this.totalWidth;
    this.totalWidth = bar.length + info.length;
    if (prevWidth > this.totalWidth) info += ' '.repeat(prevWidth - this.totalWidth);
    const prefix = this.dynamic && prevWidth > 0 ? '\r' : '';
    this.write(`${prefix}${bar}${info}${finalize ? '\n' : ''}`);
  }
}
