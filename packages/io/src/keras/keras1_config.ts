import { ModelFileError } from '../errors.js';

/**
 * Keras 1 layer configs in their Keras 2 form.
 *
 * Keras 2 reads a Keras 1 `model.to_json()` (or the `model_config` of a Keras 1 `.h5`) by
 * passing each layer's config through its constructor, where the decorators of
 * `keras/legacy/interfaces.py` rename the Keras 1 arguments (`nb_filter` -> `filters`,
 * `border_mode` -> `padding`, `dim_ordering: 'th'` -> `data_format: 'channels_first'`, ...).
 * This file is those tables, applied to the config before the normal path builds the layer.
 * Keras 2 configs never hold these keys, so the translation is a no-op for them.
 *
 * Where Keras 2 itself fails on a Keras 1 config, the value is read with Keras 1's meaning
 * instead: a Keras 1 regularizer (`{name: 'L1L2Regularizer', l1, l2}`), a four-number
 * `ZeroPadding2D` padding, and the `Merge` layer of a functional model (Keras 2.2 dropped it).
 */

type Json = Record<string, unknown>;

/** Where a translation reports what it changes with a loss, and names the file in errors. */
export interface Keras1Context {
  file?: string;
  warn(message: string): void;
}

/** A layer's class name and config, translated. */
export interface TranslatedLayer {
  className: string;
  config: Json;
}

/** Keras 1 class names that Keras 2 spells differently. */
const CLASS_NAMES: Record<string, string> = {
  Convolution1D: 'Conv1D',
  Convolution2D: 'Conv2D',
  Convolution3D: 'Conv3D',
  AtrousConvolution1D: 'Conv1D',
  AtrousConvolution2D: 'Conv2D',
  Deconvolution2D: 'Conv2DTranspose',
  SeparableConvolution2D: 'SeparableConv2D',
};

/** `dim_ordering` values and their `data_format` (Keras 2's `value_conversions`). */
const DATA_FORMATS: Record<string, string | null> = { tf: 'channels_last', th: 'channels_first', default: null };

/** Keras 1 initializer names Keras 2 knows under another name (Keras 2 accepts both; Tessera the latter). */
const INITIALIZERS: Record<string, string> = { zero: 'zeros', one: 'ones', uniform: 'random_uniform', normal: 'random_normal' };

type Renames = readonly (readonly [string, string])[];

/** How one Keras 2 class reads Keras 1 arguments: renames, and a preprocessor run first. */
interface Rule {
  renames: Renames;
  pre?(config: Json, ctx: Keras1Context, name: string): void;
}

const KERNEL_AND_BIAS: Renames = [
  ['init', 'kernel_initializer'],
  ['W_regularizer', 'kernel_regularizer'],
  ['b_regularizer', 'bias_regularizer'],
  ['W_constraint', 'kernel_constraint'],
  ['b_constraint', 'bias_constraint'],
  ['bias', 'use_bias'],
];
const DIM_ORDERING: Renames = [['dim_ordering', 'data_format']];
const POOLING_1D: Renames = [
  ['pool_length', 'pool_size'],
  ['stride', 'strides'],
  ['border_mode', 'padding'],
];
const POOLING_ND: Renames = [['border_mode', 'padding'], ...DIM_ORDERING];
const CONV_ND: Renames = [['nb_filter', 'filters'], ['subsample', 'strides'], ['border_mode', 'padding'], ...DIM_ORDERING, ...KERNEL_AND_BIAS];
const RECURRENT: Renames = [
  ['output_dim', 'units'],
  ['init', 'kernel_initializer'],
  ['inner_init', 'recurrent_initializer'],
  ['inner_activation', 'recurrent_activation'],
  ['W_regularizer', 'kernel_regularizer'],
  ['b_regularizer', 'bias_regularizer'],
  ['U_regularizer', 'recurrent_regularizer'],
  ['dropout_W', 'dropout'],
  ['dropout_U', 'recurrent_dropout'],
  ['consume_less', 'implementation'],
];

