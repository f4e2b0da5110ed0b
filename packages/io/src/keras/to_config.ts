import * as tl from '@tessera/layers';
import { InputLayer, Model, Sequential, type Layer, type LayerShape, type Node, type SymbolicTensor } from '@tessera/layers';
import { isKerasOperation, type KerasOperation } from './keras_operation.js';
import { implicitMaskGraph, maskedGraph, type MaskedGraph } from './mask_graph.js';
import { compileConfig } from './training.js';

type Json = Record<string, unknown>;

const MODULES: Record<string, string> = { _initializer: 'keras.initializers', _regularizer: 'keras.regularizers', _constraint: 'keras.constraints' };

/** Adds Keras 3's `module` and `registered_name` to nested initializers and regularizers. */
export function kerasifyConfig(config: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(config)) {
    const suffix = Object.keys(MODULES).find((s) => key.endsWith(s));
    if (suffix && value && typeof value === 'object' && !Array.isArray(value) && 'class_name' in value) {
      const v = value as Json;
      out[key] = { module: MODULES[suffix], class_name: v.class_name, config: v.config ?? {}, registered_name: null };
    } else if (NESTED_LAYER_KEYS.has(key)) {
      out[key] = Array.isArray(value) ? value.map(kerasifyNested) : kerasifyNested(value);
    } else out[key] = value;
  }
  return out;
}

/** Keys under which wrappers nest layers (Bidirectional, TimeDistributed, RNN, StackedRNNCells). */
const NESTED_LAYER_KEYS = new Set(['layer', 'backward_layer', 'cell', 'cells']);

/** A nested `{class_name, config}` layer spec, its config kerasified too. */
function kerasifyNested(spec: unknown): unknown {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return spec;
  const s = spec as Json;
  if (typeof s.class_name !== 'string' || !s.config || typeof s.config !== 'object') return spec;
  return { ...s, config: kerasifyConfig(s.config as Json) };
}

/** True for the layer classes @tessera/layers exports (serialized under `keras.layers`). */
function isBuiltIn(layer: Layer): boolean {
  return Object.values(tl).includes(layer.constructor as never);
}

function inputShapeOf(layer: Layer): LayerShape | LayerShape[] | null {
  const node = layer.inboundNodes.find((n) => n.inputs.length > 0);
  if (!node) return null;
  const shapes = node.inputs.map((i) => [...i.shape]);
  // A recurrent layer is built for its sequence; its initial states are call arguments.
  return shapes.length === 1 || layer.statesAsInputs ? shapes[0] : shapes;
}

function nodeIndex(t: SymbolicTensor): number {
  return t.sourceLayer.inboundNodes.indexOf(t.node);
}

function kerasTensor(t: SymbolicTensor): Json {
  return {
    class_name: '__keras_tensor__',
    config: { shape: [...t.shape], dtype: 'float32', keras_history: [t.sourceLayer.name, nodeIndex(t), t.node.outputs.indexOf(t)] },
  };
}

/**
 * One call in Keras 3's `{args, kwargs}` form; a recurrent layer's extra inputs are its
 * `initial_state` keyword argument, and an explicit mask its `mask`, as Keras writes them.
 */
function nodeArgs3(n: Node, masks?: MaskedGraph['masks']): Json {
  if (isKerasOperation(n.layer)) return operationArgs(n, n.layer);
  const kwargs: Json = {};
  const mask = masks?.get(n);
  if (mask !== undefined) kwargs.mask = Array.isArray(mask) ? mask.map((m) => (m ? kerasTensor(m) : null)) : kerasTensor(mask);
  if (n.layer.statesAsInputs && n.inputs.length > 1) {
    return { args: [kerasTensor(n.inputs[0])], kwargs: { initial_state: n.inputs.slice(1).map(kerasTensor), ...kwargs } };
  }
  return { args: n.inputs.length === 1 ? [kerasTensor(n.inputs[0])] : [n.inputs.map(kerasTensor)], kwargs };
}

/** An op node's call as Keras recorded it: its constants, the node's inputs in the tensor slots. */
function operationArgs(n: Node, op: KerasOperation): Json {
  const fill = (a: unknown): unknown => {
    if (Array.isArray(a)) return a.map(fill);
    if (a !== null && typeof a === 'object' && 'tensor' in a) return kerasTensor(n.inputs[(a as { tensor: number }).tensor]);
    return a;
  };
  return { args: op.callArgs.map(fill), kwargs: { ...op.callKwargs } };
}

/** Whether Keras 2's list form can say what a call takes (no constants, states or masks). */
function listFormFits(n: Node, masks: MaskedGraph['masks']): boolean {
  return !isKerasOperation(n.layer) && !(n.layer.statesAsInputs && n.inputs.length > 1) && !masks.has(n);
}

