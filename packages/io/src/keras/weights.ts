import { Model, type Layer, type LayerWeight } from '@tessera/layers';
import { cast, tensor, tidy, type Variable } from '@tessera/tensor';
import { ModelFileError } from '../errors.js';
import { attrString, attrStrings, dataset, getPath, group, stringAttr, stringsAttr, type H5Dataset, type H5Group } from '../h5/tree.js';
import { convertLegacyWeights, hasConvKernels, needsKernelFlip, shapeNote, type KerasBackend, type StoredWeight } from './keras1_weights.js';
import { convertRnnWeights } from './keras2_rnn_weights.js';
import { kerasSnakeCase, NameCounter } from './naming.js';
import { checkWeightValues, type ValueCheckOptions } from './value_checks.js';

/** One weight value read from a file, checked against its variable, waiting to be assigned. */
export interface Assignment {
  variable: Variable;
  data: Float32Array;
  shape: number[];
}

/** The version Tessera writes into `keras_version`: the Keras release whose layouts it writes. */
export const KERAS_VERSION = '3.1.1';

function shapeString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * A layer's weights in the order of Keras's legacy `.h5` files (`_legacy_weights`):
 * trainable ones, then the others. For a nested model, across all its layers.
 */
export function legacyWeightEntries(layer: Layer): LayerWeight[] {
  if (!(layer instanceof Model)) return layer.weightEntries;
  const all = layer.layers.flatMap((l) => legacyWeightEntries(l).map((w) => ({ w, trains: layer.trainable && l.trainable && w.trainable })));
  return [...all.filter((x) => x.trains).map((x) => x.w), ...all.filter((x) => !x.trains).map((x) => x.w)];
}

/** A layer's own variables in the order Keras 3 stores them (`vars/0..n`): trainable-created first. */
export function kerasVarEntries(layer: Layer): LayerWeight[] {
  const entries = layer.ownWeightEntries;
  return [...entries.filter((w) => w.trainable), ...entries.filter((w) => !w.trainable)];
}

/** The values of a weight dataset as float32, with its shape, checked for finite values. */
function storedWeight(ds: H5Dataset, details: { file?: string; layer: string; weight: string }, path: string, checks: ValueCheckOptions): StoredWeight {
  const shape = ds.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  if (ds.data.length !== size) {
    throw new ModelFileError('corrupt', `a weight dataset holds ${ds.data.length} values for shape ${shapeString(shape)}`, details);
  }
  if (!/^(float|int|uint)/.test(ds.dtype)) {
    throw new ModelFileError('unsupported', `a weight is stored as ${ds.dtype}`, { ...details, expected: 'a numeric dataset', found: ds.dtype });
  }
  const data = ds.data instanceof Float32Array ? ds.data : Float32Array.from(ds.data);
  checkWeightValues(data, shape, { layer: details.layer, weight: details.weight, path }, checks);
  return { data, shape: [...shape] };
}

/** A stored weight checked against its variable's shape; `note` tells how the file stored it when converted. */
function fitTo(w: StoredWeight, variable: Variable, details: { file?: string; layer: string; weight: string }, note?: string): Assignment {
  const want = variable.shape;
  if (w.shape.length !== want.length || w.shape.some((d, i) => d !== want[i])) {
    throw new ModelFileError('weight_mismatch', `a weight in the file does not fit the layer`, {
      ...details,
      expected: shapeString(want),
      found: note ? `${shapeString(w.shape)} (${note})` : shapeString(w.shape),
    });
  }
  return { variable, data: w.data, shape: [...w.shape] };
}

/** Values of a dataset as float32, checked against a variable's shape and for finite values. */
function valueFor(ds: H5Dataset, variable: Variable, details: { file?: string; layer: string; weight: string }, path: string, checks: ValueCheckOptions): Assignment {
  return fitTo(storedWeight(ds, details, path, checks), variable, details);
}

