import type { Model } from '@tessera/layers';
import { asModelFileError, ModelFileError } from '../errors.js';
import { readH5, writeH5 } from '../h5_host.js';
import { attrString, getPath, group, stringAttr, type H5Dataset, type H5Group, type H5Node } from '../h5/tree.js';
import { isZip, readZip, writeZip } from '../zip.js';
import { modelFromKerasConfig, parseJson } from './from_config.js';
import { legacyModelConfig, kerasConfigJson } from './to_config.js';
import { pythonJson } from './py_json.js';
import { compileFromKeras, optimizerValues, optimizerWeightsGroup, restoreOptimizer, trainingConfig } from './training.js';
import {
  applyAssignments,
  isLegacyWeightsGroup,
  keras3WeightsTree,
  KERAS_VERSION,
  legacyWeightsGroup,
  planKeras3,
  planLegacy,
  type Assignment,
} from './weights.js';
import type { KerasBackend } from './keras1_weights.js';

/** Options of reading a model from bytes. */
export interface ReadModelOptions {
  /** Name of the file, URL or key, for messages. */
  file?: string;
  /** Also restore the training config (optimizer with its state, loss, metrics): `model.compile` is done for you. */
  compile?: boolean;
  /** Where warnings go (default `console.warn`). */
  onWarning?: (message: string) => void;
  /** Time bound for reading the HDF5 part, in ms (default: 30 s plus 1 s per MB; a parse that stops making progress fails sooner). */
  timeoutMs?: number;
  /**
   * Legacy `.h5` only: the Keras backend that wrote a file which does not record it (Keras 1
   * files never do). `'theano'` flips the convolution kernels (Theano convolves where
   * TensorFlow and Tessera correlate); `'tensorflow'` and `'cntk'` keep them. A backend the
   * file records wins, as in Keras (with a warning if this option disagrees). Without either,
   * kernels are kept, as Keras keeps them, with a warning when the model has convolutions.
   */
  backend?: KerasBackend;
  /** Load weights holding NaN or Infinity instead of failing with a `non_finite` error. */
  allowNonFinite?: boolean;
}

/** Options of reading weights into an existing model. */
export interface ReadWeightsOptions {
  file?: string;
  /** Legacy `.h5` only: match layers by name instead of by order (Keras's `by_name`). */
  byName?: boolean;
  /** With `byName`: skip layers whose weights do not fit instead of failing. */
  skipMismatch?: boolean;
  onWarning?: (message: string) => void;
  timeoutMs?: number;
  /** The Keras backend that wrote a legacy `.h5` which does not record it: see {@link ReadModelOptions.backend}. */
  backend?: KerasBackend;
  /** Load weights holding NaN or Infinity instead of failing with a `non_finite` error. */
  allowNonFinite?: boolean;
}

/** Options of writing a model. */
export interface WriteModelOptions {
  /** `'keras'` (Keras 3 zip) or `'h5'` (Keras's legacy HDF5). */
  format: 'keras' | 'h5';
  /** Save the training config and the optimizer's state too (default true, when compiled). */
  includeOptimizer?: boolean;
  file?: string;
}

/** What a file holds, from its first bytes. */
export type ContentKind = 'keras' | 'h5' | 'json' | 'unknown';

/** Sniffs bytes: a zip is a `.keras`, the HDF5 signature an `.h5`, a `{` JSON. */
export function sniff(bytes: Uint8Array): ContentKind {
  if (isZip(bytes)) return 'keras';
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46) return 'h5';
  for (let i = 0; i < Math.min(bytes.length, 1024); i++) {
    const c = bytes[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xef || c === 0xbb || c === 0xbf) continue;
    return c === 0x7b ? 'json' : 'unknown';
  }
  return 'unknown';
}

function warner(options: { onWarning?: (m: string) => void }): (m: string) => void {
  return options.onWarning ?? ((m) => console.warn(`@tessera/io: ${m}`));
}

