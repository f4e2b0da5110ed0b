// describeLayer: one layer through everything a layer must do (Keras's `run_layer_test`):
// build and call (output shape = computeOutputShape, eagerly and symbolically), config round
// trip through layerFromConfig (same config, same outputs), weights round trip, a finite-difference
// gradient check with respect to inputs and trainable weights, and no leaked tensors. Runs on the
// active backend; `runOnBackend` gives the values one backend computes, for CPU-vs-WebGPU tests.
import {
  concat,
  dispose,
  memory,
  mul,
  Prng,
  reshape,
  sum,
  tensor,
  tidy,
  valueAndGrads,
  type Tensor,
} from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { Input, layerFromConfig, type Layer, type LayerShape, type SymbolicTensor } from '../src/index.js';

/** One layer under test. */
export interface LayerSpec {
  /** Test title (default: the class name of the layer `make` returns). */
  readonly name?: string;
  /** A new layer (unbuilt) on every call. */
  readonly make: () => Layer;
  /** Input shapes with the batch axis: one for a single input, several for a layer that takes a list. */
  readonly inputs: readonly (readonly number[])[];
  /** Call with a one-element list even for one input (default: a list when there are several inputs). */
  readonly list?: boolean;
  /** Call with `{training: true}` (default false: the gradient check needs a deterministic call). */
  readonly training?: boolean;
  /**
   * Points where the layer's function has a kink (ReLU's 0, a threshold, a clip): input values
   * are kept at least 0.1 away, so finite differences do not straddle one.
   */
  readonly kinks?: readonly number[];
  /** Values in [lo, hi) instead of standard normals (e.g. positive inputs). */
  readonly range?: readonly [number, number];
  /** Integer ids in [0, ids) instead (an Embedding's input): gradients are checked for the weights only. */
  readonly ids?: number;
  /** Why the gradient check is skipped (a layer without a gradient, a random one). */
  readonly noGradient?: string;
  /** Tolerances of the gradient check (default atol 2e-3, rtol 2e-2). */
  readonly gradientTolerance?: { atol: number; rtol: number };
}

/** Seeded input values of a spec: the same on every backend and run. */
export function inputValues(spec: LayerSpec, seed = 1): Float32Array[] {
  const rng = new Prng(seed);
  return spec.inputs.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return Float32Array.from({ length: n }, () => {
      if (spec.ids !== undefined) return Math.floor(rng.nextFloat() * spec.ids);
      let v = spec.range ? spec.range[0] + rng.nextFloat() * (spec.range[1] - spec.range[0]) : rng.nextNormal();
      for (const k of spec.kinks ?? []) if (Math.abs(v - k) < 0.1) v = k + (v < k ? -1 : 1) * (0.1 + Math.abs(v - k));
      return v;
    });
  });
}

const title = (spec: LayerSpec) => spec.name ?? spec.make().className;

const callArg = (spec: LayerSpec, xs: Tensor[]) => (spec.list ?? spec.inputs.length > 1 ? xs : xs[0]);

/** Input shapes as a layer sees them (batch `null`), in the form `build` gets. */
function layerShapes(spec: LayerSpec): LayerShape | LayerShape[] {
  const shapes = spec.inputs.map((s) => [null, ...s.slice(1)] as LayerShape);
  return spec.list ?? spec.inputs.length > 1 ? shapes : shapes[0];
}

/** Runs `body` and checks that it leaves exactly as many tensors alive as before. */
function withoutLeaks(body: () => void): void {
  const before = memory().numTensors;
  body();
  expect(memory().numTensors, 'tensors left alive').toBe(before);
}

/** Builds a layer on the spec's inputs; returns it with the inputs (the caller disposes both). */
function built(spec: LayerSpec, seed = 1): { layer: Layer; xs: Tensor[] } {
  const layer = spec.make();
  const xs = inputValues(spec, seed).map((v, i) => tensor(v, [...spec.inputs[i]]));
  tidy(() => void layer.apply(callArg(spec, xs), { training: spec.training }));
  return { layer, xs };
}

/**
 * The outputs of a call as one tensor: the output itself, or for a layer with several outputs
 * (a cell's `[output, ...states]`, `returnState`) each flattened per sample and concatenated.
 */
function joined(y: Tensor | Tensor[]): Tensor {
  if (!Array.isArray(y)) return y;
  return concat(y.map((t) => reshape(t, [t.shape[0], -1])), 1);
}

