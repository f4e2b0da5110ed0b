import { METRIC_IDS, type Model } from '@tessera/layers';
import { getLoss, serializeLoss, type Loss, type LossIdentifier } from '@tessera/losses';
import { getOptimizer, serialize, type Optimizer } from '@tessera/optimizers';
import { tensor, tidy, type Tensor } from '@tessera/tensor';
import { asModelFileError, ModelFileError } from '../errors.js';
import { dataset, group, stringsAttr, type H5Dataset, type H5Group } from '../h5/tree.js';
import { checkWeightValues, type ValueCheckOptions } from './value_checks.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keras 2 spellings of optimizer config keys. */
const RENAMED_KEYS: Record<string, string> = { lr: 'learning_rate' };

/**
 * An optimizer from a Keras config (`optimizer_config`, or `compile_config.optimizer`):
 * a string id, or `{class_name, config}` from Keras 2, tf.keras or Keras 3. Keras 2 keys
 * are renamed (`lr`), and keys Tessera's optimizer does not take are dropped with a warning.
 */
export function optimizerFromKeras(spec: unknown, warn: (m: string) => void, file?: string): Optimizer {
  try {
    if (typeof spec === 'string') return getOptimizer(spec);
    if (!isObject(spec) || typeof spec.class_name !== 'string') {
      throw new ModelFileError('bad_config', 'the optimizer config must be a string or {class_name, config}', { file });
    }
    const className = spec.class_name.replace(/^Custom>/, '');
    const raw = isObject(spec.config) ? spec.config : {};
    const accepted = new Set(Object.keys(getOptimizer(className).getConfig()));
    const config: Json = {};
    for (const [key, value] of Object.entries(raw)) {
      const k = RENAMED_KEYS[key] ?? key;
      if (accepted.has(k)) config[k] = value;
      else if (key === 'decay' && typeof value === 'number' && value !== 0) warn(`optimizer: Keras 2's decay=${value} is not supported and is ignored`);
      else if (!['decay', 'is_legacy_optimizer', 'jit_compile', 'name'].includes(key) && value !== null && value !== false) {
        warn(`optimizer: config key '${key}' is not supported and is ignored`);
      }
    }
    if (typeof raw.name === 'string') config.name = raw.name;
    return getOptimizer({ class_name: className, config } as never);
  } catch (e) {
    throw asModelFileError(e, 'bad_config', 'cannot restore the optimizer', { file });
  }
}

function lossFromKeras(spec: unknown): LossIdentifier {
  if (isObject(spec) && isObject(spec.config)) {
    const config = { ...spec.config };
    if (config.reduction === 'auto' || config.reduction === undefined) config.reduction = 'sum_over_batch_size';
    if ('fn' in config && spec.class_name !== 'LossFunctionWrapper') delete config.fn;
    return { ...spec, config } as LossIdentifier;
  }
  return spec as LossIdentifier;
}

/** Metric ids from Keras's `metrics` (strings, tf.keras wrapper dicts, per-output lists). */
function metricIds(spec: unknown, warn: (m: string) => void): string[] {
  const out: string[] = [];
  const visit = (m: unknown) => {
    if (m === null || m === undefined) return;
    if (Array.isArray(m)) return m.forEach(visit);
    let id: unknown = m;
    if (isObject(m)) {
      const c = isObject(m.config) ? m.config : {};
      id = typeof c.fn === 'string' ? c.fn : (c.name ?? m.class_name);
      if (typeof id === 'string' && !METRIC_IDS.includes(id) && typeof c.name === 'string' && METRIC_IDS.includes(c.name)) id = c.name;
    }
    if (typeof id === 'string' && METRIC_IDS.includes(id)) {
      if (!out.includes(id)) out.push(id);
    } else warn(`metric ${JSON.stringify(m)} is not supported and is left out`);
  };
  if (isObject(spec)) Object.values(spec).forEach(visit);
  else visit(spec);
  return out;
}