/** Options of reading a legacy weights group. */
export interface LegacyReadOptions {
  file?: string;
  /** Match layers by name instead of by order (Keras's `by_name`). */
  byName?: boolean;
  /** With `byName`, skip layers whose weight count or shapes differ instead of failing. */
  skipMismatch?: boolean;
  warn?: (message: string) => void;
  /**
   * The Keras backend that wrote the file, for files that do not record it (Keras 1's
   * `save_weights` never did). `'theano'` flips convolution kernels (Theano convolves,
   * Tessera correlates). A backend the file records wins, as in Keras.
   */
  backend?: KerasBackend;
  /** Load NaN and Infinity weights instead of refusing them. */
  allowNonFinite?: boolean;
}

/**
 * The backend whose kernel order the file's weights are in: the one the file records (as
 * Keras reads it), else the one the caller names. Warns when they disagree, and when
 * neither says and the model has convolution kernels (Keras then assumes no flip, and so
 * does Tessera, but a Keras 1 file was most often written by Theano).
 */
function fileBackend(recorded: string | undefined, model: Model, options: LegacyReadOptions, keras1: boolean): string | undefined {
  const warn = options.warn ?? (() => undefined);
  if (recorded !== undefined) {
    if (options.backend !== undefined && options.backend !== recorded) {
      warn(`the file records that Keras's '${recorded}' backend wrote it; {backend: '${options.backend}'} is ignored (the file's own record wins, as in Keras)`);
    }
    return recorded;
  }
  if (options.backend !== undefined) return options.backend;
  if (model.layers.some(hasConvKernels)) {
    warn(
      `the ${keras1 ? 'Keras 1 ' : ''}file does not record which Keras backend wrote it, so its convolution kernels are read as TensorFlow's (unflipped), as Keras does; ` +
        `if it was trained with Theano (Keras 1's default backend), pass {backend: 'theano'} or its predictions will be wrong`,
    );
  }
  return undefined;
}

/**
 * The assignments for a model from a Keras legacy weights group (`model_weights` of a full
 * save, or the root of a `save_weights` `.h5`): layers with weights are matched in order
 * (or by name) and each layer's datasets are found through its `weight_names`. A group
 * without `keras_version` is Keras 1's, whose kernel layouts are converted as Keras 2 does;
 * Theano's kernels are flipped (see {@link LegacyReadOptions.backend}).
 * @throws ModelFileError when anything is missing or does not fit; nothing is assigned.
 */