function outputOf(spec: LayerSpec, layer: Layer, xs: Tensor[]): Tensor {
  return tidy(() => {
    const y = layer.apply(callArg(spec, xs), { training: spec.training });
    // A fresh handle: a layer may return its input (Identity), which the caller frees apart.
    return Array.isArray(y) ? joined(y) : reshape(y, y.shape);
  });
}

/** The output shapes of a call, one per output. */
function outputShapes(layer: Layer, xs: Tensor[], spec: LayerSpec): number[][] {
  return tidy(() => {
    const y = layer.apply(callArg(spec, xs), { training: spec.training });
    return (Array.isArray(y) ? y : [y]).map((t) => [...t.shape]);
  });
}

function randomLike(shapes: readonly (readonly number[])[], seed: number): Tensor[] {
  const rng = new Prng(seed);
  return shapes.map((s) => tensor(Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.nextNormal()), [...s]));
}

function checkCall(spec: LayerSpec): void {
  withoutLeaks(() => {
    const { layer, xs } = built(spec);
    expect(layer.built).toBe(true);
    const names = layer.weightEntries.map((w) => w.name);
    expect(new Set(names).size, `weight names ${names.join(', ')}`).toBe(names.length);
    const y = outputOf(spec, layer, xs);
    const computed = layer.computeOutputShape(layerShapes(spec));
    const expected = (Array.isArray(computed[0]) ? computed : [computed]) as LayerShape[];
    expect(outputShapes(layer, xs, spec)).toEqual(expected.map((e) => e.map((d, i) => (i === 0 ? spec.inputs[0][0] : d))));
    expect(y.dtype).toBe('float32');
    const values = y.dataSync();
    expect(values.every((v) => Number.isFinite(v)), 'finite outputs').toBe(true);
    // Symbolically, on Input tensors: the same shapes with a null batch.
    const symbolic = spec.inputs.map((s) => Input({ shape: s.slice(1) }));
    const out = spec.make().apply(spec.list ?? spec.inputs.length > 1 ? symbolic : symbolic[0]) as SymbolicTensor | SymbolicTensor[];
    const outs = Array.isArray(out) ? out : [out];
    expect(outs.map((o) => o.shape)).toEqual(expected);
    dispose([...xs, y]);
    layer.dispose();
    outs[0].node?.layer.dispose();
  });
}

function checkConfig(spec: LayerSpec): void {
  withoutLeaks(() => {
    const { layer, xs } = built(spec);
    const config = layer.getConfig();
    const json = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
    expect(JSON.stringify(json), 'the config is plain JSON').toBe(JSON.stringify(config));
    const warnings: string[] = [];
    const twin = layerFromConfig(layer.className, json, { warn: (m) => warnings.push(m) });
    expect(twin.className).toBe(layer.className);
    expect(twin.getConfig()).toEqual(config);
    expect(warnings).toEqual([]);
    tidy(() => void twin.apply(callArg(spec, xs), { training: spec.training }));
    const weights = layer.getWeights();
    twin.setWeights(weights);
    const [a, b] = [outputOf(spec, layer, xs), outputOf(spec, twin, xs)];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    dispose([...xs, ...weights, a, b]);
    layer.dispose();
    twin.dispose();
  });
}

function checkWeights(spec: LayerSpec): void {
  withoutLeaks(() => {
    const { layer, xs } = built(spec);
    const shapes = layer.weights.map((w) => [...w.shape]);
    expect(layer.countParams()).toBe(shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0));
    const values = randomLike(shapes, 7);
    layer.setWeights(values);
    const back = layer.getWeights();
    back.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(values[i].dataSync())));
    if (shapes.length > 0) {
      expect(() => layer.setWeights(values.slice(1))).toThrow(/expected \d+ arrays/);
      const wrong = tensor(new Float32Array(shapes[0].reduce((a, b) => a * b, 1) + 1), [shapes[0].reduce((a, b) => a * b, 1) + 1]);
      expect(() => layer.setWeights([wrong, ...values.slice(1)])).toThrow(/has shape/);
      wrong.dispose();
    }
    dispose([...xs, ...values, ...back]);
    layer.dispose();
  });
}

