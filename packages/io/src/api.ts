import type { Model } from '@tessera/layers';
import { ModelFileError } from './errors.js';
import {
  modelFromJsonText,
  readModel,
  readModelConfigFromBytes,
  type KerasModelConfig,
  readWeightsInto,
  writeModel,
  writeWeights,
  type ReadModelOptions,
  type ReadWeightsOptions,
} from './keras/formats.js';
import { pythonJson } from './keras/py_json.js';
import { kerasConfigJson } from './keras/to_config.js';
import { downloadBytes } from './storage/download.js';
import { idbGet, idbPut } from './storage/indexeddb.js';
import { readLocalFile, writeLocalFileAtomic } from './storage/node_fs.js';

/**
 * Where a model can be loaded from: a path (Node), a `file:`, `http(s):` or `blob:` URL,
 * `indexeddb://name`, bytes (`ArrayBuffer`, `Uint8Array`), or a `File`/`Blob`.
 */
export type ModelSource = string | URL | ArrayBuffer | ArrayBufferView | Blob;

/** Where a model can be saved: a path (Node), a `file:` URL, `indexeddb://name` or `downloads://name.keras`. */
export type ModelTarget = string | URL;

/** Options of {@link loadModel}. */
export interface LoadModelOptions extends Omit<ReadModelOptions, 'file'> {
  /** The fetch used for URLs (default: the global one). */
  fetch?: typeof fetch;
}

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** `'keras'` (Keras 3 zip) or `'h5'` (legacy HDF5); default from the target's extension, else `'keras'`. */
  format?: 'keras' | 'h5';
  /** Save the training config and optimizer state too (default true; needs a compiled model). */
  includeOptimizer?: boolean;
}

/** Options of {@link saveWeights}. */
export interface SaveWeightsOptions {
  /**
   * `'keras'`: Keras 3's `.weights.h5` layout; `'h5'`: Keras 2's `save_weights` layout.
   * Default: `'keras'` for names ending in `.weights.h5` (or without extension), `'h5'` for other `.h5`.
   */
  format?: 'keras' | 'h5';
}

/** Options of {@link loadWeights}. */
export interface LoadWeightsOptions extends Omit<ReadWeightsOptions, 'file'> {
  fetch?: typeof fetch;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof (globalThis as { window?: unknown }).window === 'undefined';

function scheme(s: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s);
  if (m) return m[1].toLowerCase();
  return /^(blob|data):/i.test(s) ? s.slice(0, 4).toLowerCase() : undefined;
}

function pathOfFileUrl(u: string): string {
  const url = new URL(u);
  const p = decodeURIComponent(url.pathname);
  return /^\/[A-Za-z]:\//.test(p) ? p.slice(1) : p;
}

async function fetchBytes(url: string, fetchImpl: typeof fetch | undefined): Promise<Uint8Array> {
  const f = fetchImpl ?? (globalThis as { fetch?: typeof fetch }).fetch;
  if (!f) throw new ModelFileError('io', 'no fetch is available to load a URL', { file: url });
  let res: Response;
  try {
    res = await f(url);
  } catch (e) {
    throw new ModelFileError('io', `cannot fetch: ${(e as Error).message}`, { file: url, cause: e });
  }
  if (!res.ok) throw new ModelFileError('io', `fetch failed with HTTP ${res.status} ${res.statusText}`, { file: url });
  return new Uint8Array(await res.arrayBuffer());
}

