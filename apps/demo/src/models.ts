/**
 * The models the demo offers, as in the tutorials: Keras's MNIST MLP and the small CNN, plus a
 * two-block CNN for harder data (Fashion-MNIST, CIFAR-10), and Keras's sequence tutorial, an LSTM
 * that reads each image row by row. Layer sizes are editable.
 */
import { Conv2D, Dense, Dropout, Flatten, LSTM, MaxPooling2D, Reshape, Sequential, type Layer } from '@tessera/layers';

export type ModelKind = 'mlp' | 'cnn' | 'cnn2' | 'lstm';

export interface ModelSpec {
  kind: ModelKind;
  /** MLP: the hidden layers' units, e.g. `[512, 512]`. */
  hidden: number[];
  /** CNNs: filters of the first conv layer (the second block has twice as many). */
  filters: number;
  /** CNNs: the square kernel size of the conv layers. */
  kernelSize: number;
  /** CNNs: units of the dense layer before the classifier. */
  denseUnits: number;
  /** LSTM: the recurrent layer's units. */
  rnnUnits: number;
  /** Dropout rate after hidden layers (0 for none). */
  dropout: number;
}

export const MODEL_TITLES: Record<ModelKind, string> = {
  mlp: 'MLP: Flatten, Dense(relu) x n, Dense(softmax)',
  cnn: 'CNN: Conv2D, MaxPool, Dense, Dense(softmax)',
  cnn2: 'CNN, two blocks: (Conv2D, Conv2D, MaxPool) x 2, Dense, Dense(softmax)',
  lstm: 'LSTM on image rows: each image is a sequence of rows (28 steps of 28 pixels on MNIST), LSTM, Dense(softmax)',
};

export const DEFAULT_SPECS: Record<ModelKind, ModelSpec> = {
  mlp: { kind: 'mlp', hidden: [512, 512], filters: 32, kernelSize: 5, denseUnits: 128, rnnUnits: 128, dropout: 0.2 },
  cnn: { kind: 'cnn', hidden: [512, 512], filters: 32, kernelSize: 5, denseUnits: 128, rnnUnits: 128, dropout: 0.2 },
  cnn2: { kind: 'cnn2', hidden: [512, 512], filters: 32, kernelSize: 3, denseUnits: 128, rnnUnits: 128, dropout: 0.25 },
  lstm: { kind: 'lstm', hidden: [512, 512], filters: 32, kernelSize: 5, denseUnits: 128, rnnUnits: 128, dropout: 0 },
};

/** Reads `"512, 256"` as `[512, 256]`; the error says what was expected and what was found. */
export function parseUnits(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const units = parts.map(Number);
  const bad = parts.find((p, i) => !Number.isInteger(units[i]) || units[i] < 1 || units[i] > 8192);
  if (bad !== undefined || parts.length === 0) {
    throw new Error(`hidden layers: expected a comma-separated list of whole numbers from 1 to 8192 but found ${JSON.stringify(text)}`);
  }
  return units;
}

/** Builds the Sequential model for images of `inputShape` and `classes` classes. */
export function buildModel(spec: ModelSpec, inputShape: [number, number, number], classes: number): Sequential {
  const layers: Layer[] = [];
  const dropout = () => (spec.dropout > 0 ? [new Dropout({ rate: spec.dropout })] : []);
  if (spec.kind === 'mlp') {
    layers.push(new Flatten({ inputShape }));
    for (const units of spec.hidden) layers.push(new Dense({ units, activation: 'relu' }), ...dropout());
  } else if (spec.kind === 'lstm') {
    // Each image row is a timestep whose features are the row's pixels (and channels).
    const [h, w, c] = inputShape;
    layers.push(new Reshape({ targetShape: [h, w * c], inputShape }), new LSTM({ units: spec.rnnUnits }), ...dropout());
  } else {
    const conv = (filters: number, first = false) =>
      new Conv2D({ filters, kernelSize: spec.kernelSize, activation: 'relu', padding: spec.kind === 'cnn2' ? 'same' : 'valid', ...(first ? { inputShape } : {}) });
    if (spec.kind === 'cnn') {
      layers.push(conv(spec.filters, true), new MaxPooling2D({ poolSize: 2 }));
    } else {
      layers.push(conv(spec.filters, true), conv(spec.filters), new MaxPooling2D({ poolSize: 2 }), ...dropout());
      layers.push(conv(2 * spec.filters), conv(2 * spec.filters), new MaxPooling2D({ poolSize: 2 }), ...dropout());
    }
    layers.push(new Flatten(), new Dense({ units: spec.denseUnits, activation: 'relu' }), ...dropout());
  }
  layers.push(new Dense({ units: classes, activation: 'softmax' }));
  return new Sequential(layers);
}
