import type { Model } from '@tessera/layers';
import { dispose } from '@tessera/tensor';
import { fromWire, type WireTensor } from './protocol.js';

/**
 * Puts weights (in `model.getWeights()` order) and optimizer state (`optimizer.getWeights()`,
 * its slots created first when they do not exist yet) into a model; either list may be empty.
 */
export function restoreWeights(model: Model, weights: readonly WireTensor[], optimizer: readonly WireTensor[] = []): void {
  if (weights.length > 0) {
    const ts = weights.map(fromWire);
    try {
      model.setWeights(ts);
    } finally {
      dispose(ts);
    }
  }
  if (optimizer.length > 0 && model.compiled) {
    const opt = model.compiled.optimizer;
    if (optimizer.length > opt.weightNames().length) opt.build(model.trainableWeights);
    const ts = optimizer.map(fromWire);
    try {
      opt.setWeights(ts);
    } finally {
      dispose(ts);
    }
  }
}
