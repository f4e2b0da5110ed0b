import { checkLayerConfig, InputLayer, Layer, layerFromConfig, Model, Sequential, type SymbolicMask, type SymbolicTensor, type WeightBudget } from '@tessera/layers';
import { asModelFileError, ModelFileError } from '../errors.js';
import { keras1LayerConfig, keras1MergedSequential } from './keras1_config.js';
import { isOperationEntry, operationFromEntry } from './operations.js';

/** Options of building a model from a Keras config. */
export interface BuildOptions {
  /** File name for messages. */
  file?: string;
  /** Where warnings go (default `console.warn`). */
  onWarning?: (message: string) => void;
  /**
   * Most values the model's weights may hold (a file's weights bound it; default 2^28).
   * Guards against corrupted configs asking for enormous weights.
   */
  maxValues?: number;
  /** Create zeros instead of running initializers (the file's weights replace them). */
  zeroInit?: boolean;
}

type Json = Record<string, unknown>;

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** The state of one build: context for layer factories, and every layer made (to free on failure). */
class Builder {
  readonly created: Layer[] = [];
  readonly budget: WeightBudget;

  constructor(readonly options: BuildOptions) {
    this.budget = { left: options.maxValues ?? 2 ** 28, zeros: options.zeroInit ?? false };
  }

  warn = (message: string): void => {
    (this.options.onWarning ?? ((m: string) => console.warn(m)))(message);
  };

  bad(message: string, details: { layer?: string; expected?: string; found?: string } = {}): ModelFileError {
    return new ModelFileError('bad_config', message, { file: this.options.file, ...details });
  }

  /** A layer (or nested model) from `{class_name, config}`. */
  layer(spec: unknown): Layer {
    if (!isObject(spec) || typeof spec.class_name !== 'string') {
      throw this.bad('a layer entry must be an object with a class_name', { found: brief(spec) });
    }
    if (MODEL_CLASSES.has(spec.class_name)) return this.model(spec);
    if (!isObject(spec.config)) throw this.bad(`layer ${spec.class_name} has no config object`, { found: brief(spec.config) });
    // Keras 1 arguments (nb_filter, border_mode, dim_ordering, ...) in their Keras 2 form, as Keras 2 reads them.
    const { className, config } = keras1LayerConfig(spec.class_name, spec.config, { file: this.options.file, warn: this.warn });
    const name = typeof config.name === 'string' ? config.name : undefined;
    let layer: Layer;
    try {
      checkLayerConfig(className, config);
      layer = layerFromConfig(className, config, {
        registeredName: typeof spec.registered_name === 'string' ? spec.registered_name : undefined,
        file: this.options.file,
        warn: this.warn,
        budget: this.budget,
        deserialize: (inner) => this.layer(inner),
      });
    } catch (e) {
      throw asModelFileError(e, 'bad_config', `cannot build layer ${className}`, { file: this.options.file, layer: name });
    }
    this.created.push(layer);
    return layer;
  }

  /** A Sequential or functional model from `{class_name, config}`. */
  model(spec: Json): Model {
    const className = spec.class_name as string;
    const config = spec.config;
    const buildShape = isObject(spec.build_config) ? spec.build_config.input_shape : undefined;
    if (className === 'Sequential') {
      // Keras 1's Sequential([Merge([a, b]), ...]) is a graph: it is built as the functional model it computes.
      const merged = keras1MergedSequential(config, { file: this.options.file, warn: this.warn });
      return merged ? this.functional(merged) : this.sequential(config, buildShape);
    }
    if (!isObject(config)) throw this.bad(`model ${className} has no config object`);
    return this.functional(config);
  }

  sequential(config: unknown, buildShape: unknown): Sequential {
    // Keras <= 2.1 wrote the layer list itself as the config.
    const layerSpecs = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
    if (!Array.isArray(layerSpecs)) throw this.bad('a Sequential config must list its layers', { found: brief(config) });
    if (layerSpecs.length === 0) throw this.bad('the Sequential config lists no layers: the model would be empty', { expected: 'at least one layer' });
    const name = isObject(config) && typeof config.name === 'string' ? config.name : undefined;
    const model = new Sequential(name ? { name } : {});
    layerSpecs.forEach((s, i) => {
      const layer = this.layer(s);
      try {
        if (layer instanceof InputLayer && i > 0) throw this.bad(`an InputLayer can only come first in a Sequential`, { layer: layer.name });
        model.add(layer);
      } catch (e) {
        throw asModelFileError(e, 'bad_config', `cannot add layer to the Sequential model`, { file: this.options.file, layer: layer.name });
      }
    });
    if (!model.built) {
      const shape = (isObject(config) ? config.build_input_shape : undefined) ?? buildShape;
      if (Array.isArray(shape) && shape.every((d) => d === null || Number.isInteger(d))) {
        try {
          model.build(shape as (number | null)[]);
        } catch (e) {
          throw asModelFileError(e, 'bad_config', `cannot build the Sequential model for input ${brief(shape)}`, { file: this.options.file });
        }
      }
    }
    return model;
  }

