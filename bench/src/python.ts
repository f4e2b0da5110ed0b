/**
 * Keras 3 on JAX and PyTorch as bench implementations (`--against keras,torch`): one Python
 * process per engine (bench/python/engines.py), started once per bench run and driven over a
 * line protocol, so its runs alternate with Tessera's in the same run like any other
 * implementation. Python times each run itself (the pipe is not in the numbers).
 *
 * Where the interpreters come from:
 * - Keras: the cached virtual environment of the interop tests (scripts/keras-venv.mjs;
 *   `node scripts/ensure-keras.mjs` creates it with pip when it is missing: only when asked).
 * - PyTorch: `$TESSERA_TORCH_PYTHON`, else the system python3 with Debian's `python3-torch`
 *   (installed with apt when missing and running as root on Debian), else a clear error.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { kerasPython } from '../../scripts/keras-venv.mjs';

export type PythonEngine = 'keras' | 'torch';

/** Whether an implementation runs in a Python engine process. */
export const isPython = (impl: string): impl is PythonEngine => impl === 'keras' || impl === 'torch';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..', '..');
const SCRIPT = join(HERE, '..', 'python', 'engines.py');
const SYSTEM_PYTHON = '/usr/bin/python3';

/** What an engine process says about itself. */
export interface EngineInfo {
  engine: PythonEngine;
  version: string;
  backend: string;
  threads: number;
  python: string;
}

interface Reply {
  ok?: boolean;
  ms?: number;
  error?: string;
  unsupported?: string;
  [key: string]: unknown;
}

const importsTorch = (python: string) => spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;

/** The python to run an engine with, installing what it needs when it is missing (the bench asked for it). */
function pythonFor(engine: PythonEngine): string {
  if (engine === 'keras') {
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'ensure-keras.mjs')], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error('the Keras virtual environment could not be made (see scripts/ensure-keras.mjs above)');
    return kerasPython();
  }
  const chosen = process.env.TESSERA_TORCH_PYTHON;
  if (chosen) {
    if (!importsTorch(chosen)) throw new Error(`TESSERA_TORCH_PYTHON=${chosen} cannot import torch and numpy`);
    return chosen;
  }
  if (existsSync(SYSTEM_PYTHON) && importsTorch(SYSTEM_PYTHON)) return SYSTEM_PYTHON;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log('bench: installing Debian python3-torch and OpenBLAS for --against torch (once)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const apt = (...args: string[]) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
    // OpenBLAS: without it Debian's torch runs on the reference BLAS (libblas3), 20-40x slower products.
    const install = () => apt('install', '-y', '-qq', '--no-install-recommends', 'python3-torch', 'libopenblas0-pthread');
    if (install() || (apt('update', '-qq') && install())) {
      if (importsTorch(SYSTEM_PYTHON)) return SYSTEM_PYTHON;
    }
  }
  throw new Error(
    'no python with PyTorch: install Debian python3-torch (apt-get install python3-torch) or set TESSERA_TORCH_PYTHON to a python that imports torch and numpy',
  );
}