function sequentialConfig3(model: Sequential): Json {
  const input = model.inputs[0]?.sourceLayer;
  const layers: Json[] = [];
  if (input instanceof InputLayer) layers.push(layerEntry3(input));
  layers.push(...model.layers.map(layerEntry3));
  const config: Json = { name: model.name, trainable: model.trainable, dtype: 'float32', layers };
  if (input) config.build_input_shape = [...input.batchInputShape!];
  return config;
}

function functionalConfig3(model: Model): Json {
  const ref = (t: SymbolicTensor) => [t.sourceLayer.name, nodeIndex(t), t.node.outputs.indexOf(t)];
  const graph = maskedGraph(model);
  return {
    name: model.name,
    trainable: model.trainable,
    layers: graph.operations.map((l) => ({
      ...layerEntry3(l),
      name: l.name,
      inbound_nodes: graph.nodes.filter((n) => n.layer === l && n.inputs.length > 0).map((n) => nodeArgs3(n, graph.masks)),
    })),
    // Keras 3 writes a single input or output as one reference, not a list of one: a list
    // makes Keras warn on every call that the input structure does not match.
    input_layers: model.inputs.length === 1 ? ref(model.inputs[0]) : model.inputs.map(ref),
    output_layers: model.outputs.length === 1 ? ref(model.outputs[0]) : model.outputs.map(ref),
  };
}

/** Keras layers without a `build` of their own: Keras writes no `build_config` for them. */
const NO_BUILD = new Set(['Dropout', 'Activation']);

/** One layer as Keras 3 serializes it in `config.json`. */
function layerEntry3(layer: Layer): Json {
  if (layer instanceof Model) return modelEntry3(layer);
  // An op node: Keras writes its module and class, its config and no build_config.
  if (isKerasOperation(layer)) return { module: layer.module, class_name: layer.className, config: layer.getConfig(), registered_name: layer.className };
  const builtIn = isBuiltIn(layer);
  const entry: Json = {
    module: builtIn ? 'keras.layers' : null,
    class_name: layer.className,
    config: kerasifyConfig(layer.getConfig()),
    registered_name: builtIn ? null : layer.className,
  };
  if (!(layer instanceof InputLayer) && !NO_BUILD.has(layer.className)) {
    const shape = inputShapeOf(layer);
    if (shape) entry.build_config = { input_shape: shape };
  }
  return entry;
}

function modelEntry3(model: Model): Json {
  if (model instanceof Sequential) {
    const input = model.inputs[0];
    return {
      module: 'keras',
      class_name: 'Sequential',
      config: sequentialConfig3(model),
      registered_name: null,
      build_config: { input_shape: input ? [...input.shape] : null },
    };
  }
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: functionalConfig3(model),
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
}

/**
 * The `config.json` of a `.keras` file: the model as Keras 3 serializes it
 * (`{module, class_name, config, registered_name, build_config, compile_config}`).
 */
export function kerasConfigJson(model: Model, withCompile: boolean): Json {
  const entry = modelEntry3(model);
  if (withCompile && model.compiled) entry.compile_config = compileConfig(model);
  return entry;
}

function legacyLayerConfig(layer: Layer): Json {
  if (layer instanceof Model) return legacyModelConfig(layer).config as Json;
  return kerasifyConfig(layer.getConfig());
}

/**
 * The `model_config` of a legacy `.h5` file as Keras 3 writes it: `{class_name, config}`
 * with Keras 2-style inbound nodes (`[[name, node, tensor, {}]]`), which every Keras reads.
 */
export function legacyModelConfig(model: Model): Json {
  if (model instanceof Sequential) {
    const input = model.inputs[0]?.sourceLayer;
    const layers: Json[] = [];
    if (input instanceof InputLayer) layers.push({ class_name: 'InputLayer', config: input.getConfig() });
    layers.push(...model.layers.map((l) => ({ class_name: l.className, config: legacyLayerConfig(l) })));
    const config: Json = { name: model.name, trainable: model.trainable, dtype: 'float32', layers };
    if (input) config.build_input_shape = [...input.batchInputShape!];
    return { class_name: 'Sequential', config };
  }
  const graph = implicitMaskGraph(model);
  const ref = (t: SymbolicTensor) => [t.sourceLayer.name, nodeIndex(t), t.node.outputs.indexOf(t)];
  const layers = graph.operations.map((layer) => {
    const nodes = graph.nodes.filter((n) => n.layer === layer && n.inputs.length > 0);
    // Keras 2's list form cannot say which inputs are initial states, nor give masks or an op's
    // constants; Keras 3 writes these calls as {args, kwargs}.
    const inbound = nodes.every((n) => listFormFits(n, graph.masks)) ? nodes.map((n) => n.inputs.map((s) => [...ref(s), {}])) : nodes.map((n) => nodeArgs3(n, graph.masks));
    return { class_name: layer.className, config: isKerasOperation(layer) ? layer.getConfig() : legacyLayerConfig(layer), name: layer.name, inbound_nodes: inbound };
  });
  const config = { name: model.name, trainable: model.trainable, layers, input_layers: model.inputs.map(ref), output_layers: model.outputs.map(ref) };
  return { class_name: model.className, config };
}