/**
 * Compiles a model from Keras's `training_config` (legacy `.h5`) or `compile_config`
 * (`.keras`): optimizer, loss, metrics and loss weights.
 * @throws ModelFileError when the optimizer or loss cannot be restored.
 */
export function compileFromKeras(model: Model, config: Json, warn: (m: string) => void, file?: string): void {
  const optimizer = optimizerFromKeras(config.optimizer_config ?? config.optimizer, warn, file);
  const lossSpec = config.loss;
  if (lossSpec === null || lossSpec === undefined) throw new ModelFileError('missing', 'the training config has no loss', { file });
  const loss = Array.isArray(lossSpec) ? lossSpec.map(lossFromKeras) : isObject(lossSpec) && !('class_name' in lossSpec) ? mapValues(lossSpec, lossFromKeras) : lossFromKeras(lossSpec);
  const metrics = metricIds(config.metrics, warn);
  const lossWeights = config.loss_weights ?? undefined;
  try {
    model.compile({
      optimizer,
      loss: loss as never,
      metrics,
      ...(lossWeights !== null && lossWeights !== undefined ? { lossWeights: lossWeights as never } : {}),
    });
  } catch (e) {
    throw asModelFileError(e, 'bad_config', 'cannot compile the model from the file', { file });
  }
}

