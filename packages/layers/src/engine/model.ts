import { ValueError, type DisposedError, type Tensor, type Variable } from '@tessera/tensor';
import type { Optimizer } from '@tessera/optimizers';
import type { History } from '../callbacks/history.js';
import { InputLayer } from '../layers/input.js';
import { checkDeferredCompile, compileModel, type CompileArgs, type CompiledState } from '../training/compile.js';
import { evaluateModel, type EvaluateArgs } from '../training/evaluate.js';
import { fitModel, type FitArgs } from '../training/fit.js';
import { predictModel, type PredictArgs } from '../training/predict.js';
import { trainOnBatch as trainOneBatch, type TrainOnBatchArgs } from '../training/train_step.js';
import { summarize, type SummaryOptions } from '../summary.js';
import { layersOf, topologicalNodes } from './graph.js';
import { Layer, type CallArgs, type Mask, type Tensors } from './layer.js';
import type { LayerShape, Node, SymbolicTensor } from './symbolic.js';

/** Inputs and outputs of a functional model. */
export interface ModelArgs {
  inputs?: SymbolicTensor | SymbolicTensor[];
  outputs?: SymbolicTensor | SymbolicTensor[];
  name?: string;
}

/** Data as `fit`/`predict` take it: one tensor, or one per model input/output. */
export type Data = Tensor | Tensor[];

/**
 * A functional model: a graph of layers from `inputs` to `outputs` (Keras's
 * `keras.Model(inputs, outputs)`), with the training API: `compile`, `fit`,
 * `evaluate`, `predict`, `trainOnBatch`, `summary`.
 * @example
 * ```ts
 * const inputs = Input({ shape: [784] });
 * const hidden = new Dense({ units: 64, activation: 'relu' }).apply(inputs) as SymbolicTensor;
 * const outputs = new Dense({ units: 10, activation: 'softmax' }).apply(hidden) as SymbolicTensor;
 * const model = new Model({ inputs, outputs });
 * model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
 * ```
 */
export class Model extends Layer {
  static override readonly className: string = 'Functional';

  /** Set by callbacks (EarlyStopping, TerminateOnNaN) to stop `fit` after the current batch. */
  stopTraining = false;
  /** The compiled loss, metrics and optimizer, once `compile` ran (and the model is built). */
  compiled: CompiledState | undefined;
  /** `compile` arguments waiting for the graph: a Sequential compiled before it knew its input shape. */
  private pendingCompile: { args: CompileArgs; optimizer: Optimizer } | undefined;
  protected graphInputs: SymbolicTensor[] = [];
  protected graphOutputs: SymbolicTensor[] = [];
  protected nodes: Node[] = [];

  constructor(args?: ModelArgs) {
    super({ name: args?.name });
    if (args?.inputs || args?.outputs) {
      if (!args.inputs || !args.outputs) throw new ValueError(`${this.name}: a functional model needs both inputs and outputs`);
      this.setGraph(toList(args.inputs), toList(args.outputs));
    }
  }

