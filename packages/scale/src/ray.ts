import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { readBundle, type JobBundle } from './bundle.js';
import { lastLines, ScaleError } from './errors.js';
import { resultFromDir, resultFromLog, splitResults, type TrainResult } from './results.js';

/** Options of {@link submitToRay}. */
export interface SubmitOptions {
  /** The Ray dashboard's address, e.g. `http://127.0.0.1:8265` (the Jobs REST API lives there). */
  address: string;
  /** Called with each line of the job's log as it arrives (Keras's progress lines included). */
  onLog?: (line: string) => void;
  /** Stop the job and fail after this long (default one hour). */
  timeoutMs?: number;
  /** How long to wait for the dashboard to answer before calling it unreachable (default 5 s). */
  connectTimeoutMs?: number;
  /** How often to poll the job's status and log (default 1 s). */
  pollMs?: number;
  /**
   * How the trained model comes back.
   * - `'log'` (default): the job prints `model.keras` and `history.json` in base64 between marker
   *   lines and they are read from its log through the same REST API: works with any cluster
   *   the client can reach, for models up to some tens of MB (the log holds 4/3 of the file).
   * - `{dir}`: the job writes into `dir`, a path the client can read too (a single-node cluster,
   *   or a volume mounted at the same path on the client and the nodes).
   */
  results?:
    | 'log'
    | {
        /** A folder both the job and this client can read and write. */
        dir: string;
      };
  /** Where the results are written with `results: 'log'` (default: `<bundle>/results/<submission id>`). */
  outDir?: string;
  /**
   * Ask Ray to pip-install the bundle's `requirements.txt` into the job's environment (default
   * true, for real clusters). False: the nodes' Python already has Keras 3 and JAX (a cluster
   * built from an image that has them, or a network without a package index).
   */
  pip?: boolean;
  /** The entrypoint's Python (default `python`, as found on the nodes' PATH). */
  python?: string;
  /** Environment variables for the job (Ray's `runtime_env.env_vars`). */
  envVars?: Record<string, string>;
  /** CPUs reserved for the entrypoint (Ray's `entrypoint_num_cpus`). */
  entrypointNumCpus?: number;
  /** GPUs reserved for the entrypoint (Ray's `entrypoint_num_gpus`): the process that sees them is the one that trains. */
  entrypointNumGpus?: number;
  /** Extra HTTP headers (e.g. a token when the dashboard sits behind an authenticating proxy). */
  headers?: Record<string, string>;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'STOPPED']);
/** Folders of a bundle that are outputs, not inputs: never uploaded. */
const NOT_UPLOADED = new Set(['outputs', 'results', 'data_cache']);

/** Quotes a word for the shell Ray runs the entrypoint in. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The bundle as a zip (fixed timestamps, so the same bundle gives the same package). */
export function zipBundle(dir: string): Uint8Array {
  const files: Zippable = {};
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const rel = relative(dir, path).split('\\').join('/');
      if (statSync(path).isDirectory()) {
        if (folder === dir && NOT_UPLOADED.has(name)) continue;
        walk(path);
      } else {
        files[rel] = [new Uint8Array(readFileSync(path)), { mtime: new Date('2000-01-01T00:00:00Z') }];
      }
    }
  };
  walk(dir);
  return zipSync(files, { level: 1 });
}

/** An HTTP answer, read whole. */
interface Reply {
  status: number;
  ok: boolean;
  text(): string;
}

/**
 * One HTTP request with node:http(s). Not `fetch`: Node's fetch always sends `Sec-Fetch-Mode`,
 * and Ray's dashboard takes any request with a `Sec-Fetch-*` header for a browser's and refuses
 * it every PUT and POST (its guard against cross-site requests).
 */
function request(method: string, url: string, headers: Record<string, string>, body: Uint8Array | undefined, timeoutMs: number): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        resolvePromise({ status, ok: status >= 200 && status < 300, text: () => text });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined);
  });
}

