import { readFileSync } from 'node:fs';
import type { DataSpec } from './data.js';
import { ScaleError } from './errors.js';

/** The data description of `--data`. */
export function parseData(text: string): DataSpec {
  const m = /^(mnist|fashion_mnist|idx|cifar10):(.+)$/.exec(text);
  if (m) return { kind: m[1] as 'mnist', source: m[2] };
  if (text.endsWith('.json')) return JSON.parse(readFileSync(text, 'utf8')) as DataSpec;
  throw new ScaleError('bad_spec', `--data: expected mnist:PATH, fashion_mnist:PATH, cifar10:PATH or a .json data description but got '${text}'`);
}