  /** (Re)defines the graph. */
  protected setGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): void {
    if (inputs.length === 0 || outputs.length === 0) throw new ValueError(`${this.name}: a model needs inputs and outputs`);
    for (const i of inputs) {
      if (!(i.sourceLayer instanceof InputLayer)) {
        throw new ValueError(`${this.name}: inputs must come from Input() but '${i.name}' comes from layer '${i.sourceLayer.name}'`);
      }
    }
    this.graphInputs = inputs;
    this.graphOutputs = outputs;
    this.nodes = topologicalNodes(inputs, outputs);
    this.built = true;
    this.builtInputShape = inputs.length === 1 ? inputs[0].shape : inputs.map((i) => i.shape);
    if (this.pendingCompile) {
      const { args, optimizer } = this.pendingCompile;
      this.pendingCompile = undefined;
      this.compiled = compileModel(this, args, optimizer);
    }
  }

  /**
   * Whether the model can still get its graph from the first data it sees (a Sequential
   * without an input shape), so that `compile` may wait for it, as Keras's does.
   */
  protected buildsLater(): boolean {
    return false;
  }

  /** Whether `compile` ran but waits for the model to be built (on its first fit, predict or call). */
  get compilePending(): boolean {
    return this.pendingCompile !== undefined;
  }

  /** The calls of layers in this model, in execution order. */
  get graphNodes(): readonly Node[] {
    return this.nodes;
  }

  /** Symbolic inputs. */
  get inputs(): SymbolicTensor[] {
    return this.graphInputs;
  }

  /** Symbolic outputs. */
  get outputs(): SymbolicTensor[] {
    return this.graphOutputs;
  }

  /** The symbolic output(s) of the model, as Keras's `model.output`. */
  override get output(): SymbolicTensor | SymbolicTensor[] {
    if (this.graphOutputs.length === 0) throw new ValueError(`${this.name} has no graph yet (give the first layer an inputShape, or build it)`);
    return this.graphOutputs.length === 1 ? this.graphOutputs[0] : [...this.graphOutputs];
  }

  /** The symbolic input(s) of the model, as Keras's `model.input`. */
  override get input(): SymbolicTensor | SymbolicTensor[] {
    if (this.graphInputs.length === 0) throw new ValueError(`${this.name} has no graph yet (give the first layer an inputShape, or build it)`);
    return this.graphInputs.length === 1 ? this.graphInputs[0] : [...this.graphInputs];
  }

  /**
   * The layers, in graph order (Input layers included for functional models, as Keras); the
   * Keras op nodes of a loaded model (mask computations) are not layers, as in Keras.
   */
  get layers(): Layer[] {
    return layersOf(this.nodes).filter((l) => !l.isOperation);
  }

  /**
   * Every layer and Keras op node of the graph, in graph order: what a functional config lists.
   * @example
   * ```ts
   * const model = await loadModel('masked.keras');
   * model.operations.map((l) => l.className); // ['InputLayer', 'Embedding', 'NotEqual', 'LSTM', 'Dense']
   * ```
   */
  get operations(): Layer[] {
    return layersOf(this.nodes);
  }

  /** The optimizer set by `compile`. */
  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer ?? this.pendingCompile?.optimizer;
  }

  /** Output shapes (with `null` batch). */
  get outputShapes(): LayerShape[] {
    return this.graphOutputs.map((o) => o.shape);
  }

  /** Runs the graph on real tensors. */
  call(inputs: Tensors, args: CallArgs = {}): Tensors {
    const outs = this.run(toList(inputs), args.training ?? false, args.losses);
    return outs.length === 1 ? outs[0] : outs;
  }

  /**
   * Runs the graph; returns one tensor per output. Intermediates belong to the caller's scope.
   * @param losses - collects the losses layers add while running (see {@link CallArgs.losses}).
   */
  run(inputs: Tensor[], training: boolean, losses?: Tensor[]): Tensor[] {
    return this.runMasked(inputs, training, losses).outputs;
  }

  /**
   * Runs the graph and returns the outputs with their Keras masks (`undefined` where an
   * output carries none): each layer gets the mask of its input and computes its output's.
   * @param inputMasks - masks of the model's inputs, if any.
   */
  runMasked(inputs: Tensor[], training: boolean, losses?: Tensor[], inputMasks?: (Tensor | undefined)[]): { outputs: Tensor[]; masks: (Tensor | undefined)[] } {
    this.assertUsable('run');
    this.ensureGraph(inputs);
    if (inputs.length !== this.graphInputs.length) {
      throw new ValueError(`${this.name} expects ${this.graphInputs.length} input(s) but got ${inputs.length}`);
    }
    const values = new Map<number, Tensor>();
    const masks = new Map<number, Tensor | undefined>();
    this.graphInputs.forEach((s, i) => {
      values.set(s.id, inputs[i]);
      masks.set(s.id, inputMasks?.[i]);
    });
    for (const node of this.nodes) {
      if (node.layer instanceof InputLayer) {
        const x = values.get(node.outputs[0].id)!;
        node.layer.apply(x); // checks the data against the declared input shape
        continue;
      }
      const args = node.inputs.map((s) => values.get(s.id)!);
      const inMasks = node.mask === undefined ? node.inputs.map((s) => masks.get(s.id)) : explicitMasks(node, values);
      const { outputs, mask } = node.layer.applyMasked(args.length === 1 ? args[0] : args, { training, losses }, inMasks.length === 1 ? inMasks[0] : inMasks);
      const outMasks = toList(outputs).length === 1 ? [Array.isArray(mask) ? mask[0] : mask] : Array.isArray(mask) ? mask : [];
      toList(outputs).forEach((t, i) => {
        values.set(node.outputs[i].id, t);
        masks.set(node.outputs[i].id, outMasks[i]);
      });
    }
    return { outputs: this.graphOutputs.map((o) => values.get(o.id)!), masks: this.graphOutputs.map((o) => masks.get(o.id)) };
  }

  /** Runs the graph once for the outputs and their masks, when this model is nested in another. */
  override applyMasked(inputs: Tensors, args: CallArgs, inputMask?: Mask): { outputs: Tensors; mask: Mask } {
    const list = toList(inputs);
    if (this.built) this.assertInputShapes(list.map((t) => t.shape));
    const { outputs, masks } = this.runMasked(list, args.training ?? false, args.losses, inputMask === undefined ? undefined : toList(inputMask));
    return { outputs: outputs.length === 1 ? outputs[0] : outputs, mask: masks.length === 1 ? masks[0] : masks };
  }

  /** Hook for Sequential models that build their graph from the first data. */
  protected ensureGraph(_inputs: Tensor[]): void {
    if (this.nodes.length === 0) throw new ValueError(`${this.name} has no layers yet`);
  }

  override computeOutputShape(): LayerShape | LayerShape[] {
    const shapes = this.outputShapes;
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  /** Every weight of every layer, in layer order (trainable first within a layer, as Keras). */
  override get weights(): Variable[] {
    this.assertUsable('give its weights');
    return this.layers.flatMap((l) => l.weights);
  }

  override get trainableWeights(): Variable[] {
    this.assertUsable('give its weights');
    return this.trainable ? this.layers.flatMap((l) => l.trainableWeights) : [];
  }

  override get nonTrainableWeights(): Variable[] {
    const t = new Set(this.trainableWeights);
    return this.weights.filter((w) => !t.has(w));
  }

  override get weightEntries() {
    this.assertUsable('give its weights');
    return this.layers.flatMap((l) => l.weightEntries);
  }

  override countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  override regularizationLosses(): Tensor[] {
    return this.layers.flatMap((l) => l.regularizationLosses());
  }

  /**
   * A layer by name or index.
   * @example
   * ```ts
   * model.getLayer('dense_1').getWeights();
   * ```
   */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    const layer = typeof nameOrIndex === 'number' ? layers[nameOrIndex] : layers.find((l) => l.name === nameOrIndex);
    if (!layer) {
      throw new ValueError(
        `${this.name}: no layer ${typeof nameOrIndex === 'number' ? `at index ${nameOrIndex} (it has ${layers.length})` : `named '${nameOrIndex}'`}; ` +
          `layers: ${layers.map((l) => l.name).join(', ')}`,
      );
    }
    return layer;
  }

  /**
   * Configures training: optimizer, loss and metrics, with Keras's ids or objects. As in
   * Keras, a Sequential without an input shape may be compiled before it is built: the
   * optimizer and losses are checked now, and the rest completes when the model builds
   * (on its first `fit`, `evaluate`, `trainOnBatch`, `predict`, call or `build`).
   * @example
   * ```ts
   * model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
   * ```
   */
  compile(args: CompileArgs): void {
    this.assertUsable('compile');
    if (this.graphOutputs.length === 0 && this.buildsLater()) {
      this.pendingCompile = { args, optimizer: checkDeferredCompile(this.name, args) };
      this.compiled = undefined;
      return;
    }
    this.pendingCompile = undefined;
    this.compiled = compileModel(this, args);
  }

  /**
   * Trains for `epochs` over `(x, y)` in batches, printing Keras's progress; resolves
   * to the History. Ctrl-C (Node) stops after the current batch.
   *
   * Options, empty data and NaN or Infinity in `x` and `y` are checked before training
   * (`checkFinite: false` skips the last). A loss that becomes NaN or infinite stops
   * training with a `TrainingDivergedError` (unless a `TerminateOnNaN` callback is given).
   * A model runs one `fit`, `evaluate` or `trainOnBatch` at a time: another one started
   * before this one ends is refused with a `ConcurrentUseError`.
   * @example
   * ```ts
   * const history = await model.fit(xTrain, yTrain, { batchSize: 128, epochs: 20, validationData: [xTest, yTest] });
   * ```
   */
  fit(x: Data, y: Data, args: FitArgs = {}): Promise<History> {
    if (this.disposed) return Promise.reject(this.disposedError('fit'));
    return fitModel(this, x, y, args);
  }

  /**
   * Loss and metrics on data: a number (loss only) or `[loss, ...metrics]`, as Keras.
   * @example
   * ```ts
   * const [loss, accuracy] = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
   * ```
   */
  evaluate(x: Data, y: Data, args: EvaluateArgs = {}): Promise<number | number[]> {
    if (this.disposed) return Promise.reject(this.disposedError('evaluate'));
    return evaluateModel(this, x, y, args);
  }

  /**
   * Outputs for inputs, computed in batches (the caller disposes the result).
   * @example
   * ```ts
   * const probs = model.predict(xTest, { batchSize: 256 }) as Tensor;
   * ```
   */
  predict(x: Data, args: PredictArgs = {}): Tensors {
    this.assertUsable('predict');
    return predictModel(this, x, args);
  }

  /**
   * One gradient step on one batch; returns the loss or `[loss, ...metrics]` of that batch.
   * @example
   * ```ts
   * const loss = await model.trainOnBatch(xBatch, yBatch);
   * ```
   */
  trainOnBatch(x: Data, y: Data, args: TrainOnBatchArgs = {}): Promise<number | number[]> {
    if (this.disposed) return Promise.reject(this.disposedError('trainOnBatch'));
    return trainOneBatch(this, x, y, args);
  }

  /**
   * Prints Keras's summary table (names, output shapes, parameter counts, totals).
   * @example
   * ```ts
   * model.summary();
   * ```
   */
  summary(options: SummaryOptions = {}): string {
    this.assertUsable('summarize');
    return summarize(this, options);
  }

  /**
   * All weight values (new tensors the caller disposes), in `weights` order.
   * @example
   * ```ts
   * const snapshot = model.getWeights();
   * ```
   */
  override getWeights(): Tensor[] {
    this.assertUsable('give its weights');
    return this.layers.flatMap((l) => l.getWeights());
  }

  /** Sets all weight values, in `weights` order. */
  override setWeights(values: readonly Tensor[]): void {
    this.assertUsable('set its weights');
    let offset = 0;
    const layers = this.layers;
    const total = layers.reduce((n, l) => n + l.weights.length, 0);
    if (values.length !== total) throw new ValueError(`${this.name}.setWeights: expected ${total} arrays but got ${values.length}`);
    for (const l of layers) {
      const n = l.weights.length;
      l.setWeights(values.slice(offset, offset + n));
      offset += n;
    }
  }

  /** Keras's JSON config of a functional model (layers and op nodes with their inbound nodes). */
  override getConfig(): Record<string, unknown> {
    const layers = this.operations;
    const nodeIndex = (node: Node) => node.layer.inboundNodes.indexOf(node);
    const ref = (s: SymbolicTensor) => [s.sourceLayer.name, nodeIndex(s.node), s.node.outputs.indexOf(s)];
    return {
      name: this.name,
      trainable: this.trainable,
      layers: layers.map((l) => ({
        class_name: l.className,
        config: l.getConfig(),
        name: l.name,
        inbound_nodes: this.nodes
          .filter((n) => n.layer === l && n.inputs.length > 0)
          .map((n) => n.inputs.map((s) => [...ref(s), {}])),
      })),
      input_layers: this.graphInputs.map(ref),
      output_layers: this.graphOutputs.map(ref),
    };
  }

  /** Frees every weight and the optimizer state. The model then refuses every use. */
  override dispose(): void {
    if (this.disposed) return;
    for (const l of this.layers) l.dispose();
    (this.compiled?.optimizer ?? this.pendingCompile?.optimizer)?.dispose();
    this.markDisposed();
  }

  protected override disposedError(what: string): DisposedError {
    return super.disposedError(what, 'model');
  }
}

/**
 * The masks a call was given explicitly (Keras's `mask` argument), one per input: a single
 * mask belongs to the first input (a sequence, before its initial states).
 */
function explicitMasks(node: Node, values: Map<number, Tensor>): (Tensor | undefined)[] {
  const given = Array.isArray(node.mask) ? node.mask : [node.mask];
  return node.inputs.map((_, i) => (given[i] === undefined ? undefined : values.get(given[i]!.id)));
}

/** One or many, as a list. */
export function toList<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}