/** Moves keys into one (Keras 1's `nb_row`, `nb_col` -> `kernel_size`), when all are there. */
function gather(config: Json, keys: readonly string[], into: string): void {
  if (!keys.every((k) => k in config)) return;
  config[into] = keys.map((k) => config[k]);
  for (const k of keys) delete config[k];
}

/** `input_dim` (+ `input_length`) -> the input shape, as Keras 2's conv1d / recurrent preprocessors do. */
function inputDimToShape(config: Json): void {
  if (!('input_dim' in config)) return;
  const dim = config.input_dim;
  const length = config.input_length ?? null;
  delete config.input_dim;
  delete config.input_length;
  // A batch_input_shape, which Keras 1 also writes for a first layer, wins in Keras 2.
  if (dim !== null && dim !== undefined && config.batch_input_shape === undefined) config.batch_input_shape = [null, length, dim];
}

function conv2dKernelSize(config: Json): void {
  gather(config, ['nb_row', 'nb_col'], 'kernel_size');
}

const RULES: Record<string, Rule> = {
  Dense: { renames: [['output_dim', 'units'], ...KERNEL_AND_BIAS] },
  Dropout: { renames: [['p', 'rate']] },
  GaussianDropout: { renames: [['p', 'rate']] },
  GaussianNoise: { renames: [['sigma', 'stddev']] },
  SpatialDropout1D: { renames: [['p', 'rate']] },
  SpatialDropout2D: { renames: [['p', 'rate'], ...DIM_ORDERING] },
  SpatialDropout3D: { renames: [['p', 'rate'], ...DIM_ORDERING] },
  PReLU: { renames: [['init', 'alpha_initializer']] },
  Embedding: {
    renames: [
      ['init', 'embeddings_initializer'],
      ['W_regularizer', 'embeddings_regularizer'],
      ['W_constraint', 'embeddings_constraint'],
    ],
    pre(config, ctx, name) {
      if (!('dropout' in config)) return;
      if (config.dropout) ctx.warn(`Embedding '${name}': Keras 1's dropout=${String(config.dropout)} is dropped (Keras 2 no longer has it; a SpatialDropout1D after the layer does the same)`);
      delete config.dropout;
    },
  },
  MaxPooling1D: { renames: POOLING_1D },
  AveragePooling1D: { renames: POOLING_1D },
  MaxPooling2D: { renames: POOLING_ND },
  AveragePooling2D: { renames: POOLING_ND },
  MaxPooling3D: { renames: POOLING_ND },
  AveragePooling3D: { renames: POOLING_ND },
  GlobalMaxPooling2D: { renames: DIM_ORDERING },
  GlobalAveragePooling2D: { renames: DIM_ORDERING },
  GlobalMaxPooling3D: { renames: DIM_ORDERING },
  GlobalAveragePooling3D: { renames: DIM_ORDERING },
  UpSampling1D: { renames: [['length', 'size']] },
  UpSampling2D: { renames: DIM_ORDERING },
  UpSampling3D: { renames: DIM_ORDERING },
  ZeroPadding3D: { renames: DIM_ORDERING },
  Cropping2D: { renames: DIM_ORDERING },
  Cropping3D: { renames: DIM_ORDERING },
  ZeroPadding2D: {
    renames: DIM_ORDERING,
    pre(config) {
      const p = config.padding;
      if (p && typeof p === 'object' && !Array.isArray(p)) {
        const d = p as Json;
        config.padding = [
          [d.top_pad ?? 0, d.bottom_pad ?? 0],
          [d.left_pad ?? 0, d.right_pad ?? 0],
        ];
      } else if (Array.isArray(p) && p.length === 4 && p.every((x) => typeof x === 'number')) {
        // Keras 1's (top, bottom, left, right).
        config.padding = [
          [p[0], p[1]],
          [p[2], p[3]],
        ];
      }
    },
  },
  Conv1D: {
    renames: [['nb_filter', 'filters'], ['filter_length', 'kernel_size'], ['subsample_length', 'strides'], ['border_mode', 'padding'], ...KERNEL_AND_BIAS],
    pre: inputDimToShape,
  },
  Conv2D: { renames: CONV_ND, pre: conv2dKernelSize },
  Conv2DTranspose: {
    renames: CONV_ND,
    pre(config) {
      delete config.output_shape; // Keras 2 computes it
      conv2dKernelSize(config);
    },
  },
  SeparableConv2D: {
    renames: [['nb_filter', 'filters'], ['subsample', 'strides'], ['border_mode', 'padding'], ...DIM_ORDERING, ['b_regularizer', 'bias_regularizer'], ['b_constraint', 'bias_constraint'], ['bias', 'use_bias']],
    pre(config) {
      if ('init' in config) {
        config.depthwise_initializer = config.init;
        config.pointwise_initializer = config.init;
        delete config.init;
      }
      conv2dKernelSize(config);
    },
  },
  Conv3D: { renames: CONV_ND, pre: (config) => gather(config, ['kernel_dim1', 'kernel_dim2', 'kernel_dim3'], 'kernel_size') },
  BatchNormalization: {
    renames: [
      ['beta_init', 'beta_initializer'],
      ['gamma_init', 'gamma_initializer'],
    ],
    pre(config, ctx, name) {
      if (!('mode' in config)) return;
      if (config.mode !== 0) {
        throw new ModelFileError('unsupported', `BatchNormalization mode=${String(config.mode)} of Keras 1 no longer exists (Keras 2 and Tessera support mode 0 only)`, {
          file: ctx.file,
          layer: name,
          expected: 'mode 0',
          found: `mode ${String(config.mode)}`,
        });
      }
      delete config.mode;
    },
  },
  InputLayer: { renames: [['input_dtype', 'dtype']] },
  SimpleRNN: { renames: RECURRENT, pre: recurrentPre },
  GRU: { renames: RECURRENT, pre: recurrentPre },
  LSTM: { renames: RECURRENT, pre: recurrentPre },
};