/** The bytes of a source and a name for messages. */
export async function readSource(source: ModelSource, fetchImpl?: typeof fetch): Promise<{ bytes: Uint8Array; name: string }> {
  if (source instanceof URL) source = source.href;
  if (typeof source === 'string') {
    const s = scheme(source);
    if (s === 'indexeddb') return { bytes: (await idbGet(source.slice('indexeddb://'.length))).bytes, name: source };
    if (s === 'downloads') throw new ModelFileError('io', 'cannot load from downloads://; pass the File the user picked instead', { file: source });
    if (s === 'file') return { bytes: await readLocalFile(pathOfFileUrl(source)), name: source };
    if (s === 'http' || s === 'https' || s === 'blob' || s === 'data') return { bytes: await fetchBytes(source, fetchImpl), name: source };
    if (isNode) return { bytes: await readLocalFile(source), name: source };
    return { bytes: await fetchBytes(source, fetchImpl), name: source };
  }
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), name: '<bytes>' };
  if (ArrayBuffer.isView(source)) return { bytes: new Uint8Array(source.buffer, source.byteOffset, source.byteLength), name: '<bytes>' };
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = (source as Blob & { name?: string }).name ?? '<blob>';
    try {
      return { bytes: new Uint8Array(await source.arrayBuffer()), name };
    } catch (e) {
      throw new ModelFileError('io', `cannot read the blob: ${(e as Error).message}`, { file: name, cause: e });
    }
  }
  throw new ModelFileError('io', `cannot load from ${Object.prototype.toString.call(source)}: expected a path, URL, bytes or a Blob`);
}

/** Writes bytes to a target (atomically for files). */
export async function writeTarget(target: ModelTarget, bytes: Uint8Array, format: string): Promise<void> {
  const t = target instanceof URL ? target.href : target;
  if (typeof t !== 'string' || t.length === 0) throw new ModelFileError('io', `expected a path or URL to save to but got ${String(target)}`);
  const s = scheme(t);
  if (s === 'indexeddb') return idbPut({ name: t.slice('indexeddb://'.length), bytes, format, savedAt: new Date().toISOString() });
  if (s === 'downloads') return downloadBytes(t.slice('downloads://'.length) || `model.${format === 'h5' ? 'h5' : 'keras'}`, bytes);
  if (s === 'file') return writeLocalFileAtomic(pathOfFileUrl(t), bytes);
  if (s !== undefined) throw new ModelFileError('io', `cannot save to ${s}:// (save to a path, indexeddb:// or downloads://)`, { file: t });
  if (!isNode) throw new ModelFileError('io', `cannot save to a path outside Node; use indexeddb:// or downloads://`, { file: t });
  return writeLocalFileAtomic(t, bytes);
}

function targetName(target: ModelTarget | null | undefined): string {
  return target instanceof URL ? target.pathname : (target ?? '');
}

/**
 * Loads a model saved by Keras or Tessera: a `.keras` zip, a legacy `.h5` full save, or
 * model JSON (architecture only). The format is recognized from the content.
 * @param source - a path (Node), URL, `indexeddb://name`, bytes or a `File`.
 * @param options - `compile: true` also restores the optimizer (with its state), the
 *   loss and the metrics, so that `fit` continues where it stopped.
 * @throws ModelFileError with a `code` saying what is wrong; nothing is left half built.
 * @example
 * ```ts
 * const model = await loadModel('mnist_cnn.h5');
 * const probs = model.predict(images) as Tensor;
 * const resumed = await loadModel('checkpoint.keras', { compile: true });
 * await resumed.fit(x, y, { epochs: 5 });
 * ```
 */
export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<Model> {
  const { bytes, name } = await readSource(source, options.fetch);
  return readModel(bytes, { ...options, file: name });
}

/**
 * Saves a model as Keras does: `.keras` (Keras 3's zip) or legacy `.h5` (`model.save('x.h5')`),
 * with its architecture, weights and, when compiled, training config and optimizer state.
 * Files are written atomically (to `.<name>.<pid>.<random>.tmp` beside the target, then renamed);
 * temp files of that pattern left by earlier saves of the same target whose process was killed
 * mid-write are removed first (a save still running in a live process is left alone).
 * `indexeddb://name` and `downloads://name.keras` work in browsers.
 * @param target - where to save; `null` only returns the bytes.
 * @returns the bytes written.
 * @example
 * ```ts
 * await saveModel(model, 'mnist.keras');
 * await saveModel(model, 'mnist.h5');                 // legacy HDF5, readable by Keras 2 and 3
 * await saveModel(model, 'indexeddb://mnist');        // browser storage
 * const bytes = await saveModel(model, null, { format: 'keras' });
 * ```
 */
