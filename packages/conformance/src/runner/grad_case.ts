import { expect } from 'vitest';
import { dispose, grads, memory, mul, sum, tensor, type Tensor } from '@tessera/tensor';
import type { GradCase } from '../cases/types.js';
import type { RefTensor } from '../reference/index.js';
import { assertClose } from './compare.js';
import { caseKey, gradTolerance, type CaseContext } from './context.js';
import { finiteDifferences } from './finite_diff.js';
import { drawValues, makeInputs } from './inputs.js';
import { expectNoLeak, snapshot } from './memory.js';
import { seedOf } from './rng.js';

/**
 * Runs one gradient case: `grads()` of `sum(op(...xs) * w)` for a fixed random `w`
 * against float64 central differences of the same objective on the reference.
 * Also checks that `grads()` returns one distinct tensor per source and leaves
 * nothing else behind.
 */
export async function runGradCase(c: GradCase, ctx: CaseContext): Promise<void> {
  const before = snapshot(ctx.backend);
  const key = caseKey(ctx, c.name);
  const { tensors, refs } = makeInputs(c.inputs, key);
  const wrt = c.wrt ?? tensors.flatMap((t, i) => (t.dtype === 'float32' ? [i] : []));
  const outShape = c.ref(...refs).shape;
  const w = drawValues({ shape: outShape, range: [-1, 1] }, seedOf(`${key}#w`));
  const wTensor = tensor(w, outShape, 'float32');
  try {
    const withInputs = memory().numTensors;
    const objective = (...xs: Tensor[]) => {
      const all = [...tensors];
      wrt.forEach((i, j) => (all[i] = xs[j]));
      return sum(mul(c.op(...all), wTensor));
    };
    const gs = grads(objective)(wrt.map((i) => tensors[i]));
    try {
      expect(gs.length, 'one gradient per source').toBe(wrt.length);
      expect(new Set(gs).size, 'every gradient is its own tensor (no two sources share a handle)').toBe(gs.length);
      expect(memory().numTensors, 'grads() leaves only the gradients behind').toBe(withInputs + gs.length);
      const reference = (xs: RefTensor[]) => c.ref(...xs).values.reduce((s, v, i) => s + v * w[i], 0);
      for (let j = 0; j < wrt.length; j++) {
        const source = tensors[wrt[j]];
        expect([...gs[j].shape], `shape of the gradient of input ${wrt[j]}`).toEqual([...source.shape]);
        expect(gs[j].dtype, `dtype of the gradient of input ${wrt[j]}`).toBe('float32');
        const numeric = finiteDifferences(reference, refs, wrt[j]);
        assertClose(await gs[j].data(), numeric, gradTolerance(ctx, c.tolerance), false, `gradient of input ${wrt[j]}`);
      }
    } finally {
      dispose(gs);
    }
  } finally {
    dispose([...tensors, wTensor]);
  }
  expectNoLeak(before, ctx.backend, 'after disposing inputs and gradients');
}