export function planLegacy(model: Model, g: H5Group, options: LegacyReadOptions = {}): Assignment[] {
  const file = options.file;
  const layerNames = attrStrings(g, 'layer_names');
  if (!layerNames) throw new ModelFileError('missing', `the weights have no 'layer_names' attribute`, { file });
  // Keras 2 and 3 read a group without keras_version as Keras 1's (whose save_weights wrote none).
  const keras1 = (attrString(g, 'keras_version') ?? '1').startsWith('1');
  const fileLayers: { name: string; weights: { name: string; ds: H5Dataset }[] }[] = [];
  for (const name of layerNames) {
    const lg = getPath(g, name);
    if (!lg || lg.kind !== 'group') throw new ModelFileError('missing', `layer_names lists '${name}' but there is no such group`, { file, layer: name });
    const weightNames = attrStrings(lg, 'weight_names');
    if (!weightNames) throw new ModelFileError('missing', `the group of layer '${name}' has no 'weight_names'`, { file, layer: name });
    if (weightNames.length === 0) continue;
    fileLayers.push({
      name,
      weights: weightNames.map((wn) => {
        const ds = getPath(lg, wn);
        if (!ds || ds.kind !== 'dataset') throw new ModelFileError('missing', `weight '${wn}' is listed but not stored`, { file, layer: name, weight: wn });
        return { name: wn, ds };
      }),
    });
  }
  const modelLayers = model.layers.filter((l) => legacyWeightEntries(l).length > 0);
  const flip = needsKernelFlip(fileBackend(attrString(g, 'backend'), model, options, keras1));
  const pairs: [Layer, (typeof fileLayers)[number]][] = [];
  if (options.byName) {
    const byName = new Map(fileLayers.map((f) => [f.name, f]));
    for (const l of modelLayers) {
      const f = byName.get(l.name);
      if (f) pairs.push([l, f]);
    }
  } else {
    if (fileLayers.length !== modelLayers.length) {
      throw new ModelFileError('weight_mismatch', `the file has weights for a different number of layers than the model`, {
        file,
        expected: `${modelLayers.length} layers with weights (${modelLayers.map((l) => l.name).join(', ')})`,
        found: `${fileLayers.length} (${fileLayers.map((f) => f.name).join(', ')})`,
      });
    }
    modelLayers.forEach((l, i) => pairs.push([l, fileLayers[i]]));
  }
  const out: Assignment[] = [];
  for (const [layer, f] of pairs) {
    const entries = legacyWeightEntries(layer);
    try {
      if (entries.length !== f.weights.length) {
        throw new ModelFileError('weight_mismatch', `the layer and the file hold different numbers of weights`, {
          file,
          layer: layer.name,
          expected: `${entries.length} (${entries.map((e) => e.name).join(', ')})`,
          found: `${f.weights.length} (${f.weights.map((w) => w.name).join(', ')})`,
        });
      }
      const where = (i: number) => ({ file, layer: layer.name, weight: f.weights[i].name });
      const checks = { file, allowNonFinite: options.allowNonFinite, warn: options.warn };
      const stored = f.weights.map((w, i) => storedWeight(w.ds, where(i), `${f.name}/${w.name}`, checks));
      const converted = convertRnnWeights(layer, convertLegacyWeights(layer, stored, entries, keras1, flip), { file, layer: layer.name });
      out.push(...entries.map((e, i) => fitTo(converted[i], e.variable, where(i), shapeNote(stored[i], converted[i]))));
    } catch (e) {
      if (options.byName && options.skipMismatch && e instanceof ModelFileError && e.code === 'weight_mismatch') {
        options.warn?.(`skipping layer '${layer.name}': ${e.message}`);
        continue;
      }
      throw e;
    }
  }
  return out;
}

/** The layers whose state Keras 3 saves under `layers/`: Sequential leaves out its input. */
function savedLayers(model: Model): Layer[] {
  return model.layers;
}

/**
 * The assignments for a model from a Keras 3 weights tree (`model.weights.h5` of a
 * `.keras`, or a `.weights.h5`): `layers/<snake_case class>[_k]/vars/<i>`, and a layer's
 * sublayers under the attribute Keras saves them at (`layers/lstm/cell/vars`,
 * `layers/bidirectional/forward_layer/cell/vars`, `.../cell/cells/lstm_cell/vars`).
 * @throws ModelFileError when anything is missing or does not fit; nothing is assigned.
 */
