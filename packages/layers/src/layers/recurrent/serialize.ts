import type { Layer } from '../../engine/layer.js';

/** A nested layer as Keras 3 serializes it inside a wrapper's config (`layer`, `cell`, `cells`). */
export function serializeNested(layer: Layer): Record<string, unknown> {
  return { module: 'keras.layers', class_name: layer.className, config: layer.getConfig(), registered_name: null };
}
