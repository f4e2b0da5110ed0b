// Keras 3 functional configs list, beside the layers, the tensor ops a model calls outside
// layers: the mask computations of Embedding(mask_zero), Masking and the merge layers
// (`keras.src.ops.numpy` NotEqual, Any, LogicalOr, ...). Each entry has exactly one call.
import { KERAS_OPERATIONS, kerasOperation, type KerasOperation } from './keras_operation.js';
import type { ModelFileError } from '../errors.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether a functional config entry is a Keras op node rather than a layer: by its module, or
 * in a legacy `.h5` (whose entries have none) by a known op name with a config that lacks the
 * `trainable` every Keras 3 layer writes (the Concatenate op beside the Concatenate layer).
 */
export function isOperationEntry(spec: unknown): spec is Json {
  if (!isObject(spec)) return false;
  if (typeof spec.module === 'string') return spec.module.startsWith('keras.src.ops.');
  // Keras 3 only ({args, kwargs} nodes): Keras 2 had no op nodes, and wrote layers without `trainable` too.
  const keras3Node = Array.isArray(spec.inbound_nodes) && isObject(spec.inbound_nodes[0]) && Array.isArray(spec.inbound_nodes[0].args);
  return keras3Node && KERAS_OPERATIONS.includes(String(spec.class_name)) && isObject(spec.config) && !('trainable' in spec.config);
}

/**
 * The op node of a config entry, its constants taken from its one `{args, kwargs}` call.
 * @param unsupported - the error for an op Tessera does not compute.
 * @param bad - the error for a malformed entry.
 */
export function operationFromEntry(
  spec: Json,
  unsupported: (message: string, name: string) => ModelFileError,
  bad: (message: string, name: string) => ModelFileError,
): KerasOperation {
  const className = String(spec.class_name);
  const config = isObject(spec.config) ? spec.config : {};
  const name = typeof spec.name === 'string' ? spec.name : typeof config.name === 'string' ? config.name : className;
  if (!KERAS_OPERATIONS.includes(className)) {
    throw unsupported(
      `the functional model calls the Keras operation ${className} (${String(spec.module)}) as node '${name}', which Tessera does not compute; ` +
        `it computes the ops of Keras's mask computations: ${KERAS_OPERATIONS.join(', ')}`,
      name,
    );
  }
  const nodes = spec.inbound_nodes;
  if (!Array.isArray(nodes) || nodes.length !== 1 || !isObject(nodes[0]) || !Array.isArray(nodes[0].args)) {
    throw bad(`the Keras operation node '${name}' (${className}) must have one inbound node {args, kwargs}`, name);
  }
  const call = nodes[0];
  try {
    return kerasOperation(className, { ...config, name }, call.args as unknown[], isObject(call.kwargs) ? call.kwargs : {});
  } catch (e) {
    throw unsupported(`the Keras operation node '${name}' (${className}): ${(e as Error).message}`, name);
  }
}