export function planKeras3(model: Model, root: H5Group, options: { file?: string; warn?: (m: string) => void; allowNonFinite?: boolean } = {}): Assignment[] {
  const out: Assignment[] = [];
  const checks = { file: options.file, allowNonFinite: options.allowNonFinite, warn: options.warn };
  const used = new Set<string>();
  const where = (layer: Layer, weight?: string) => ({ file: options.file, layer: layer.name, ...(weight ? { weight } : {}) });
  const readLayer = (layer: Layer, lg: H5Group | undefined, path: string) => {
    const entries = kerasVarEntries(layer);
    if (entries.length > 0) {
      const vars = lg ? getPath(lg, 'vars') : undefined;
      if (!vars || vars.kind !== 'group') {
        throw new ModelFileError('missing', `no weights stored for the layer (expected group ${path}/vars)`, where(layer));
      }
      const count = Object.keys(vars.children).length;
      if (count !== entries.length) {
        throw new ModelFileError('weight_mismatch', `the layer and the file hold different numbers of weights`, {
          ...where(layer),
          expected: `${entries.length} (${entries.map((e) => e.name).join(', ')})`,
          found: `${count} in ${path}/vars`,
        });
      }
      entries.forEach((e, i) => {
        const ds = getPath(vars, String(i));
        if (!ds || ds.kind !== 'dataset') throw new ModelFileError('missing', `weight ${path}/vars/${i} is not stored`, where(layer, e.name));
        out.push(valueFor(ds, e.variable, { file: options.file, layer: layer.name, weight: e.name }, `${path}/vars/${i}`, checks));
      });
    }
    for (const [attr, sub] of layer.savedSublayers()) {
      const ag = lg ? getPath(lg, attr) : undefined;
      const g = ag && ag.kind === 'group' ? ag : undefined;
      if (Array.isArray(sub)) {
        const counter = new NameCounter();
        for (const s of sub) {
          const key = counter.next(kerasSnakeCase(s.className));
          const sg = g ? getPath(g, key) : undefined;
          readState(s, sg && sg.kind === 'group' ? sg : undefined, `${path}/${attr}/${key}`);
        }
      } else readState(sub, g, `${path}/${attr}`);
    }
  };
  const readState = (layer: Layer, lg: H5Group | undefined, path: string) => {
    if (layer instanceof Model) {
      if (!lg) {
        if (layer.weights.length > 0) throw new ModelFileError('missing', `no group ${path} for nested model '${layer.name}'`, where(layer));
        return;
      }
      walk(layer, lg, `${path}/`);
    } else readLayer(layer, lg, path);
  };
  const walk = (m: Model, g: H5Group, path: string) => {
    const layersGroup = getPath(g, 'layers');
    const counter = new NameCounter();
    for (const layer of savedLayers(m)) {
      const key = counter.next(kerasSnakeCase(layer.className));
      used.add(`${path}layers/${key}`);
      const lg = layersGroup && layersGroup.kind === 'group' ? getPath(layersGroup, key) : undefined;
      readState(layer, lg && lg.kind === 'group' ? lg : undefined, `${path}layers/${key}`);
    }
  };
  walk(model, root, '');
  const unused = unusedLayerGroups(root, '', used);
  if (unused.length > 0) {
    throw new ModelFileError('weight_mismatch', `the file holds weights that no layer of the model uses (as the .h5 loader, the .keras loader refuses a partial match)`, {
      file: options.file,
      expected: `weights for the model's ${model.layers.filter((l) => l.weights.length > 0).length} layers with weights`,
      found: `also ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? `, ... (${unused.length} groups)` : ''}`,
    });
  }
  return out;
}

/** Layer groups (`layers/<key>`, nested too) holding datasets that the walk over the model never visited. */
function unusedLayerGroups(g: H5Group, path: string, used: ReadonlySet<string>): string[] {
  const layersGroup = getPath(g, 'layers');
  if (!layersGroup || layersGroup.kind !== 'group') return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(layersGroup.children)) {
    if (child.kind !== 'group') continue;
    const at = `${path}layers/${key}`;
    if (!used.has(at)) {
      if (holdsData(child)) out.push(at);
    } else out.push(...unusedLayerGroups(child, `${at}/`, used));
  }
  return out;
}

function holdsData(node: H5Group | H5Dataset): boolean {
  if (node.kind === 'dataset') return node.data.length > 0;
  return Object.values(node.children).some((c) => holdsData(c as H5Group | H5Dataset));
}

/** Assigns checked values to their variables, all together. */
export function applyAssignments(assignments: readonly Assignment[]): void {
  tidy(() => {
    // Integer weights (Normalization's `count`) are stored as integers; the data arrives as float32.
    for (const a of assignments) {
      const value = tensor(a.data, a.shape, 'float32');
      a.variable.assign(a.variable.dtype === 'float32' ? value : cast(value, a.variable.dtype));
    }
  });
}

/**
 * A layer's weights as datasets, awaited so any backend can answer: float32, or int32 for
 * an integer weight (as Keras stores Normalization's `count`).
 */
async function weightDatasets(entries: readonly LayerWeight[]): Promise<H5Dataset[]> {
  return Promise.all(
    entries.map(async (e) => {
      const data = (await e.variable.data()) as ArrayLike<number>;
      const shape = e.variable.shape;
      return e.variable.dtype === 'int32' ? dataset(Int32Array.from(data), shape, 'int32') : dataset(Float32Array.from(data), shape);
    }),
  );
}