export async function saveModel(model: Model, target: ModelTarget | null, options: SaveModelOptions = {}): Promise<Uint8Array> {
  const name = targetName(target);
  const format = options.format ?? (/\.(h5|hdf5)$/i.test(name) ? 'h5' : 'keras');
  const bytes = await writeModel(model, { format, includeOptimizer: options.includeOptimizer, file: name || undefined });
  if (target !== null && target !== undefined) await writeTarget(target, bytes, format);
  return bytes;
}

/**
 * Saves only the weights: Keras 3's `.weights.h5` layout or Keras 2's `save_weights` `.h5`.
 * @returns the bytes written.
 * @example
 * ```ts
 * await saveWeights(model, 'mnist.weights.h5');
 * ```
 */
export async function saveWeights(model: Model, target: ModelTarget | null, options: SaveWeightsOptions = {}): Promise<Uint8Array> {
  const name = targetName(target);
  const format = options.format ?? (/\.(h5|hdf5)$/i.test(name) && !/\.weights\.h5$/i.test(name) ? 'h5' : 'keras');
  const bytes = await writeWeights(model, { format, file: name || undefined });
  if (target !== null && target !== undefined) await writeTarget(target, bytes, `weights-${format}`);
  return bytes;
}

/**
 * Loads weights into a model built in code (or with {@link modelFromJSON}): from a Keras 2
 * `save_weights` file, a Keras 3 `.weights.h5`, a full `.h5` save or a `.keras` archive.
 * Every weight is checked (count, shape) before any is assigned.
 * @example
 * ```ts
 * const model = modelFromJSON(await readFile('mlp.json', 'utf8'));
 * await loadWeights(model, 'mlp.weights.h5');
 * ```
 */
export async function loadWeights(model: Model, source: ModelSource, options: LoadWeightsOptions = {}): Promise<void> {
  const { bytes, name } = await readSource(source, options.fetch);
  await readWeightsInto(model, bytes, { ...options, file: name });
}

/** Options of {@link readModelConfig}. */
export interface ReadModelConfigOptions {
  /** The fetch used for URLs (default: the global one). */
  fetch?: typeof fetch;
  /** Time bound for reading an HDF5 file, in ms. */
  timeoutMs?: number;
}

/**
 * The architecture of a full save, as Keras's `model_config`: `{class_name, config}` (plus
 * `build_config` from a `.keras`), read from a legacy `.h5`, a `.keras` or model JSON without
 * building the model or reading its weights. Pair it with a weights-only file: build the
 * model with {@link modelFromJSON}, then {@link loadWeights}.
 * @param source - a path (Node), URL, `indexeddb://name`, bytes or a `File`.
 * @returns the config as the file holds it (Keras 1 keys stay as they are; the loaders translate them).
 * @throws ModelFileError: `missing` for a weights-only file, `bad_config`, `unknown_format`, `io`.
 * @example
 * ```ts
 * const config = await readModelConfig('mnist_cnn.h5');
 * config.class_name; // 'Sequential'
 * const model = modelFromJSON(config);
 * await loadWeights(model, 'mnist_cnn.weights.h5');
 * ```
 */
export async function readModelConfig(source: ModelSource, options: ReadModelConfigOptions = {}): Promise<KerasModelConfig> {
  const { bytes, name } = await readSource(source, options.fetch);
  return readModelConfigFromBytes(bytes, { file: name, timeoutMs: options.timeoutMs });
}

/**
 * Builds a model from Keras JSON (the output of Keras's `model.to_json()`, or a
 * `model_config`), with fresh weights.
 * @example
 * ```ts
 * const model = modelFromJSON(fs.readFileSync('keras2.0.6_mnist_mlp.json', 'utf8'));
 * ```
 */
export function modelFromJSON(json: string | object, options: { onWarning?: (m: string) => void } = {}): Model {
  return modelFromJsonText(typeof json === 'string' ? json : JSON.stringify(json), options);
}

/**
 * The model's architecture as Keras 3's `model.to_json()` writes it (the `config.json` of a
 * `.keras` file without the training config): `keras.models.model_from_json` reads it.
 * @example
 * ```ts
 * fs.writeFileSync('model.json', modelToJSON(model));
 * ```
 */
export function modelToJSON(model: Model): string {
  return pythonJson(kerasConfigJson(model, false));
}