function mapValues(o: Json, f: (v: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

/** A loss as Keras writes it in configs: its id when it has its default config, else serialized. */
function lossToKeras(loss: Loss): unknown {
  const s = serializeLoss(loss);
  try {
    const plain = getLoss(loss.name);
    if (plain.constructor === loss.constructor && JSON.stringify(plain.getConfig()) === JSON.stringify(loss.getConfig())) return loss.name;
  } catch {
    // not an id: keep the serialized form
  }
  return s;
}

/** The metric names of a compiled model (per-output prefixes removed). */
function metricNames(model: Model): unknown {
  const c = model.compiled!;
  // No metrics is `null`, as Keras writes `compile(metrics=None)`: an empty list makes Keras build
  // an empty metrics container on load and warn that it is not built yet.
  if (c.metrics.every((ms) => ms.length === 0)) return null;
  const names = c.metrics.map((ms, i) => ms.map((m) => (c.outputNames.length > 1 ? m.name.replace(`${c.outputNames[i]}_`, '') : m.name)));
  if (c.outputNames.length === 1) return names[0];
  return Object.fromEntries(c.outputNames.map((n, i) => [n, names[i]]));
}

function lossesToKeras(model: Model): unknown {
  const c = model.compiled!;
  const ls = c.losses.map(lossToKeras);
  return ls.length === 1 ? ls[0] : Object.fromEntries(c.outputNames.map((n, i) => [n, ls[i]]));
}

function lossWeightsToKeras(model: Model): unknown {
  const c = model.compiled!;
  return c.lossWeights.every((w) => w === 1) ? null : c.outputNames.length === 1 ? c.lossWeights : Object.fromEntries(c.outputNames.map((n, i) => [n, c.lossWeights[i]]));
}

/** What `compile` was given, in Keras's keys (shared by `training_config` and `compile_config`). */
function compileArgs(model: Model): Json {
  return {
    loss: lossesToKeras(model),
    loss_weights: lossWeightsToKeras(model),
    metrics: metricNames(model),
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/** Keras 3's legacy `training_config` of a compiled model. */
export function trainingConfig(model: Model): Json {
  const opt = serialize(model.compiled!.optimizer);
  return { ...compileArgs(model), optimizer_config: { class_name: opt.class_name, config: opt.config } };
}

/** Keras 3's `compile_config` of a compiled model (in a `.keras` config.json). */
export function compileConfig(model: Model): Json {
  return { optimizer: serialize(model.compiled!.optimizer), ...compileArgs(model) };
}

/** How many leading entries of `getWeights()` are the iteration count and learning rate. */
function headCount(opt: Optimizer): number {
  return opt.weightNames().filter((n) => n === `${opt.name}/iteration` || n === `${opt.name}/learning_rate`).length;
}

/**
 * The optimizer's state as named float32/int64 datasets (iteration first, as Keras 3). An
 * optimizer that has not stepped yet is its iteration count and learning rate only, as Keras
 * writes it (Keras builds the slots on the first step, and warns when a file has more).
 */
export async function optimizerValues(model: Model): Promise<{ name: string; ds: H5Dataset }[]> {
  const opt = model.compiled!.optimizer;
  const keep = opt.iterations === 0 ? headCount(opt) : Infinity;
  const names = opt.weightNames().slice(0, keep);
  const all = opt.getWeights();
  all.slice(keep).forEach((w) => w.dispose());
  const weights = all.slice(0, keep);
  try {
    return await Promise.all(
      weights.map(async (w, i) => {
        const data = await w.data();
        const ds = w.dtype === 'int32' ? dataset(BigInt64Array.from(data as ArrayLike<number>, (x) => BigInt(x)) as never, [], 'int64') : dataset(Float32Array.from(data as ArrayLike<number>), w.shape);
        return { name: names[i], ds };
      }),
    );
  } finally {
    weights.forEach((w) => w.dispose());
  }
}

/**
 * Keras 3's legacy `optimizer_weights` group: `weight_names` and one dataset per name.
 * Names as Keras 3.1 writes them: `iteration`, `learning_rate`, `<model>_<layer>_<weight>_<slot>`.
 */
export async function optimizerWeightsGroup(model: Model): Promise<H5Group> {
  const opt = model.compiled!.optimizer;
  const values = await optimizerValues(model);
  const names = kerasOptimizerNames(model, values.map((v) => v.name));
  const g = group({ weight_names: stringsAttr(names) });
  values.forEach((v, i) => (g.children[names[i]] = v.ds));
  return g;
}

/**
 * Keras 3's names for optimizer variables: `iteration`, `learning_rate`, and
 * `<model>_<layer>_<weight>_<slot>` (the variable's path with `/` as `_`). Built from the
 * layers' own names, not from the engine's variable names (which get `_1` suffixes when
 * several models live in one process).
 */
function kerasOptimizerNames(model: Model, ours: string[]): string[] {
  const opt = model.compiled!.optimizer;
  const prefix = `${opt.name}/`;
  const owners = model.layers.flatMap((l) => l.weightEntries.map((w) => ({ w, layer: l.name })));
  const used = new Set<string>();
  return ours.map((name) => {
    let short = name.startsWith(prefix) ? name.slice(prefix.length) : name;
    if (!/^(iteration|learning_rate)$/.test(short)) {
      let best: { key: string; path: string } | undefined;
      for (const o of owners) {
        const key = `${o.w.variable.name.replace(/\//g, '_')}_`;
        if (short.startsWith(key) && (!best || key.length > best.key.length)) best = { key, path: `${o.layer}_${o.w.name}` };
      }
      const slot = best ? short.slice(best.key.length).replace(/_\d+$/, '') : short;
      short = `${model.name}_${best ? best.path : ''}${best ? '_' : ''}${slot}`;
    }
    short = short.replace(/\//g, '_');
    let unique = short;
    for (let k = 1; used.has(unique); k++) unique = `${short}_${k}`;
    used.add(unique);
    return unique;
  });
}

/** Slot names of older Keras optimizers, as Tessera (and Keras 3) call them. */
const SLOT_ALIASES: Record<string, string> = { m: 'momentum', v: 'velocity', vhat: 'velocity_hat', rms: 'velocity', mg: 'average_gradient' };

/**
 * Restores an optimizer's state from values in Keras's order. Keras 3 files store
 * `[iteration, learning_rate, slots...]` (Tessera's own order). tf.keras 2 files store
 * `[iter, all slots of kind 1..., all slots of kind 2...]`: regrouped per variable.
 * What cannot be matched is reported through `warn` (as Keras does) and the optimizer
 * starts from scratch.
 */
export function restoreOptimizer(
  opt: Optimizer,
  entries: { name: string; ds: H5Dataset }[],
  warn: (m: string) => void,
  checks: ValueCheckOptions = {},
): boolean {
  const ours = opt.weightNames();
  // An optimizer saved before its first step: the iteration (0) and the learning rate only.
  if (entries.length > 0 && entries.length <= headCount(opt) && entries.length < ours.length && Number(entries[0].ds.data[0]) === 0) return true;
  const current = opt.getWeights();
  const shapes = current.map((t) => t.shape);
  current.forEach((t) => t.dispose());
  const fits = (list: { name: string; ds: H5Dataset }[]) =>
    list.length === shapes.length &&
    list.every((e, i) =>
      shapes[i].length === 0 ? e.ds.data.length === 1 : e.ds.shape.length === shapes[i].length && e.ds.shape.every((d, j) => d === shapes[i][j]),
    );
  let ordered: { name: string; ds: H5Dataset }[] | undefined;
  if (fits(entries)) ordered = entries;
  else {
    // tf.keras 2: 'Adam/iter:0', 'Adam/dense/kernel/m:0', ...; learning rate lives in the config.
    const clean = entries.map((e) => ({ ...e, name: e.name.replace(/:\d+$/, '') }));
    const iter = clean.find((e) => /(^|\/)(iter|iterations)$/.test(e.name));
    const slots = clean.filter((e) => e !== iter && !/(^|\/)(beta_1|beta_2|decay|learning_rate|lr|momentum|rho|epsilon)$/.test(e.name));
    const kinds: string[] = [];
    for (const s of slots) {
      const kind = SLOT_ALIASES[s.name.split('/').pop()!] ?? s.name.split('/').pop()!;
      if (!kinds.includes(kind)) kinds.push(kind);
    }
    const perKind = kinds.map((k) => slots.filter((s) => (SLOT_ALIASES[s.name.split('/').pop()!] ?? s.name.split('/').pop()!) === k));
    const nVars = perKind[0]?.length ?? 0;
    if (iter && perKind.every((p) => p.length === nVars)) {
      const interleaved: { name: string; ds: H5Dataset }[] = [];
      for (let v = 0; v < nVars; v++) for (const p of perKind) interleaved.push(p[v]);
      const lr = { name: 'learning_rate', ds: dataset(new Float32Array([opt.learningRate]), []) };
      const candidate = [iter, lr, ...interleaved];
      if (fits(candidate)) ordered = candidate;
    }
  }
  if (!ordered) {
    warn(
      `the optimizer state in the file (${entries.length} values) does not match the optimizer ` +
        `(${ours.length}: ${ours.slice(0, 4).join(', ')}${ours.length > 4 ? ', ...' : ''}); it starts from scratch`,
    );
    return false;
  }
  const list = ordered;
  for (const e of list) {
    const data = e.ds.data instanceof Float32Array ? e.ds.data : Float32Array.from(e.ds.data as ArrayLike<number>);
    checkWeightValues(data, e.ds.shape, { layer: `optimizer ${opt.name}`, weight: e.name, path: e.name }, { warn, ...checks });
  }
  tidy(() => {
    const values: (number | Tensor)[] = list.map((e, i) =>
      shapes[i].length === 0 ? Number(e.ds.data[0]) : tensor(Float32Array.from(e.ds.data), e.ds.shape, 'float32'),
    );
    // The file keeps the learning rate as float32; when it is the config's value rounded,
    // keep the config's (exact) number so that training continues bit for bit.
    const lrIndex = ours.findIndex((n) => n.endsWith('/learning_rate'));
    if (lrIndex >= 0 && typeof values[lrIndex] === 'number' && Math.fround(opt.learningRate) === Math.fround(values[lrIndex] as number)) {
      values[lrIndex] = opt.learningRate;
    }
    opt.setWeights(values);
  });
  return true;
}
