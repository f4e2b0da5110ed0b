import { gather, randomFloat, slice, tensor, ValueError, type Tensor } from '@tessera/tensor';
import type { Data } from '../engine/model.js';

/** One tensor or a list, as a list. */
export function asList(x: Data, what: string, model: string): Tensor[] {
  const list = Array.isArray(x) ? x : [x];
  if (list.length === 0) throw new ValueError(`${model}: ${what} is empty`);
  for (const [i, t] of list.entries()) {
    if (!t || typeof (t as Tensor).shape !== 'object') {
      throw new ValueError(`${model}: ${what}${list.length > 1 ? `[${i}]` : ''} must be a Tensor but got ${typeof t}`);
    }
  }
  return list;
}

/** Checks that every array has the same number of samples; returns it. */
export function sampleCount(groups: Record<string, Tensor[]>, model: string): number {
  let n: number | undefined;
  let first = '';
  for (const [name, list] of Object.entries(groups)) {
    list.forEach((t, i) => {
      const label = list.length > 1 ? `${name}[${i}]` : name;
      if (t.rank === 0) throw new ValueError(`${model}: ${label} is a scalar; expected a batch of samples`);
      if (n === undefined) {
        n = t.shape[0];
        first = label;
      } else if (t.shape[0] !== n) {
        throw new ValueError(`${model}: ${first} has ${n} samples but ${label} has ${t.shape[0]}; they must match`);
      }
    });
  }
  return n ?? 0;
}

/** Rows `[start, end)` of each tensor (views are cheap: slice copies only the batch). */
export function sliceRows(list: Tensor[], start: number, end: number): Tensor[] {
  return list.map((t) => slice(t, [start], [end - start]));
}

/** The rows at `indices` of each tensor. */
export function gatherRows(list: Tensor[], indices: Int32Array): Tensor[] {
  const idx = tensor(indices, [indices.length], 'int32');
  const out = list.map((t) => gather(t, idx, 0));
  idx.dispose();
  return out;
}

/** A random permutation of `0..n-1` (Fisher-Yates). */
export function permutation(n: number, random: () => number = randomFloat): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Lets pending events (Ctrl-C, UI) run between batches. */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (g.setImmediate) return new Promise((resolve) => g.setImmediate!(resolve));
  return new Promise((resolve) => setTimeout(resolve, 0));
}