/** One engine process: requests are answered in order. */
export class EngineProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((r: Reply) => void)[] = [];
  private exited = '';
  private queue: Promise<unknown> = Promise.resolve();
  readonly stderr: string[] = [];

  private constructor(
    readonly engine: PythonEngine,
    readonly python: string,
  ) {
    this.child = spawn(python, [SCRIPT, '--engine', engine], {
      env: { ...process.env, KERAS_BACKEND: 'jax', PYTHONUNBUFFERED: '1', TF_CPP_MIN_LOG_LEVEL: '2' },
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch {
        reply = { error: `not a reply: ${line}` };
      }
      this.waiting.shift()?.(reply);
    });
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > 40) this.stderr.shift();
    });
    this.child.on('exit', (code, signal) => {
      this.exited = `the ${engine} process exited (${signal ?? code}): ${this.stderr.slice(-5).join(' | ')}`;
      for (const w of this.waiting.splice(0)) w({ error: this.exited });
    });
  }

  /** Starts the engine and waits until it has imported its library. */
  static async start(engine: PythonEngine): Promise<{ process: EngineProcess; info: EngineInfo }> {
    const python = pythonFor(engine);
    const p = new EngineProcess(engine, python);
    const ready = await p.next();
    if (ready.error) throw new Error(ready.error);
    const { version, backend, threads } = ready as unknown as EngineInfo;
    if (engine === 'torch' && /\bblas\/libblas/.test(backend)) {
      console.log('bench: warning: PyTorch runs on the reference BLAS (Debian libblas3): install libopenblas0-pthread for its real speed');
    }
    return { process: p, info: { engine, version, backend, threads, python } };
  }

  private next(): Promise<Reply> {
    if (this.exited) return Promise.resolve({ error: this.exited });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Sends one request and waits for its reply (requests are serialized). */
  request(message: Record<string, unknown>): Promise<Reply> {
    const result = this.queue.then(() => {
      if (this.exited) return { error: this.exited } as Reply;
      const reply = this.next();
      this.child.stdin.write(JSON.stringify(message) + '\n');
      return reply;
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  close(): void {
    if (!this.exited) this.child.stdin.end(JSON.stringify({ op: 'quit' }) + '\n');
  }
}

const engines = new Map<PythonEngine, Promise<{ process: EngineProcess; info: EngineInfo }>>();

/** The engine's process, started on first use (once per bench run). */
export function engineProcess(engine: PythonEngine): Promise<{ process: EngineProcess; info: EngineInfo }> {
  let p = engines.get(engine);
  if (!p) {
    p = EngineProcess.start(engine);
    engines.set(engine, p);
  }
  return p;
}

/** Ends every engine process started. */
export async function closeEngines(): Promise<void> {
  for (const p of engines.values()) {
    try {
      (await p).process.close();
    } catch {
      // it never started: nothing to close
    }
  }
}

const dataFiles = new Map<string, Promise<{ x: string; y: string }>>();

/** Writes the images and labels once per bench run (raw float32) for the engines to read. */
export function sharedData(key: string, x: Float32Array, y: Float32Array): Promise<{ x: string; y: string }> {
  let p = dataFiles.get(key);
  if (!p) {
    p = (async () => {
      const dir = join(tmpdir(), `tessera-bench-${process.pid}`);
      await mkdir(dir, { recursive: true });
      const files = { x: join(dir, `${key}.x.f32`), y: join(dir, `${key}.y.f32`) };
      await writeFile(files.x, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
      await writeFile(files.y, new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
      return files;
    })();
    dataFiles.set(key, p);
  }
  return p;
}

/** The bench case names engines.py knows. */
export type PythonCase = 'mlp-step' | 'mlp-epoch' | 'cnn-step' | 'lstm-step';

/**
 * Prepares a case in an engine's process; `run` resolves to the time Python measured (ms).
 * A string says why it cannot run there.
 */
export async function pythonRunner(
  engine: PythonEngine,
  pythonCase: PythonCase,
  data: { key: string; x: Float32Array; y: Float32Array; n: number },
  batch: number,
): Promise<{ run: () => Promise<number>; dispose: () => void } | string> {
  const { process: p } = await engineProcess(engine);
  const files = await sharedData(data.key, data.x, data.y);
  const set = await p.request({ op: 'setup', case: pythonCase, x: files.x, y: files.y, n: data.n, batch });
  if (set.unsupported) return set.unsupported;
  if (set.error) throw new Error(set.error);
  return {
    run: async () => {
      const r = await p.request({ op: 'run' });
      if (r.error || typeof r.ms !== 'number') throw new Error(r.error ?? 'no time in the reply');
      return r.ms;
    },
    dispose: () => void p.request({ op: 'dispose' }),
  };
}
