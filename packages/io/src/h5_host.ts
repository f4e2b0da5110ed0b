import { ModelFileError } from './errors.js';
import type { H5Group } from './h5/tree.js';

/**
 * The main-thread side of HDF5. Bytes go to an HDF5 worker (h5_worker.js, which loads
 * h5wasm only when first needed) and plain trees come back, one request at a time, each
 * under a time bound. A request that overruns it terminates the worker (the only way to
 * stop WebAssembly stuck in a loop) and fails with a `timeout` ModelFileError.
 *
 * Reading and writing use separate workers: files from outside may drive the HDF5
 * library into states that leak or damage its memory, and the writer must never share
 * an instance with them. The reader is replaced after a trap, when its memory has grown
 * too much, or after many failed reads. Where no worker can be started, the same code
 * runs in-process (without the time bound).
 */

/** Options of one HDF5 read. */
export interface H5ReadOptions {
  /** Name of the file for error messages. */
  file?: string;
  /** Time bound in ms (default: 30 s plus 1 s per MB). */
  timeoutMs?: number;
  /**
   * Most ms the parse may go without moving to its next object (default: 3 s plus 1 s per
   * 20 MB): a corrupted file that sends the HDF5 library into a loop is stopped this soon,
   * long before the overall time bound.
   */
  stallMs?: number;
  /** Absolute paths of subtrees not to read (e.g. `/optimizer_weights`). */
  skip?: string[];
  /** At most this many bytes of attribute and dataset values (default: 4x the file plus 16 MB). */
  maxDataBytes?: number;
}

type Reply = Record<string, unknown> & { ok: boolean; recycle?: boolean; fatal?: boolean };

interface Pending {
  resolve(value: Reply): void;
  reject(error: unknown): void;
  /** The worker reported that the request moves on. */
  progress?(): void;
}

interface WorkerHandle {
  post(message: unknown, transfer: Transferable[]): void;
  terminate(): void;
  /** Lets the worker keep Node's event loop alive (while a request is pending). */
  ref(): void;
  /** Stops the worker from keeping Node's event loop alive (when idle). */
  unref(): void;
  pending: Map<number, Pending>;
}

type Core = typeof import('./h5_core.js');

const IDLE_MS = 15_000;
/** Failed reads after which the reader gets a fresh instance (HDF5 leaks on errors). */
const ERRORS_PER_WORKER = 100;
const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof (globalThis as { window?: unknown }).window === 'undefined';
let nextId = 0;
let workersDisabled = false;
let inProcess: Promise<{ core: Core; h5: unknown }> | null = null;

type NodeWorkerClass = typeof import('node:worker_threads').Worker;

/** Node's `worker_threads.Worker`, fetched with `process.getBuiltinModule` (Node 20.16+): no import for bundlers to see. */
function nodeWorkerClass(): NodeWorkerClass | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.('node:worker_threads') as { Worker?: NodeWorkerClass } | undefined)?.Worker;
}

async function spawn(): Promise<WorkerHandle | null> {
  if (workersDisabled) return null;
  const pending = new Map<number, Pending>();
  const failAll = (why: string) => {
    const all = [...pending.values()];
    pending.clear();
    for (const p of all) p.reject(new ModelFileError('corrupt', `the HDF5 worker stopped: ${why}`));
  };
  const onMessage = (msg: Reply & { id: number; progress?: boolean }) => {
    const p = pending.get(msg.id);
    if (!p) return;
    if (msg.progress) {
      p.progress?.();
      return;
    }
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg);
    else p.reject(msg);
  };
  let handle: WorkerHandle;
  try {
    const nodeWorker = isNode ? nodeWorkerClass() : undefined;
    if (nodeWorker) {
      // The comment keeps webpack from taking this Node-only URL for an asset (Vite's pattern does not match it either).
      const w = new nodeWorker(new URL(/* webpackIgnore: true */ './h5_worker.js', import.meta.url));
      w.on('message', onMessage);
      w.on('error', (e: Error) => failAll(e.message));
      w.on('exit', () => failAll('it exited'));
      // After the listeners: adding a 'message' listener refs the worker's port again.
      // An idle worker must not keep the process alive; send() refs it while a request is pending.
      w.unref();
      handle = { post: (m, t) => w.postMessage(m, t as never), terminate: () => void w.terminate(), ref: () => w.ref(), unref: () => w.unref(), pending };
    } else if (typeof Worker !== 'undefined') {
      // The one form that Vite, webpack 5 and Parcel turn into a worker chunk by themselves.
      // Bundlers that do not (esbuild, plain Rollup) leave a URL that fails to load: then
      // the ping below fails and the HDF5 code runs in-process, with a warning.
      const w = new Worker(new URL('./h5_worker.js', import.meta.url), { type: 'module' });
      w.addEventListener('message', (e: MessageEvent) => onMessage(e.data));
      w.addEventListener('error', (e: ErrorEvent) => failAll(e.message));
      handle = { post: (m, t) => w.postMessage(m, t), terminate: () => w.terminate(), ref: () => undefined, unref: () => undefined, pending };
    } else {
      return null;
    }
  } catch (e) {
    warnInProcess(e);
    return null;
  }
  try {
    await send(handle, { op: 'ping' }, [], 120_000, 'the HDF5 worker');
  } catch (e) {
    handle.terminate();
    warnInProcess(e);
    return null;
  }
  return handle;
}

