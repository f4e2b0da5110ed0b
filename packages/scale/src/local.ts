import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readBundle, type JobBundle } from './bundle.js';
import { lastLines, ScaleError } from './errors.js';
import { resultFromDir, type TrainResult } from './results.js';

/** Options of {@link runLocally}. */
export interface LocalOptions {
  /** The Python that has Keras 3 and JAX (default: `$TESSERA_PYTHON`, else `python3`). */
  python?: string;
  /** Where the trained model and history go (default: `<bundle>/outputs`). */
  outDir?: string;
  /** Simulated CPU devices for JAX (`XLA_FLAGS=--xla_force_host_platform_device_count=N`); default: leave XLA_FLAGS as it is. */
  devices?: number;
  /** Variables set for the run (an undefined value removes one). */
  env?: Record<string, string | undefined>;
  /** Called with each line the run prints (Keras's progress included). */
  onLog?: (line: string) => void;
  /** Give up (and kill the run) after this long (default one hour). */
  timeoutMs?: number;
}

/** Calls `onLine` with each complete line of a stream. */
function lines(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let rest = '';
  return {
    push(chunk) {
      rest += chunk;
      const parts = rest.split(/\r?\n|\r/);
      rest = parts.pop() ?? '';
      parts.forEach(onLine);
    },
    flush() {
      if (rest) onLine(rest);
      rest = '';
    },
  };
}

/**
 * Runs a bundle's `train.py` on this machine, in a Python that has Keras 3 and JAX (the same
 * script a Ray job runs): for machines without a cluster, and to compare with one device.
 * @param bundle - a bundle from {@link makeJobBundle}, or its folder.
 * @returns the trained model's path and its history.
 * @throws {@link ScaleError} `local_failed` with the run's last lines when Python fails,
 *   `timeout` when it runs too long, `data_missing` / `bad_bundle` before starting.
 * @example
 * ```ts
 * const { modelPath, history } = await runLocally(bundle, { python: '.venv/bin/python', onLog: console.log });
 * const trained = await loadModel(modelPath);
 * ```
 */
export async function runLocally(bundle: JobBundle | string, options: LocalOptions = {}): Promise<TrainResult> {
  const { dir } = readBundle(bundle);
  const outDir = options.outDir ?? join(dir, 'outputs');
  const python = options.python ?? process.env.TESSERA_PYTHON ?? 'python3';
  const env: Record<string, string | undefined> = { ...process.env, KERAS_BACKEND: 'jax', ...options.env };
  if (options.devices !== undefined) env.XLA_FLAGS = `--xla_force_host_platform_device_count=${options.devices}`;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  let log = '';
  const out = lines((line) => {
    log += `${line}\n`;
    options.onLog?.(line);
  });
  const code = await new Promise<number | string>((resolvePromise, reject) => {
    const child = spawn(python, ['train.py', '--output', outDir], { cwd: dir, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => out.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new ScaleError('local_failed', `could not start ${python}: ${e.message} (pass {python} with a Python that has Keras 3 and JAX)`));
    });
    child.on('close', (c, signal) => {
      clearTimeout(timer);
      out.flush();
      if (timedOut) reject(new ScaleError('timeout', `train.py ran longer than ${timeoutMs} ms and was killed`, lastLines(log)));
      else resolvePromise(c ?? signal ?? 'unknown');
    });
  });
  if (code !== 0) throw new ScaleError('local_failed', `train.py failed in ${dir} (exit ${code})`, lastLines(log));
  return resultFromDir(outDir, log);
}