  functional(config: Json): Model {
    const specs = config.layers;
    if (!Array.isArray(specs)) throw this.bad('a functional config must list its layers');
    if (specs.length === 0) throw this.bad('the functional config lists no layers: the model would be empty', { expected: 'at least one layer' });
    const byName = new Map<string, Layer>();
    const queues = new Map<Layer, unknown[]>();
    const order: Layer[] = [];
    for (const spec of specs) {
      const layer = isOperationEntry(spec) ? this.operation(spec) : this.layer(spec);
      const entryName = isObject(spec) && typeof spec.name === 'string' ? spec.name : layer.name;
      if (byName.has(entryName)) throw this.bad(`two layers are named '${entryName}'`, { layer: entryName });
      byName.set(entryName, layer);
      order.push(layer);
      const nodes = isObject(spec) ? spec.inbound_nodes : undefined;
      if (nodes !== undefined && !Array.isArray(nodes)) throw this.bad(`inbound_nodes of '${entryName}' must be a list`, { layer: entryName });
      // An InputLayer's own node exists from construction.
      queues.set(layer, layer instanceof InputLayer ? [] : [...((nodes as unknown[]) ?? [])]);
    }
    const tensorOf = (ref: unknown, where: string): SymbolicTensor | undefined => {
      const r = parseRef(ref);
      if (!r) throw this.bad(`bad tensor reference in ${where}`, { found: brief(ref) });
      const layer = byName.get(r.layer);
      if (!layer) throw this.bad(`${where} refers to an unknown layer '${r.layer}'`, { layer: r.layer });
      const node = layer.inboundNodes[r.node];
      if (!node) return undefined; // not created yet
      const t = node.outputs[r.tensor];
      if (!t) throw this.bad(`${where} refers to output ${r.tensor} of '${r.layer}', which has ${node.outputs.length}`);
      return t;
    };
    // Apply each layer's nodes in order; a node whose inputs are not made yet waits for a later pass.
    for (;;) {
      let progress = false;
      let pending = 0;
      for (const layer of order) {
        const queue = queues.get(layer)!;
        while (queue.length > 0) {
          const refs = nodeInputs(queue[0], layer.name, (m) => this.bad(m, { layer: layer.name }));
          const tensors = refs.list.map((r) => tensorOf(r, `an inbound node of '${layer.name}'`));
          if (tensors.some((t) => t === undefined)) break;
          const maskOf = (r: unknown) => (r === null ? undefined : tensorOf(r, `the mask of '${layer.name}'`));
          const masks = refs.mask.map(maskOf);
          if (refs.mask.some((r, i) => r !== null && masks[i] === undefined)) break;
          const mask: SymbolicMask | undefined = refs.mask.length === 0 ? undefined : refs.maskList ? masks : masks[0];
          try {
            layer.apply(refs.single ? tensors[0]! : (tensors as SymbolicTensor[]), mask === undefined ? {} : { mask });
          } catch (e) {
            throw asModelFileError(e, 'bad_config', `cannot connect layer '${layer.name}'`, { file: this.options.file, layer: layer.name });
          }
          queue.shift();
          progress = true;
        }
        pending += queue.length;
      }
      if (pending === 0) break;
      if (!progress) throw this.bad(`the layer graph cannot be built: some inbound nodes refer to tensors that are never made`);
    }
    const ends = (value: unknown, what: string): SymbolicTensor[] => {
      if (!Array.isArray(value) || value.length === 0) throw this.bad(`${what} must be a non-empty list`, { found: brief(value) });
      const refs = typeof value[0] === 'string' ? [value] : value;
      return refs.map((r) => {
        const t = tensorOf(r, what);
        if (!t) throw this.bad(`${what} refers to a tensor that is never made`, { found: brief(r) });
        return t;
      });
    };
    const inputs = ends(config.input_layers, 'input_layers');
    const outputs = ends(config.output_layers, 'output_layers');
    try {
      const model = new Model({ inputs, outputs, name: typeof config.name === 'string' ? config.name : undefined });
      if (config.trainable === false) model.trainable = false;
      this.created.push(model);
      return model;
    } catch (e) {
      throw asModelFileError(e, 'bad_config', 'cannot build the functional model', { file: this.options.file });
    }
  }

