import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, type Tensor } from '@tessera/tensor';
import { parseNpy } from '../src/npy.js';

const here = fileURLToPath(new URL('.', import.meta.url));
/** The repository root (packages/io/test -> ../../..). */
export const repoRoot = resolve(here, '../../..');
/** Keras-written models shared beside the repository (never copied into it). */
export const kerasModels = resolve(repoRoot, '../shared/keras-models');
export const haveKerasModels = existsSync(resolve(kerasModels, 'README.md'));
export const skipReason = `skipped: ${kerasModels} is absent (Keras-written model files live in ../shared/keras-models)`;

export function sharedFile(name: string): string {
  return resolve(kerasModels, name);
}

/** A .npy file as a float32 tensor. */
export function npyTensor(path: string): Tensor {
  const a = parseNpy(new Uint8Array(readFileSync(path)), path);
  return tensor(Float32Array.from(a.data as ArrayLike<number>), a.shape, 'float32');
}

/** Largest absolute difference between two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}