/** Number of values in every dataset below a node (bounds what a config may ask for). */
function countValues(node: H5Node | undefined): number {
  if (!node) return 0;
  if (node.kind === 'dataset') return node.data.length;
  return Object.values(node.children).reduce((n, c) => n + countValues(c), 0);
}

const BACKENDS: readonly KerasBackend[] = ['theano', 'tensorflow', 'cntk'];

/** Checks the `backend` option (a plain-JavaScript caller may pass anything). */
function checkBackend(backend: unknown, file?: string): void {
  if (backend !== undefined && !BACKENDS.includes(backend as KerasBackend)) {
    throw new ModelFileError('unsupported', `unknown Keras backend in {backend}`, { file, expected: BACKENDS.map((b) => `'${b}'`).join(', '), found: JSON.stringify(backend) });
  }
}

/** Builds a model, then assigns its weights from a plan; frees the model if anything fails. */
function withWeights(model: Model, plan: (m: Model) => Assignment[]): Model {
  try {
    applyAssignments(plan(model));
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

function decodeText(bytes: Uint8Array, what: string, file?: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ModelFileError('bad_config', `${what} is not UTF-8 text`, { file });
  }
}

/** A model from a legacy Keras `.h5` full save. */
async function modelFromH5(bytes: Uint8Array, options: ReadModelOptions): Promise<Model> {
  const file = options.file;
  const warn = warner(options);
  const tree = await readH5(bytes, { file, timeoutMs: options.timeoutMs, skip: options.compile ? [] : ['/optimizer_weights'] });
  const configText = attrString(tree, 'model_config');
  if (configText === undefined) {
    if (isLegacyWeightsGroup(tree) || getPath(tree, 'layers')) {
      throw new ModelFileError('missing', 'this is a weights-only file (no model_config): build the model (or read its JSON with modelFromJSON) and call loadWeights', { file });
    }
    throw new ModelFileError('missing', `the HDF5 file has no 'model_config' attribute: not a Keras model file`, { file });
  }
  const mw = getPath(tree, 'model_weights');
  if (!mw || mw.kind !== 'group') throw new ModelFileError('missing', `the file has no 'model_weights' group`, { file });
  const config = parseJson(configText, 'model_config', file);
  const model = modelFromKerasConfig(config, { file, onWarning: warn, zeroInit: true, maxValues: countValues(mw) });
  withWeights(model, (m) => planLegacy(m, mw, { file, warn, backend: options.backend, allowNonFinite: options.allowNonFinite }));
  if (options.compile) {
    try {
      const tc = attrString(tree, 'training_config');
      if (tc === undefined) warn('the file has no training_config: the model is not compiled');
      else {
        compileFromKeras(model, parseJson(tc, 'training_config', file) as Record<string, unknown>, warn, file);
        const ow = getPath(tree, 'optimizer_weights');
        if (ow && ow.kind === 'group') restoreOptimizer(model.compiled!.optimizer, legacyOptimizerEntries(ow, file), warn, { file, allowNonFinite: options.allowNonFinite });
      }
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  return model;
}

function legacyOptimizerEntries(g: H5Group, file?: string): { name: string; ds: H5Dataset }[] {
  const names = (g.attrs.weight_names?.value as unknown[] | undefined) ?? [];
  if (!Array.isArray(names)) return [];
  return names.map((n) => {
    const ds = getPath(g, String(n));
    if (!ds || ds.kind !== 'dataset') throw new ModelFileError('missing', `optimizer weight '${String(n)}' is listed but not stored`, { file });
    return { name: String(n), ds };
  });
}

function keras3OptimizerEntries(root: H5Group): { name: string; ds: H5Dataset }[] {
  const vars = getPath(root, 'optimizer/vars');
  if (!vars || vars.kind !== 'group') return [];
  const out: { name: string; ds: H5Dataset }[] = [];
  for (let i = 0; ; i++) {
    const ds = getPath(vars, String(i));
    if (!ds || ds.kind !== 'dataset') break;
    out.push({ name: String(i), ds });
  }
  return out;
}

/** A model from a Keras 3 `.keras` zip. */
async function modelFromKerasZip(bytes: Uint8Array, options: ReadModelOptions): Promise<Model> {
  const file = options.file;
  const warn = warner(options);
  const entries = readZip(bytes, { file });
  const configBytes = entries.get('config.json');
  if (!configBytes) throw new ModelFileError('missing', `not a .keras file: the archive has no config.json`, { file, found: [...entries.keys()].join(', ') || 'no entries' });
  const config = parseJson(decodeText(configBytes, 'config.json', file), 'config.json', file) as Record<string, unknown>;
  const weightsBytes = entries.get('model.weights.h5');
  const tree = weightsBytes ? await readH5(weightsBytes, { file: `${file ?? '<bytes>'}:model.weights.h5`, timeoutMs: options.timeoutMs, skip: options.compile ? [] : ['/optimizer'] }) : group();
  const model = modelFromKerasConfig(config, { file, onWarning: warn, zeroInit: true, maxValues: countValues(tree) });
  withWeights(model, (m) => planKeras3(m, tree, { file, warn, allowNonFinite: options.allowNonFinite }));
  if (options.compile) {
    try {
      const cc = config.compile_config;
      if (!cc || typeof cc !== 'object') warn('the file has no compile_config: the model is not compiled');
      else {
        compileFromKeras(model, cc as Record<string, unknown>, warn, file);
        const opt = keras3OptimizerEntries(tree);
        if (opt.length > 0) restoreOptimizer(model.compiled!.optimizer, opt, warn, { file, allowNonFinite: options.allowNonFinite });
      }
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  return model;
}

/**
 * A model from Keras JSON (`model.to_json()`): the architecture, with fresh weights.
 * @throws ModelFileError for invalid JSON or an unknown layer.
 */
export function modelFromJsonText(text: string, options: { file?: string; onWarning?: (m: string) => void } = {}): Model {
  const spec = parseJson(text, 'the model JSON', options.file) as Record<string, unknown> | null;
  const config = spec && typeof spec === 'object' && 'model_config' in spec ? parseJson(String(spec.model_config), 'model_config', options.file) : spec;
  return modelFromKerasConfig(config, { file: options.file, onWarning: warner(options) });
}

/** A model from the bytes of a `.keras`, `.h5` or JSON file. */
export async function readModel(bytes: Uint8Array, options: ReadModelOptions = {}): Promise<Model> {
  const kind = sniff(bytes);
  checkBackend(options.backend, options.file);
  try {
    if (kind === 'keras') return await modelFromKerasZip(bytes, options);
    if (kind === 'h5') return await modelFromH5(bytes, options);
    if (kind === 'json') return modelFromJsonText(decodeText(bytes, 'the model JSON', options.file), options);
  } catch (e) {
    throw asModelFileError(e, 'corrupt', 'cannot load the model', { file: options.file });
  }
  throw new ModelFileError('unknown_format', 'not a Keras model file (expected a .keras zip, an HDF5 .h5 or model JSON)', {
    file: options.file,
    found: bytes.length < 4 ? `${bytes.length} bytes` : `bytes ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
  });
}

/** A model's architecture as Keras stores it: `{class_name, config}` (Keras's `model_config`). */
export interface KerasModelConfig {
  /** `Sequential`, `Functional` (Keras 3), `Model` (Keras 1 and 2) ... */
  class_name: string;
  /** The model's `get_config()`: its name and layers (Keras 1 and 2.0 Sequentials: the bare layer list). */
  config: unknown;
  /** Keras 3 only: the input shape the model was built for, and where the class lives. */
  build_config?: unknown;
  module?: unknown;
  registered_name?: unknown;
}

/** The architecture part of a parsed config, checked to have Keras's shape. */
function architecture(value: unknown, what: string, file?: string): KerasModelConfig {
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as Record<string, unknown>).class_name !== 'string' || !('config' in value)) {
    throw new ModelFileError('bad_config', `${what} is not a Keras model config (expected an object with class_name and config)`, { file });
  }
  const v = value as Record<string, unknown>;
  const out: KerasModelConfig = { class_name: v.class_name as string, config: v.config };
  for (const key of ['build_config', 'module', 'registered_name'] as const) if (v[key] !== undefined && v[key] !== null) out[key] = v[key];
  return out;
}

/**
 * The architecture of a full save, without building the model or reading its weights: the
 * `model_config` of a legacy `.h5`, the `config.json` of a `.keras` (without its
 * `compile_config`), or model JSON (`model.to_json()`, whose `keras_version` and `backend`
 * are left out). Configs are returned as the file holds them (a Keras 1 config keeps its
 * Keras 1 keys; the loaders translate them).
 * @throws ModelFileError (`missing` for a weights-only file, `bad_config`, `unknown_format`, ...).
 */
export async function readModelConfigFromBytes(bytes: Uint8Array, options: { file?: string; timeoutMs?: number } = {}): Promise<KerasModelConfig> {
  const file = options.file;
  const kind = sniff(bytes);
  try {
    if (kind === 'h5') {
      const tree = await readH5(bytes, { file, timeoutMs: options.timeoutMs, skip: ['/model_weights', '/optimizer_weights', '/optimizer'] });
      const text = attrString(tree, 'model_config');
      if (text === undefined) {
        const weightsOnly = isLegacyWeightsGroup(tree) || getPath(tree, 'layers') !== undefined || getPath(tree, 'vars') !== undefined;
        throw new ModelFileError(
          'missing',
          weightsOnly ? 'this is a weights-only file: it holds no architecture (no model_config)' : `the HDF5 file has no 'model_config' attribute: not a Keras model file`,
          { file },
        );
      }
      return architecture(parseJson(text, 'model_config', file), 'model_config', file);
    }
    if (kind === 'keras') {
      const configBytes = readZip(bytes, { file }).get('config.json');
      if (!configBytes) throw new ModelFileError('missing', `not a .keras file: the archive has no config.json`, { file });
      return architecture(parseJson(decodeText(configBytes, 'config.json', file), 'config.json', file), 'config.json', file);
    }
    if (kind === 'json') {
      const spec = parseJson(decodeText(bytes, 'the model JSON', file), 'the model JSON', file);
      const inner = spec && typeof spec === 'object' && 'model_config' in spec ? parseJson(String((spec as Record<string, unknown>).model_config), 'model_config', file) : spec;
      return architecture(inner, 'the model JSON', file);
    }
  } catch (e) {
    throw asModelFileError(e, 'corrupt', 'cannot read the model config', { file });
  }
  throw new ModelFileError('unknown_format', 'not a Keras model file (expected a .keras zip, an HDF5 .h5 or model JSON)', { file });
}

/**
 * Reads weights into an existing model: a legacy `.h5` (`save_weights`, or the
 * `model_weights` of a full save), a Keras 3 `.weights.h5`, or the weights of a `.keras`.
 * Every value is checked before any is assigned.
 */
export async function readWeightsInto(model: Model, bytes: Uint8Array, options: ReadWeightsOptions = {}): Promise<void> {
  const file = options.file;
  const warn = warner(options);
  checkBackend(options.backend, file);
  try {
    if (!model.built) {
      throw new ModelFileError('weight_mismatch', `model '${model.name}' is not built yet: give its first layer an inputShape or call build() before loading weights`, { file });
    }
    let tree: H5Group;
    const kind = sniff(bytes);
    if (kind === 'keras') {
      const w = readZip(bytes, { file }).get('model.weights.h5');
      if (!w) throw new ModelFileError('missing', 'the .keras archive has no model.weights.h5', { file });
      tree = await readH5(w, { file, timeoutMs: options.timeoutMs, skip: ['/optimizer'] });
    } else if (kind === 'h5') {
      tree = await readH5(bytes, { file, timeoutMs: options.timeoutMs, skip: ['/optimizer_weights', '/optimizer'] });
    } else {
      throw new ModelFileError('unknown_format', 'not a weights file (expected HDF5 or a .keras zip)', { file });
    }
    const mw = getPath(tree, 'model_weights');
    let plan: Assignment[];
    if (mw && mw.kind === 'group') plan = planLegacy(model, mw, { ...options, warn });
    else if (isLegacyWeightsGroup(tree)) plan = planLegacy(model, tree, { ...options, warn });
    else if (getPath(tree, 'layers') || getPath(tree, 'vars')) {
      if (options.byName) warn('byName applies to legacy .h5 weights only; Keras 3 weights are matched by their paths');
      plan = planKeras3(model, tree, { file, warn, allowNonFinite: options.allowNonFinite });
    } else throw new ModelFileError('missing', 'the file holds no Keras weights layout (no layer_names, model_weights or layers)', { file });
    applyAssignments(plan);
  } catch (e) {
    throw asModelFileError(e, 'corrupt', 'cannot load the weights', { file });
  }
}

/** A model as Keras's legacy `.h5` (what `model.save('x.h5')` writes). */
async function h5Bytes(model: Model, options: WriteModelOptions): Promise<Uint8Array> {
  const withOptimizer = (options.includeOptimizer ?? true) && !!model.compiled;
  const root = group({
    backend: stringAttr('tensorflow'),
    keras_version: stringAttr(KERAS_VERSION),
    model_config: stringAttr(pythonJson(legacyModelConfig(model))),
  });
  if (withOptimizer) root.attrs.training_config = stringAttr(pythonJson(trainingConfig(model)));
  root.children.model_weights = await legacyWeightsGroup(model);
  if (withOptimizer) root.children.optimizer_weights = await optimizerWeightsGroup(model);
  return writeH5(root, { file: options.file });
}

function dateSaved(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}@${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Keras 3's weights tree (`layers/.../vars/<i>`), with the optimizer's variables under
 * `optimizer/vars` when asked: Keras writes them for every compiled model, even untrained, and
 * warns when a compiled model loads a file without them.
 */
async function keras3WeightsFile(model: Model, withOptimizer: boolean): Promise<H5Group> {
  const tree = await keras3WeightsTree(model);
  if (withOptimizer) {
    const vars = group();
    (await optimizerValues(model)).forEach((v, i) => (vars.children[String(i)] = v.ds));
    tree.children.optimizer = group();
    (tree.children.optimizer as H5Group).children.vars = vars;
  }
  return tree;
}

/** A model as a Keras 3 `.keras` zip (config.json, metadata.json, model.weights.h5). */
async function kerasBytes(model: Model, options: WriteModelOptions): Promise<Uint8Array> {
  const withOptimizer = (options.includeOptimizer ?? true) && !!model.compiled;
  const weights = await writeH5(await keras3WeightsFile(model, withOptimizer), { file: options.file });
  const enc = new TextEncoder();
  return writeZip([
    ['metadata.json', enc.encode(JSON.stringify({ keras_version: KERAS_VERSION, date_saved: dateSaved() }))],
    ['config.json', enc.encode(pythonJson(kerasConfigJson(model, withOptimizer)))],
    ['model.weights.h5', weights],
  ]);
}

/** The bytes of a model file in Keras's `.keras` or legacy `.h5` format. */
export async function writeModel(model: Model, options: WriteModelOptions): Promise<Uint8Array> {
  if (!model.built) throw new ModelFileError('io', `model '${model.name}' is not built yet: build it (or fit it) before saving`, { file: options.file });
  return options.format === 'h5' ? h5Bytes(model, options) : kerasBytes(model, options);
}

/**
 * The bytes of a weights file: `'h5'` is Keras's legacy `save_weights` layout (layer
 * groups at the root), `'keras'` Keras 3's `.weights.h5` (`layers/<class>/vars/<i>`).
 */
export async function writeWeights(model: Model, options: { format: 'keras' | 'h5'; file?: string }): Promise<Uint8Array> {
  if (!model.built) throw new ModelFileError('io', `model '${model.name}' is not built yet: build it before saving its weights`, { file: options.file });
  const tree = options.format === 'h5' ? await legacyWeightsGroup(model) : await keras3WeightsFile(model, !!model.compiled);
  return writeH5(tree, { file: options.file });
}