  /** A Keras op node (NotEqual, Any, ... of a mask computation) from its config entry. */
  operation(spec: Json): Layer {
    const op = operationFromEntry(spec, (m, name) => new ModelFileError('unsupported', m, { file: this.options.file, layer: name }), (m, name) => this.bad(m, { layer: name }));
    this.created.push(op);
    return op;
  }

  /** Frees the weights of everything made so far (after a failure). */
  disposeAll(): void {
    for (const l of this.created) {
      try {
        l.dispose();
      } catch {
        // already freed
      }
    }
  }
}

/** `[name, node, tensor(, kwargs)]` or a Keras 3 `__keras_tensor__` as a reference. */
function parseRef(ref: unknown): { layer: string; node: number; tensor: number } | undefined {
  if (isObject(ref) && ref.class_name === '__keras_tensor__' && isObject(ref.config)) return parseRef(ref.config.keras_history);
  if (!Array.isArray(ref) || ref.length < 3) return undefined;
  const [layer, node, tensor] = ref;
  if (typeof layer !== 'string' || !Number.isInteger(node) || !Number.isInteger(tensor) || node < 0 || tensor < 0) return undefined;
  return { layer, node, tensor };
}

/**
 * The input references of one inbound node, in Keras 2's list form or Keras 3's `{args, kwargs}`,
 * with the references of its `mask` keyword argument (`null` for an input without one).
 */
function nodeInputs(node: unknown, layer: string, bad: (m: string) => ModelFileError): { list: unknown[]; single: boolean; mask: unknown[]; maskList: boolean } {
  if (Array.isArray(node)) {
    if (node.length === 0) throw bad(`an inbound node of '${layer}' is empty`);
    return { list: node, single: node.length === 1, mask: [], maskList: false };
  }
  if (isObject(node) && Array.isArray(node.args)) {
    const isTensor = (x: unknown) => isObject(x) && x.class_name === '__keras_tensor__';
    const kwargs = isObject(node.kwargs) ? node.kwargs : {};
    // A recurrent layer's initial_state keyword argument: its states follow the sequence as inputs.
    const states = Array.isArray(kwargs.initial_state) ? kwargs.initial_state.filter(isTensor) : [];
    // Keras 3 passes each layer the mask its input carries: one tensor, or a list with nulls (merge layers).
    const m = kwargs.mask;
    const maskList = Array.isArray(m);
    const mask = m === undefined || m === null ? [] : (maskList ? (m as unknown[]) : [m]).map((x) => (x === null ? null : x));
    if (mask.some((x) => x !== null && !isTensor(x))) throw bad(`the mask of an inbound node of '${layer}' is not a tensor reference`);
    const first = node.args[0];
    if (Array.isArray(first) && first.every(isTensor)) return { list: [...first, ...states], single: false, mask, maskList };
    const tensors = node.args.filter(isTensor);
    if (tensors.length === 0) throw bad(`an inbound node of '${layer}' has no input tensors`);
    return { list: [...tensors, ...states], single: tensors.length + states.length === 1, mask, maskList };
  }
  throw bad(`an inbound node of '${layer}' is neither a list nor {args, kwargs}`);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function brief(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/**
 * Builds a model from a Keras model config (`{class_name, config}`, as in `model_config`,
 * `config.json` or `model.to_json()`): Sequential (Keras 2.0's bare layer list, or
 * `{name, layers}`) or functional (Keras 2's list nodes or Keras 3's `{args, kwargs}`).
 * On failure nothing is left allocated.
 * @throws ModelFileError (`bad_config`, `unknown_layer`, `unsupported`).
 */
export function modelFromKerasConfig(spec: unknown, options: BuildOptions = {}): Model {
  const b = new Builder(options);
  try {
    if (!isObject(spec) || typeof spec.class_name !== 'string') {
      throw b.bad('the model config must be an object with class_name and config', { found: brief(spec) });
    }
    if (!MODEL_CLASSES.has(spec.class_name)) {
      throw b.bad(`the model class must be Sequential, Functional or Model`, { found: spec.class_name });
    }
    return b.model(spec);
  } catch (e) {
    b.disposeAll();
    throw asModelFileError(e, 'bad_config', 'cannot build the model', { file: options.file });
  }
}

/** Parses JSON text, turning a syntax error into a ModelFileError. */
export function parseJson(text: string, what: string, file?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFileError('bad_config', `${what} is not valid JSON: ${(e as Error).message}`, { file });
  }
}