/** Compares autodiff gradients of `sum(layer(x) * r)` with central differences, for inputs and trainable weights. */
function checkGradients(spec: LayerSpec): void {
  const { atol, rtol } = spec.gradientTolerance ?? { atol: 2e-3, rtol: 2e-2 };
  const eps = 1e-2;
  const perTensor = 6;
  withoutLeaks(() => {
    const { layer, xs } = built(spec);
    const y0 = outputOf(spec, layer, xs);
    const [r] = randomLike([y0.shape], 3);
    y0.dispose();
    const weights = layer.trainableWeights;
    const loss = (inputs: Tensor[]) => sum(mul(joined(layer.apply(callArg(spec, inputs), { training: spec.training }) as Tensor | Tensor[]), r));
    // Ids are not differentiable: then the weights are the only sources.
    const inputs = spec.ids === undefined ? xs : [];
    const { value, grads } = valueAndGrads((...all: Tensor[]) => loss(inputs.length ? all.slice(0, xs.length) : xs))([...inputs, ...weights]);
    const at = (args: Tensor[]) => tidy(() => loss(args).dataSync()[0]);
    const sources = [...inputs, ...weights];
    sources.forEach((source, s) => {
      const base = Float32Array.from(source.dataSync());
      const analytic = grads[s].dataSync();
      const step = Math.max(1, Math.floor(base.length / perTensor));
      for (let j = 0; j < base.length; j += step) {
        const f = (delta: number): number => {
          const moved = Float32Array.from(base);
          moved[j] += delta;
          const t = tensor(moved, [...source.shape]);
          let v: number;
          if (s < inputs.length) {
            v = at(xs.map((x, k) => (k === s ? t : x)));
          } else {
            weights[s - inputs.length].assign(t);
            v = at(xs);
          }
          t.dispose();
          return v;
        };
        const numeric = (f(eps) - f(-eps)) / (2 * eps);
        if (s >= inputs.length) {
          const restore = tensor(base, [...source.shape]);
          weights[s - inputs.length].assign(restore);
          restore.dispose();
        }
        const what = s < inputs.length ? `input ${s}` : `weight '${layer.weightEntries.find((w) => w.variable === source)?.name}'`;
        expect(Math.abs(analytic[j] - numeric), `d loss / d ${what}[${j}]: autodiff ${analytic[j]}, finite differences ${numeric}`).toBeLessThanOrEqual(
          atol + rtol * Math.abs(numeric),
        );
      }
    });
    dispose([value, ...grads, r, ...xs]);
    layer.dispose();
  });
}

/**
 * Registers the checks of one layer as a `describe` block: build and call, config round trip,
 * weights round trip, gradients, and (in each) that no tensor leaks.
 */
export function describeLayer(spec: LayerSpec): void {
  describe(title(spec), () => {
    it('builds and calls: output shape = computeOutputShape, eagerly and symbolically', () => checkCall(spec));
    it('config round trip: layerFromConfig(getConfig()) gives the same config and outputs', () => checkConfig(spec));
    it('weights round trip: setWeights then getWeights, countParams, wrong counts and shapes refused', () => checkWeights(spec));
    if (spec.noGradient) it.skip(`gradients (${spec.noGradient})`, () => undefined);
    else it('gradients with respect to inputs and weights match finite differences', () => checkGradients(spec));
  });
}

/** What one backend computes for a spec: the output and the gradients of `sum(output * r)` (inputs, then weights). */
export interface BackendRun {
  output: Float32Array;
  shape: number[];
  grads: Float32Array[];
}

/**
 * Runs a spec on the active backend with weights given as values (so two backends run the same
 * layer): the output and its gradients, read with `await data()` (backends without readSync).
 */
export async function runOnBackend(spec: LayerSpec, weights?: Float32Array[]): Promise<{ run: BackendRun; weights: Float32Array[] }> {
  const layer = spec.make();
  const xs = inputValues(spec).map((v, i) => tensor(v, [...spec.inputs[i]]));
  tidy(() => void layer.apply(callArg(spec, xs), { training: spec.training }));
  if (weights) {
    const ts = weights.map((w, i) => tensor(w, [...layer.weights[i].shape]));
    layer.setWeights(ts);
    dispose(ts);
  }
  const used = await Promise.all(layer.weights.map(async (w) => Float32Array.from(await w.data())));
  const y = outputOf(spec, layer, xs);
  const [r] = randomLike([y.shape], 3);
  const inputs = spec.ids === undefined ? xs : [];
  const { value, grads } = spec.noGradient
    ? { value: undefined, grads: [] as Tensor[] }
    : valueAndGrads((...all: Tensor[]) =>
        sum(mul(joined(layer.apply(callArg(spec, inputs.length ? all.slice(0, xs.length) : xs), { training: spec.training }) as Tensor | Tensor[]), r)),
      )([...inputs, ...layer.trainableWeights]);
  const run: BackendRun = {
    output: Float32Array.from(await y.data()),
    shape: [...y.shape],
    grads: await Promise.all(grads.map(async (g) => Float32Array.from(await g.data()))),
  };
  dispose([...xs, y, r, ...grads]);
  value?.dispose();
  layer.dispose();
  return { run, weights: used };
}