function recurrentPre(config: Json, ctx: Keras1Context, name: string): void {
  if ('forget_bias_init' in config) {
    if (config.forget_bias_init === 'one') config.unit_forget_bias = true;
    else ctx.warn(`layer '${name}': Keras 1's forget_bias_init=${JSON.stringify(config.forget_bias_init)} is ignored (Keras 2 has unit_forget_bias only)`);
    delete config.forget_bias_init;
  }
  const consume = { cpu: 0, mem: 1, gpu: 2 } as Record<string, number>;
  if (typeof config.consume_less === 'string' && config.consume_less in consume) config.consume_less = consume[config.consume_less];
  inputDimToShape(config);
}

/** Keras 1's merge modes and the Keras 2 layers that compute them. */
const MERGE_MODES: Record<string, string> = { sum: 'Add', mul: 'Multiply', concat: 'Concatenate', ave: 'Average', max: 'Maximum', dot: 'Dot' };

/** Keras 1's `Merge` inside a functional model: the Keras 2 merge layer of its mode. */
function mergeLayer(config: Json, ctx: Keras1Context): TranslatedLayer {
  const name = typeof config.name === 'string' ? config.name : undefined;
  const fail = (what: string, found: string) =>
    new ModelFileError('unsupported', `Keras 1 Merge: ${what}`, { file: ctx.file, layer: name, expected: `mode one of ${Object.keys(MERGE_MODES).join(', ')}`, found });
  if (Array.isArray(config.layers) && config.layers.length > 0) {
    throw new ModelFileError('unsupported', 'a Merge of models can only be the first layer of a Sequential', { file: ctx.file, layer: name });
  }
  if (config.mode_type !== undefined && config.mode_type !== 'raw') throw fail('a mode given as Python code cannot be loaded', String(config.mode_type));
  const mode = String(config.mode ?? 'sum');
  const className = MERGE_MODES[mode];
  if (!className) throw fail(`mode '${mode}' has no Keras 2 layer`, mode);
  const out: Json = { name: config.name, trainable: config.trainable ?? true };
  if (mode === 'concat') out.axis = config.concat_axis ?? -1;
  if (mode === 'dot') out.axes = config.dot_axes ?? -1;
  return { className, config: out };
}