/** A small client for Ray's Jobs REST API (`/api/version`, `/api/packages`, `/api/jobs`). */
class RayJobs {
  readonly base: string;
  constructor(
    address: string,
    private readonly headers: Record<string, string>,
  ) {
    this.base = address.replace(/\/+$/, '');
  }

  private async call(method: string, path: string, body?: Uint8Array | object, timeoutMs = 60_000): Promise<Reply> {
    const bytes = body === undefined ? undefined : body instanceof Uint8Array ? body : new TextEncoder().encode(JSON.stringify(body));
    const headers = { ...this.headers, ...(body !== undefined && !(body instanceof Uint8Array) ? { 'content-type': 'application/json' } : {}) };
    try {
      return await request(method, `${this.base}${path}`, headers, bytes, timeoutMs);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new ScaleError('unreachable', `no Ray dashboard answers at ${this.base} (${method} ${path}: ${err.code ?? err.message}); start one with 'ray start --head' or check the address and port (default 8265)`);
    }
  }

  private async json<T>(method: string, path: string, body?: object): Promise<T> {
    const r = await this.call(method, path, body);
    const text = r.text();
    if (!r.ok) throw new ScaleError('ray_http', `Ray answered ${method} ${path} with ${r.status}: ${text.slice(0, 2000)}`);
    return JSON.parse(text) as T;
  }

  /** Fails fast, with a clear message, when nothing (or not Ray) answers at the address. */
  async version(timeoutMs: number): Promise<string> {
    const r = await this.call('GET', '/api/version', undefined, timeoutMs);
    const text = r.text();
    let body: { ray_version?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON: reported below
    }
    if (!r.ok || !body.ray_version) {
      throw new ScaleError('unreachable', `expected a Ray dashboard at ${this.base} but GET /api/version answered ${r.status}: ${text.slice(0, 200)}`);
    }
    return body.ray_version;
  }

  /** Uploads the working directory unless Ray already holds the same package; returns its URI. */
  async upload(zip: Uint8Array): Promise<string> {
    const name = `_ray_pkg_${createHash('sha1').update(zip).digest('hex')}.zip`;
    const exists = await this.call('GET', `/api/packages/gcs/${name}`);
    if (exists.status !== 200) {
      const put = await this.call('PUT', `/api/packages/gcs/${name}`, zip, 300_000);
      const text = put.text();
      if (!put.ok) throw new ScaleError('ray_http', `Ray refused the bundle's package (${zip.length} bytes) with ${put.status}: ${text.slice(0, 2000)}`);
    }
    return `gcs://${name}`;
  }

  submit(request: object): Promise<{ submission_id: string }> {
    return this.json('POST', '/api/jobs/', request);
  }

  status(id: string): Promise<{ status: string; message?: string }> {
    return this.json('GET', `/api/jobs/${encodeURIComponent(id)}`);
  }

  async logs(id: string): Promise<string> {
    return (await this.json<{ logs: string }>('GET', `/api/jobs/${encodeURIComponent(id)}/logs`)).logs ?? '';
  }

  async stop(id: string): Promise<void> {
    await this.call('POST', `/api/jobs/${encodeURIComponent(id)}/stop`).catch(() => undefined);
  }
}

/** Emits the complete new lines of a growing log, skipping result blocks. */
class LogFollower {
  private seen = 0;
  private inResult = false;
  constructor(private readonly onLog?: (line: string) => void) {}

  update(log: string): void {
    const end = log.lastIndexOf('\n') + 1;
    if (end <= this.seen) return;
    for (const line of log.slice(this.seen, end - 1).split('\n')) {
      if (line.startsWith('tessera-scale: result-begin ')) this.inResult = true;
      else if (line.startsWith('tessera-scale: result-end ')) this.inResult = false;
      else if (!this.inResult) this.onLog?.(line);
    }
    this.seen = end;
  }