/** Unique dataset paths for weights: short names (`kernel`), `_1`... on repeats. */
function uniqueNames(names: string[]): string[] {
  const seen = new NameCounter();
  return names.map((n) => seen.next(n));
}

/** Where a weight sits in a legacy `.h5`: its short name, or `sublayer/name` inside a nested model. */
function legacyWeightNames(layer: Layer): string[] {
  if (!(layer instanceof Model)) return uniqueNames(layer.weightEntries.map((w) => w.name));
  const owner = new Map<Variable, string>();
  const collect = (m: Model) => {
    for (const l of m.layers) {
      if (l instanceof Model) collect(l);
      else for (const w of l.weightEntries) owner.set(w.variable, l.name);
    }
  };
  collect(layer);
  return uniqueNames(legacyWeightEntries(layer).map((w) => `${owner.get(w.variable) ?? layer.name}/${w.name}`));
}

/**
 * Keras's legacy weights layout (`save_weights_to_hdf5_group`): `layer_names`, `backend`,
 * `keras_version`; a group per layer (sorted by name) with `weight_names` and its datasets;
 * and an empty `top_level_model_weights`.
 */
export async function legacyWeightsGroup(model: Model): Promise<H5Group> {
  const g = group({
    backend: stringAttr('tensorflow'),
    keras_version: stringAttr(KERAS_VERSION),
    layer_names: stringsAttr(model.layers.map((l) => l.name)),
  });
  for (const layer of [...model.layers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const entries = legacyWeightEntries(layer);
    const names = legacyWeightNames(layer);
    const lg = group({ weight_names: stringsAttr(names) });
    const sets = await weightDatasets(entries);
    entries.forEach((_, i) => setDataset(lg, names[i], sets[i]));
    g.children[layer.name] = lg;
  }
  g.children.top_level_model_weights = group({ weight_names: stringsAttr([]) });
  return g;
}

function setDataset(g: H5Group, path: string, ds: H5Dataset): void {
  const parts = path.split('/');
  let cur = g;
  for (const p of parts.slice(0, -1)) {
    const next = cur.children[p];
    if (next && next.kind === 'group') cur = next;
    else cur = cur.children[p] = group();
  }
  cur.children[parts[parts.length - 1]] = ds;
}

/**
 * Keras 3's weights layout: `layers/<snake_case class>[_k]/vars/<i>` and the model's own `vars`;
 * a layer's sublayers under their attribute names (`cell`, `forward_layer`, `layer`, `cells/<class>`).
 */
export async function keras3WeightsTree(model: Model): Promise<H5Group> {
  const root = group();
  const fillLayer = async (layer: Layer, lg: H5Group) => {
    if (layer instanceof Model) {
      await fill(layer, lg);
      return;
    }
    const entries = kerasVarEntries(layer);
    const sets = await weightDatasets(entries);
    const vars = group();
    entries.forEach((_, i) => (vars.children[String(i)] = sets[i]));
    lg.children.vars = vars;
    for (const [attr, sub] of layer.savedSublayers()) {
      const ag = group();
      if (Array.isArray(sub)) {
        const counter = new NameCounter();
        for (const s of sub) {
          const sg = group();
          await fillLayer(s, sg);
          ag.children[counter.next(kerasSnakeCase(s.className))] = sg;
        }
      } else await fillLayer(sub, ag);
      lg.children[attr] = ag;
    }
  };
  const fill = async (m: Model, g: H5Group) => {
    const layersGroup = group();
    const counter = new NameCounter();
    for (const layer of savedLayers(m)) {
      const key = counter.next(kerasSnakeCase(layer.className));
      const lg = group();
      await fillLayer(layer, lg);
      layersGroup.children[key] = lg;
    }
    g.children.layers = layersGroup;
    g.children.vars = group();
  };
  await fill(model, root);
  return root;
}

/** Checks a legacy layout marker: the group holds `layer_names` (or its chunks). */
export function isLegacyWeightsGroup(g: H5Group): boolean {
  return attrStrings(g, 'layer_names') !== undefined;
}