/** Says once that HDF5 runs in-process (no time bound), and why: silent fallbacks hide broken bundles. */
function warnInProcess(why: unknown): void {
  if (workersDisabled) return;
  const reason = (why as { message?: string })?.message ?? String(why);
  console.warn(
    `@tessera/io: the HDF5 worker (h5_worker.js) did not start (${reason}); HDF5 files are read in-process, without the time bound. ` +
      'Vite, webpack and Parcel emit the worker by themselves; with esbuild or plain Rollup, build node_modules/@tessera/io/dist/h5_worker.js as a second entry point into the folder of your bundle.',
  );
}

/**
 * Posts one request and waits for its reply, failing after `timeoutMs`, or after `stallMs`
 * without a progress message from the worker. The worker holds the event loop only while
 * requests are pending, so a Node script that read a file exits when its work ends.
 */
function send(w: WorkerHandle, message: Record<string, unknown>, transfer: Transferable[], timeoutMs: number, file: string, stallMs?: number): Promise<Reply> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    let stall: ReturnType<typeof setTimeout> | undefined;
    const settled = () => {
      clearTimeout(timer);
      clearTimeout(stall);
      w.pending.delete(id);
      if (w.pending.size === 0) w.unref();
    };
    const fail = (e: ModelFileError) => {
      settled();
      reject(e);
    };
    const timer = setTimeout(
      () => fail(new ModelFileError('timeout', `the HDF5 library took longer than ${Math.round(timeoutMs)} ms; the file is probably corrupted`, { file })),
      timeoutMs,
    );
    const armStall = () => {
      if (stallMs === undefined || stallMs >= timeoutMs) return;
      clearTimeout(stall);
      stall = setTimeout(
        () =>
          fail(
            new ModelFileError('timeout', `the HDF5 library stopped making progress for ${Math.round(stallMs)} ms (it is stuck in a loop); the file is probably corrupted`, {
              file,
            }),
          ),
        stallMs,
      );
    };
    armStall();
    w.pending.set(id, {
      resolve: (v) => {
        settled();
        resolve(v);
      },
      reject: (e) => {
        settled();
        reject(e);
      },
      progress: armStall,
    });
    w.ref();
    w.post({ ...message, id }, transfer);
  });
}

/** One worker used for one kind of request, one request at a time. */
class Slot {
  private worker: Promise<WorkerHandle | null> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private errors = 0;

  /** Runs one request on this slot's worker (or in-process). */
  run<T>(
    message: Record<string, unknown>,
    transfer: Transferable[],
    timeoutMs: number,
    file: string,
    local: (core: Core, h5: unknown) => Promise<T>,
    pick: (r: Reply) => T,
    stallMs?: number,
  ): Promise<T> {
    const task = this.queue.then(async () => {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      if (!this.worker) this.worker = spawn();
      const w = await this.worker;
      if (!w) {
        this.worker = null;
        workersDisabled = true;
        const { core, h5 } = await loadInProcess();
        try {
          return await local(core, h5);
        } catch (e) {
          throw toError(e, file);
        }
      }
      try {
        const reply = await send(w, message, transfer, timeoutMs, file, stallMs);
        if (reply.recycle) this.retire();
        return pick(reply);
      } catch (e) {
        const r = e as Reply;
        this.errors++;
        if (e instanceof ModelFileError || r?.recycle || r?.fatal || this.errors >= ERRORS_PER_WORKER) this.retire();
        throw toError(e, file);
      } finally {
        this.scheduleIdle();
      }
    });
    this.queue = task.catch(() => undefined);
    return task;
  }