  /** Flushes a last line without a newline. */
  finish(log: string): void {
    this.update(log.endsWith('\n') || log === '' ? log : `${log}\n`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Trains a bundle on a Ray cluster through Ray's Jobs REST API: uploads the bundle as the job's
 * working directory (`PUT /api/packages/gcs/_ray_pkg_<sha1>.zip`), submits `python train.py`
 * (`POST /api/jobs/`), streams the job's log into `onLog`, waits for it, and brings back the
 * trained `model.keras` and its History. Before anything is sent, the bundle's local data files
 * are checked and the address is probed (`GET /api/version`).
 * @param bundle - a bundle from {@link makeJobBundle}, or its folder.
 * @param options - the dashboard's address and how to follow and fetch the job.
 * @returns the trained model's path, its history (Keras's `History.history` and its test
 *   evaluation) and the job's log.
 * @throws {@link ScaleError} `data_missing` (before submitting), `unreachable` (nothing answers
 *   at the address, within `connectTimeoutMs`), `job_failed` (with the job's last log lines),
 *   `timeout` (the job is stopped), `no_results`, `ray_http`.
 * @example
 * ```ts
 * const bundle = await makeJobBundle(model, { data: { kind: 'mnist', source: 'https://example.org/mnist/' }, epochs: 12, batchSize: 512 });
 * const { modelPath, history } = await submitToRay(bundle, { address: 'http://ray-head:8265', onLog: console.log });
 * const trained = await loadModel(modelPath);
 * console.log(history.evaluate); // { loss: 0.06, accuracy: 0.981 }
 * ```
 */
export async function submitToRay(bundle: JobBundle | string, options: SubmitOptions): Promise<TrainResult> {
  const { dir } = readBundle(bundle);
  if (!options || typeof options.address !== 'string' || !/^https?:\/\//.test(options.address)) {
    throw new ScaleError('bad_spec', `submitToRay: expected {address: 'http://host:8265'} (the Ray dashboard) but got ${JSON.stringify(options?.address)}`);
  }
  const ray = new RayJobs(options.address, options.headers ?? {});
  await ray.version(options.connectTimeoutMs ?? 5000);

  const workingDir = await ray.upload(zipBundle(dir));
  const results = options.results ?? 'log';
  const command = [options.python ?? 'python', 'train.py', ...(results === 'log' ? ['--print-results'] : ['--output', results.dir])];
  const requirements = readFileSync(join(dir, 'requirements.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const runtimeEnv: Record<string, unknown> = { working_dir: workingDir };
  if (options.pip ?? true) runtimeEnv.pip = requirements;
  if (options.envVars) runtimeEnv.env_vars = options.envVars;
  const { submission_id: id } = await ray.submit({
    entrypoint: command.map(shellWord).join(' '),
    runtime_env: runtimeEnv,
    metadata: { created_by: '@tessera/scale' },
    ...(options.entrypointNumCpus !== undefined ? { entrypoint_num_cpus: options.entrypointNumCpus } : {}),
    ...(options.entrypointNumGpus !== undefined ? { entrypoint_num_gpus: options.entrypointNumGpus } : {}),
  });

  const follower = new LogFollower(options.onLog);
  const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
  const pollMs = options.pollMs ?? 1000;
  let status = { status: 'PENDING' } as { status: string; message?: string };
  let log = '';
  for (;;) {
    status = await ray.status(id);
    log = await ray.logs(id);
    follower.update(log);
    if (TERMINAL.has(status.status)) break;
    if (Date.now() > deadline) {
      await ray.stop(id);
      throw new ScaleError('timeout', `job ${id} ran longer than ${options.timeoutMs ?? 3_600_000} ms and was stopped`, lastLines(splitResults(log).text));
    }
    await sleep(pollMs);
  }
  follower.finish(log);
  const { text, files } = splitResults(log);
  if (status.status !== 'SUCCEEDED') {
    throw new ScaleError('job_failed', `job ${id} ${status.status}${status.message ? `: ${status.message.trim().split('\n')[0]}` : ''}`, lastLines(text));
  }
  if (results === 'log') return resultFromLog(files, options.outDir ?? join(dir, 'results', id), text, id);
  return resultFromDir(results.dir, text, id);
}