/** Keras 1's serialized regularizer (`{name: 'L1L2Regularizer', l1, l2}`) as Keras 2's `{class_name, config}`. */
function regularizer(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const v = value as Json;
  if ('class_name' in v || typeof v.name !== 'string') return value;
  if (v.name === 'L1L2Regularizer' || v.name === 'ActivityRegularizer') return { class_name: 'L1L2', config: { l1: Number(v.l1 ?? 0), l2: Number(v.l2 ?? 0) } };
  return { class_name: v.name, config: Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'name')) };
}

/**
 * A layer's `{class_name, config}` with Keras 1 arguments in their Keras 2 form, as Keras 2
 * reads them (`keras/legacy/interfaces.py`); any other config is returned unchanged.
 * @throws ModelFileError for what Keras 2 refuses too (BatchNormalization mode 1 or 2, a
 *   Merge of Python code) or for an argument given in both spellings.
 * @example
 * ```ts
 * keras1LayerConfig('Convolution2D', { name: 'c', nb_filter: 32, nb_row: 3, nb_col: 3, border_mode: 'same', dim_ordering: 'th' }, ctx);
 * // {className: 'Conv2D', config: {name: 'c', filters: 32, kernel_size: [3, 3], padding: 'same', data_format: 'channels_first'}}
 * ```
 */
export function keras1LayerConfig(className: string, config: Json, ctx: Keras1Context): TranslatedLayer {
  if (className === 'Merge') return mergeLayer(config, ctx);
  const cls = CLASS_NAMES[className] ?? className;
  const rule = RULES[cls];
  if (!rule && cls === className) return { className, config };
  const name = typeof config.name === 'string' ? config.name : '';
  const out: Json = { ...config };
  if (className === 'AtrousConvolution1D' || className === 'AtrousConvolution2D') {
    // Keras 2's legacy AtrousConvolution*D build Conv*D with dilation_rate = atrous_rate.
    out.dilation_rate = out.atrous_rate ?? 1;
    delete out.atrous_rate;
  }
  if (rule) {
    rule.pre?.(out, ctx, name);
    for (const [from, to] of rule.renames) {
      if (!(from in out)) continue;
      if (to in out) {
        throw new ModelFileError('bad_config', `${className}: the config holds both Keras 1's '${from}' and Keras 2's '${to}'`, { file: ctx.file, layer: name || undefined });
      }
      let value = out[from];
      delete out[from];
      if (from === 'dim_ordering' && typeof value === 'string' && value in DATA_FORMATS) value = DATA_FORMATS[value];
      if (from === 'init' && typeof value === 'string') value = INITIALIZERS[value] ?? value;
      if (from.endsWith('_regularizer')) value = regularizer(value);
      out[to] = value;
    }
  }
  for (const key of ['beta_initializer', 'gamma_initializer', 'alpha_initializer', 'recurrent_initializer', 'embeddings_initializer', 'depthwise_initializer', 'pointwise_initializer']) {
    if (typeof out[key] === 'string') out[key] = INITIALIZERS[out[key] as string] ?? out[key];
  }
  for (const key of ['activity_regularizer', 'gamma_regularizer', 'beta_regularizer', 'depthwise_regularizer', 'pointwise_regularizer']) {
    if (key in out) out[key] = regularizer(out[key]);
  }
  return { className: cls, config: out };
}

/** A functional model config being assembled from a Keras 1 Sequential. */
interface GraphSpec {
  layers: Json[];
  inputs: [string, number, number][];
  names: Set<string>;
}

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The layer list of a Sequential config: Keras 1's bare list, or Keras 2's `{layers}`. */
function sequentialLayers(config: unknown): unknown[] | undefined {
  return Array.isArray(config) ? config : isJson(config) && Array.isArray(config.layers) ? config.layers : undefined;
}