  /** Terminates the worker; the next request starts a fresh one. */
  retire(): void {
    const w = this.worker;
    this.worker = null;
    this.errors = 0;
    void w?.then((h) => h?.terminate());
  }

  private scheduleIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.retire(), IDLE_MS);
    (this.idleTimer as { unref?: () => void }).unref?.();
  }

  async stop(): Promise<void> {
    await this.queue;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.retire();
  }
}

const reader = new Slot();
const writer = new Slot();

function loadInProcess(): Promise<{ core: Core; h5: unknown }> {
  if (!inProcess) {
    inProcess = (async () => {
      const [core, mod] = await Promise.all([import('./h5_core.js'), import('h5wasm')]);
      return { core, h5: (mod as { default: unknown }).default };
    })();
  }
  return inProcess;
}

function toError(e: unknown, file: string): ModelFileError {
  if (e instanceof ModelFileError) return e;
  const r = e as { code?: string; message?: string };
  const message = r?.message ?? String(e);
  if (r?.code === 'not_hdf5') return new ModelFileError('unknown_format', `not an HDF5 file`, { file });
  if (r?.code === 'write') return new ModelFileError('io', `cannot write the HDF5 file: ${message}`, { file });
  return new ModelFileError('corrupt', `the HDF5 file is corrupted or truncated: ${message}`, { file });
}

/**
 * Reads an HDF5 file into a tree (in the HDF5 worker, under a time bound).
 * @throws ModelFileError (`unknown_format`, `corrupt`, `timeout`).
 * @example
 * ```ts
 * const tree = await readH5(bytes);
 * Object.keys(tree.children); // ['model_weights', 'optimizer_weights']
 * ```
 */
export function readH5(bytes: Uint8Array, options: H5ReadOptions = {}): Promise<H5Group> {
  const file = options.file ?? '<bytes>';
  const timeoutMs = options.timeoutMs ?? 30_000 + bytes.length / 1000;
  const stallMs = options.stallMs ?? 3_000 + bytes.length / 20_000;
  const limits: Record<string, unknown> = { skip: options.skip, maxDataBytes: options.maxDataBytes };
  // Test hook (not part of the options' type): simulates a parse stuck inside the library.
  const simulate = (options as { simulateStallMs?: number }).simulateStallMs;
  if (simulate) limits.simulateStallMs = simulate;
  const copy = bytes.slice(); // transferred: the caller's buffer stays intact
  return reader.run(
    { op: 'read', bytes: copy, limits },
    [copy.buffer],
    timeoutMs,
    file,
    (core, h5) => core.readTree(h5, bytes, limits) as Promise<H5Group>,
    (reply) => reply.tree as H5Group,
    stallMs,
  );
}

/**
 * Writes a tree as HDF5 bytes (in its own worker, never shared with reading).
 * @throws ModelFileError (`io`) when the HDF5 library refuses something.
 * @example
 * ```ts
 * const bytes = await writeH5({ kind: 'group', attrs: {}, children: {} });
 * ```
 */
export function writeH5(tree: H5Group, options: { file?: string; timeoutMs?: number } = {}): Promise<Uint8Array> {
  const file = options.file ?? '<bytes>';
  return writer.run(
    { op: 'write', tree },
    [],
    options.timeoutMs ?? 600_000,
    file,
    (core, h5) => core.writeTree(h5, tree),
    (reply) => reply.bytes as Uint8Array,
  );
}

/**
 * Stops the HDF5 workers now (they also stop by themselves after 15 s idle). Calling it is
 * optional: an idle worker never keeps a Node process alive, so a script exits when its work ends.
 * @example
 * ```ts
 * await stopH5Worker();
 * ```
 */
export async function stopH5Worker(): Promise<void> {
  await Promise.all([reader.stop(), writer.stop()]);
}