/**
 * Adds the layers of a Keras 1 Sequential (whose first layer may be a Merge of Sequentials)
 * to a functional graph; returns the reference of its output tensor.
 */
function chain(specs: unknown[], graph: GraphSpec, ctx: Keras1Context): [string, number, number] {
  const bad = (message: string, layer?: string) => new ModelFileError('unsupported', message, { file: ctx.file, layer });
  let previous: [string, number, number][];
  let rest = specs;
  const first = specs[0];
  if (!isJson(first) || !isJson(first.config)) throw bad('a Sequential layer entry must be {class_name, config}');
  if (first.class_name === 'Merge' && Array.isArray(first.config.layers)) {
    const { layers, ...mergeConfig } = first.config;
    const mergeName = String(mergeConfig.name);
    const branches = (layers as unknown[]).map((b) => {
      const inner = isJson(b) && b.class_name === 'Sequential' ? sequentialLayers(b.config) : undefined;
      if (!inner || inner.length === 0) throw bad(`Keras 1 Merge '${mergeName}': only Sequential models can be merged in a Sequential`, mergeName);
      return chain(inner, graph, ctx);
    });
    add(graph, 'Merge', mergeConfig, [branches], ctx);
    previous = [[String(mergeConfig.name), 0, 0]];
    rest = specs.slice(1);
  } else {
    const shape = first.config.batch_input_shape;
    const name = String(first.config.name);
    if (!Array.isArray(shape)) throw bad(`the first layer of a merged Keras 1 Sequential has no batch_input_shape, so its input is unknown`, name);
    const input = `${name}_input`; // Keras 1 names a Sequential's implicit input so
    add(graph, 'InputLayer', { name: input, batch_input_shape: shape, sparse: false }, [], ctx);
    graph.inputs.push([input, 0, 0]);
    previous = [[input, 0, 0]];
  }
  for (const spec of rest) {
    if (!isJson(spec) || typeof spec.class_name !== 'string' || !isJson(spec.config)) throw bad('a Sequential layer entry must be {class_name, config}');
    const config = { ...spec.config };
    delete config.batch_input_shape;
    add(graph, spec.class_name, config, [previous], ctx);
    previous = [[String(config.name), 0, 0]];
  }
  return previous[0];
}

function add(graph: GraphSpec, className: string, config: Json, inbound: [string, number, number][][], ctx: Keras1Context): void {
  const name = String(config.name);
  if (graph.names.has(name)) {
    throw new ModelFileError('unsupported', `layer '${name}' appears twice in the merged Keras 1 Sequential (shared layers are not supported there)`, { file: ctx.file, layer: name });
  }
  graph.names.add(name);
  graph.layers.push({ name, class_name: className, config, inbound_nodes: inbound });
}

/**
 * A Keras 1 Sequential that starts with `Merge([model_a, model_b], mode)` as the functional
 * model it computes: one input per merged Sequential, their layers, the merge layer of the
 * mode, then the rest of the stack. The layers with weights come in Keras 1's
 * `flattened_layers` order (each merged model's layers, then the rest), the order its weight
 * files hold them in. Any other config: undefined.
 * @throws ModelFileError for a merge of something other than Sequentials, or shared layers.
 */
export function keras1MergedSequential(config: unknown, ctx: Keras1Context): Json | undefined {
  const specs = sequentialLayers(config);
  const first = specs?.[0];
  if (!specs || !isJson(first) || first.class_name !== 'Merge' || !isJson(first.config) || !Array.isArray(first.config.layers)) return undefined;
  const graph: GraphSpec = { layers: [], inputs: [], names: new Set() };
  const output = chain(specs, graph, ctx);
  const name = isJson(config) && typeof config.name === 'string' ? config.name : undefined;
  return { ...(name ? { name } : {}), layers: graph.layers, input_layers: graph.inputs, output_layers: [output] };
}
