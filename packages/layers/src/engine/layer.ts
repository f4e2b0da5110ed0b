import {
  cast,
  DisposedError,
  DTypeError,
  ShapeError,
  Tensor,
  ValueError,
  getEngine,
  reshape,
  tidy,
  variable,
  type DType,
  type Shape,
  type Variable,
} from '@tessera/tensor';
import { getInitializer, type InitializerIdentifier } from '../initializers.js';
import type { Regularizer } from '../regularizers.js';
import { kerasMasksOf, tieKerasMasks } from './keras_mask.js';
import { toSnakeCase, uniqueName } from './naming.js';
import { SymbolicTensor, formatLayerShape, type LayerShape, type Node, type SymbolicMask } from './symbolic.js';

/** Options every layer takes (Keras's base `Layer` kwargs, camelCase). */
export interface LayerArgs {
  /** Unique name; defaults to Keras's auto-name (`dense`, `dense_1`, ...). */
  name?: string;
  /** Whether its weights are trained (default true). */
  trainable?: boolean;
  /** Shape of one sample, for the first layer of a Sequential (Keras `input_shape`). */
  inputShape?: readonly number[];
  /** Full input shape including the batch (`null` for any). */
  batchInputShape?: LayerShape;
  /** Fixes the batch size of `inputShape`. */
  batchSize?: number;
  /** Only float32 is supported for weights today. */
  dtype?: DType;
}

/**
 * A Keras mask: for a sequence `[batch, steps, ...]`, a bool `[batch, steps]` tensor that is
 * false at padded steps; `undefined` where there is none; a list for several tensors.
 */
export type Mask = Tensor | undefined | (Tensor | undefined)[];

/** What `call` receives besides its inputs. */
export interface CallArgs {
  /**
   * The mask of the input (Keras's `mask`): false at padded timesteps for recurrent layers;
   * Softmax: 1 keeps a position, 0 masks it (broadcast to the input). Sequential and
   * functional models pass each layer the mask its input carries (see {@link Layer.computeMask}).
   */
  mask?: Tensor;
  /**
   * Initial states of a recurrent layer (Keras's `initial_state`). On symbolic tensors they
   * become extra inputs of the call (`[sequence, ...states]`), so a functional graph records them.
   */
  initialState?: Tensor[] | SymbolicTensor[];
  /** True inside `fit`: Dropout drops, BatchNormalization uses batch statistics. */
  training?: boolean;
  /**
   * Where layers put the losses they add while computing (Keras's `add_loss`, e.g. the
   * penalty of `ActivityRegularization`); `fit` and `evaluate` pass one and add what it
   * collects to the loss. Absent when nobody collects them (`predict`): then no loss is computed.
   */
  losses?: Tensor[];
}

/**
 * What a symbolic call takes: {@link CallArgs}, with the mask as symbolic tensors (Keras's
 * `layer(x, mask=m)` in a functional model), recorded in the graph.
 */
export type SymbolicCallArgs = Omit<CallArgs, 'mask'> & { mask?: SymbolicMask };

/** A weight with the facts a file needs: its short name and whether it trains. */
export interface LayerWeight {
  readonly variable: Variable;
  /** Short name inside the layer: `kernel`, `bias`, `gamma`, ... */
  readonly name: string;
  readonly trainable: boolean;
  readonly regularizer?: Regularizer;
}

/** One tensor or several: what layers take and return. */
export type Tensors = Tensor | Tensor[];
/** One symbolic tensor or several. */
export type SymbolicTensors = SymbolicTensor | SymbolicTensor[];

/**
 * The base of every layer: `build` creates weights from the input shape, `call`
 * computes, `getConfig` describes it as Keras's JSON. `apply` runs it eagerly on
 * tensors or records it in a functional graph on symbolic tensors.
 *
 * @example
 * ```ts
 * class Scale extends Layer {
 *   static readonly className = 'Scale';
 *   private w!: Variable;
 *   override build(shape: LayerShape) { this.w = this.addWeight('w', [shape[shape.length - 1] as number], 'ones'); super.build(shape); }
 *   call(x: Tensor) { return mul(x, this.w); }
 * }
 * ```
 */
export abstract class Layer {
  /** Keras class name, used in configs and summaries; each subclass sets it. */
  static readonly className: string = 'Layer';

  readonly name: string;
  built = false;
  readonly dtype: DType = 'float32';
  /** Input shape given at construction (with `null` batch), if any. */
  readonly batchInputShape?: LayerShape;
  /** The calls of this layer in functional graphs. */
  readonly inboundNodes: Node[] = [];
  /** Shape of the input it was built for (non-null dims are checked on every call). */
  protected builtInputShape?: LayerShape | LayerShape[];
  /**
   * Whether the layer passes the mask of its input on to its output unchanged (Keras's
   * `supports_masking`); layers that make or change masks override {@link Layer.computeMask}.
   */
  supportsMasking = false;
  /**
   * Whether this graph node is a tensor op rather than a layer (the Keras op nodes of a loaded
   * functional model, see `@tessera/io`): models leave it out of `layers`, as Keras does.
   */
  get isOperation(): boolean {
    return false;
  }
  /**
   * Whether inputs after the first are initial states (Keras's `initial_state` call argument),
   * as RNN and Bidirectional take them: files record them as that keyword argument.
   */
  readonly statesAsInputs: boolean = false;
  private trainableFlag: boolean;
  private readonly weightList: LayerWeight[] = [];
  private disposedFlag = false;

  constructor(args: LayerArgs = {}) {
    this.name = args.name ?? uniqueName(toSnakeCase(this.className));
    this.trainableFlag = args.trainable ?? true;
    if (args.dtype && args.dtype !== 'float32') {
      throw new DTypeError(`${this.name}: layers compute in float32 but dtype '${args.dtype}' was given`);
    }
    if (args.batchInputShape) this.batchInputShape = [...args.batchInputShape];
    else if (args.inputShape) this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
  }

  /** Keras class name of this layer. */
  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  /** True once `dispose()` ran: the layer then refuses every use. */
  get disposed(): boolean {
    return this.disposedFlag;
  }

  /**
   * Throws a {@link DisposedError} when the layer was disposed: its weights are gone, and
   * building it again would silently answer with fresh random weights.
   */
  protected assertUsable(what: string): void {
    if (this.disposedFlag) throw this.disposedError(what);
  }

  /** The error of a use after `dispose()` (a model says `model`). */
  protected disposedError(what: string, noun = 'layer'): DisposedError {
    return new DisposedError(
      `${noun} '${this.name}' was disposed; it cannot ${what} (dispose() frees its weights for good: create or load the ${noun} again)`,
    );
  }

  /** Marks the layer disposed (subclasses that free more call it too). */
  protected markDisposed(): void {
    this.disposedFlag = true;
  }

  /** Whether `fit` trains this layer's weights. */
  get trainable(): boolean {
    return this.trainableFlag;
  }

  set trainable(value: boolean) {
    this.trainableFlag = value;
  }

  /** Creates the weights for an input shape. Subclasses call `super.build(shape)` last. */
  build(inputShape: LayerShape | LayerShape[]): void {
    this.assertUsable('be built');
    this.builtInputShape = inputShape;
    this.built = true;
  }

  /** The computation, on real tensors. */
  abstract call(inputs: Tensors, args: CallArgs): Tensors;

  /** Output shape for an input shape (default: unchanged). */
  computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    return inputShape;
  }

  /**
   * The mask of the output for an input and its mask (Keras's `compute_mask`): the input's mask
   * when the layer supports masking, else none. Embedding (`maskZero`) and Masking make masks;
   * recurrent layers keep them only with `returnSequences`.
   * @example
   * ```ts
   * const embed = new Embedding({ inputDim: 10, outputDim: 4, maskZero: true });
   * embed.computeMask(tensor([[3, 1, 0, 0]], [1, 4], 'int32')); // [[true, true, false, false]]
   * ```
   */
  computeMask(_inputs: Tensors, mask?: Mask): Mask {
    return this.supportsMasking ? mask : undefined;
  }

  /**
   * Calls the layer on real tensors and computes its output mask: what Sequential and
   * functional models run for each layer, so masks flow from Embedding (`maskZero`) and
   * Masking to the recurrent layers and to the loss. A nested model runs its own graph.
   */
  applyMasked(inputs: Tensors, args: CallArgs, inputMask?: Mask): { outputs: Tensors; mask: Mask } {
    // As Keras, `call` gets the mask of its first input (a sequence's, before initial states).
    const first = Array.isArray(inputMask) ? inputMask[0] : inputMask;
    const outputs = this.applyEager(inputs, first ? { ...args, mask: first } : args);
    return { outputs, mask: this.computeMask(inputs, inputMask) };
  }

  /**
   * Layers this one holds (an RNN's cell, a wrapper's layer), each with the prefix of its
   * weights' names; their weights count as this layer's, after its own (as Keras's `weights`).
   */
  protected sublayers(): { layer: Layer; prefix?: string }[] {
    return [];
  }

  /**
   * The sublayers under the attribute names Keras 3 saves their state at (`cell`,
   * `forward_layer`, `layer`, `cells`), for the weights files.
   */
  savedSublayers(): [string, Layer | Layer[]][] {
    return [];
  }

  /** Own weights, then the sublayers' (not trainable when the sublayer is frozen). */
  private allWeights(): LayerWeight[] {
    const nested = this.sublayers().flatMap(({ layer, prefix }) =>
      layer.allWeights().map((w) => ({ ...w, name: prefix ? `${prefix}/${w.name}` : w.name, trainable: w.trainable && layer.trainable })),
    );
    return [...this.weightList, ...nested];
  }

  /** Keras's JSON config of this layer (snake_case keys, as Keras writes them). */
  getConfig(): Record<string, unknown> {
    // No `batch_input_shape`: Keras 3 refuses it; a model writes its input as an InputLayer instead.
    return { name: this.name, trainable: this.trainable, dtype: 'float32' };
  }

  /**
   * Calls the layer: eagerly on tensors, or symbolically on `SymbolicTensor`s (building
   * a functional graph). Builds the layer on first use. An eager call, as Keras's, takes the
   * mask tied to its input (see `getKerasMask`) when `args.mask` is not given, and ties
   * its output's mask ({@link Layer.computeMask}) to the output: a chain of calls carries the
   * mask of `Embedding({ maskZero: true })` or `Masking` to the recurrent layers.
   * @example
   * ```ts
   * const e = new Embedding({ inputDim: 100, outputDim: 8, maskZero: true }).apply(ids) as Tensor;
   * const h = new LSTM({ units: 16 }).apply(e); // the zeros of `ids` are skipped
   * ```
   */
  apply(inputs: SymbolicTensors, args?: SymbolicCallArgs): SymbolicTensors;
  apply(inputs: Tensors, args?: CallArgs): Tensors;
  apply(inputs: Tensors | SymbolicTensors, args: CallArgs | SymbolicCallArgs = {}): Tensors | SymbolicTensors {
    this.assertUsable('be called');
    const first = Array.isArray(inputs) ? inputs[0] : inputs;
    if (args.initialState?.length && first instanceof SymbolicTensor) {
      inputs = [...(Array.isArray(inputs) ? inputs : [inputs]), ...(args.initialState as SymbolicTensor[])] as SymbolicTensor[];
      args = { ...args, initialState: undefined };
    }
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 0) throw new ValueError(`${this.name}: called with no inputs`);
    const symbolic = list[0] instanceof SymbolicTensor;
    if (list.some((t) => (t instanceof SymbolicTensor) !== symbolic)) {
      throw new ValueError(`${this.name}: cannot mix symbolic and real tensors in one call`);
    }
    if (symbolic) {
      const shapeArg = this.buildFor(list, Array.isArray(inputs));
      return this.applySymbolic(list as SymbolicTensor[], shapeArg, args.mask as SymbolicMask | undefined);
    }
    if (args.mask instanceof SymbolicTensor || Array.isArray(args.mask)) throw new ValueError(`${this.name}: a symbolic mask needs symbolic inputs`);
    // As Keras's `__call__`: the mask given, else the ones tied to the inputs; the output's tied to it.
    const eager = inputs as Tensors;
    const { mask, ...rest } = args as CallArgs;
    const previous = mask ?? kerasMasksOf(eager);
    const { outputs, mask: outMask } = this.applyMasked(eager, rest, previous);
    tieKerasMasks(outputs, outMask, previous);
    return outputs;
  }

  /** Builds the layer for the shapes of `list` (batch left open) on first use, checks them, and returns them as `build` takes them. */
  private buildFor(list: (Tensor | SymbolicTensor)[], asList: boolean): LayerShape | LayerShape[] {
    const shapes = list.map((t) => (t instanceof SymbolicTensor ? t.shape : [null, ...t.shape.slice(1)]) as LayerShape);
    const shapeArg = asList ? shapes : shapes[0];
    if (!this.built) this.build(shapeArg);
    this.assertInputShapes(list.map((t) => t.shape as LayerShape));
    return shapeArg;
  }

  /** `call` on real tensors, after building and checking the shapes: what a model runs for each layer (masks are the model's business). */
  private applyEager(inputs: Tensors, args: CallArgs): Tensors {
    this.assertUsable('be called');
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 0) throw new ValueError(`${this.name}: called with no inputs`);
    this.buildFor(list, Array.isArray(inputs));
    return this.call(inputs, args);
  }

  private applySymbolic(inputs: SymbolicTensor[], shapeArg: LayerShape | LayerShape[], mask: SymbolicMask | undefined): SymbolicTensors {
    const masks = mask === undefined ? [] : Array.isArray(mask) ? mask : [mask];
    if (masks.some((m) => m !== undefined && !(m instanceof SymbolicTensor))) throw new ValueError(`${this.name}: the mask of a symbolic call must be symbolic`);
    const outShape = this.computeOutputShape(shapeArg);
    const outShapes = isShapeList(outShape) ? outShape : [outShape];
    const outputs = outShapes.map((s, i) => new SymbolicTensor(s, 'float32', `${this.name}/output_${i}`));
    const node: Node = mask === undefined ? { layer: this, inputs, outputs } : { layer: this, inputs, outputs, mask };
    outputs.forEach((o) => (o.node = node));
    this.inboundNodes.push(node);
    return isShapeList(outShape) ? outputs : outputs[0];
  }

  /** Checks the non-null dims the layer was built for against a call's input shapes. */
  protected assertInputShapes(shapes: LayerShape[]): void {
    const built = this.builtInputShape;
    if (!built) return;
    const expected = isShapeList(built) ? built : [built];
    if (expected.length !== shapes.length) {
      throw new ValueError(`${this.name} expects ${expected.length} input(s) but got ${shapes.length}`);
    }
    expected.forEach((exp, i) => {
      const got = shapes[i];
      const ok = exp.length === got.length && exp.every((d, j) => j === 0 || d === null || got[j] === null || d === got[j]);
      if (!ok) {
        throw new ShapeError(
          `${this.name} expects input [*, ${exp.slice(1).map((d) => d ?? '*').join(', ')}] ` +
            `but got [${got.map((d) => d ?? '*').join(', ')}]`,
        );
      }
    });
  }

  /**
   * Creates a weight (a Variable named `layer/name`) from an initializer.
   * @returns the variable; the layer owns and disposes it.
   */
  addWeight(
    name: string,
    shape: Shape,
    initializer: InitializerIdentifier,
    options: { trainable?: boolean; regularizer?: Regularizer; dtype?: 'float32' | 'int32' } = {},
  ): Variable {
    this.assertUsable('create weights');
    checkWeightSize(this.name, name, shape);
    const init = getInitializer(initializer);
    let value: Tensor;
    try {
      value = tidy(() => init.call(shape, options.dtype ?? 'float32'));
    } catch (e) {
      // An allocation the runtime refuses (a RangeError) is the user's shape, not our bug.
      if (e instanceof RangeError) throw new ValueError(`${this.name}: cannot allocate weight '${name}' of shape [${shape.join(', ')}]: ${e.message}`);
      throw e;
    }
    const v = variable(value, { name: freeVariableName(`${this.name}/${name}`), trainable: options.trainable ?? true });
    value.dispose();
    this.weightList.push({ variable: v, name, trainable: options.trainable ?? true, regularizer: options.regularizer });
    return v;
  }

  /** Every weight with its short name: trainable ones first, as Keras orders `weights`. */
  get weightEntries(): LayerWeight[] {
    this.assertUsable('give its weights');
    const all = this.allWeights();
    const trainable = all.filter((w) => w.trainable && this.trainable);
    return [...trainable, ...all.filter((w) => !trainable.includes(w))];
  }

  /**
   * The weights this layer created itself, without its sublayers' (trainable first): what
   * Keras 3 saves under the layer's own `vars`.
   */
  get ownWeightEntries(): LayerWeight[] {
    const trainable = this.weightList.filter((w) => w.trainable);
    return [...trainable, ...this.weightList.filter((w) => !w.trainable)];
  }

  /** All weights (trainable first). */
  get weights(): Variable[] {
    return this.weightEntries.map((w) => w.variable);
  }

  /** Weights that `fit` updates (none when the layer is frozen). */
  get trainableWeights(): Variable[] {
    return this.trainable ? this.allWeights().filter((w) => w.trainable).map((w) => w.variable) : [];
  }

  /** Weights that `fit` does not update. */
  get nonTrainableWeights(): Variable[] {
    const t = this.trainableWeights;
    return this.allWeights().map((w) => w.variable).filter((v) => !t.includes(v));
  }

  /**
   * The current weight values as new tensors (the caller disposes them), in `weights` order.
   * @example
   * ```ts
   * const [kernel, bias] = model.layers[0].getWeights();
   * kernel.shape; // [784, 512]
   * ```
   */
  getWeights(): Tensor[] {
    this.assertUsable('give its weights');
    return this.weights.map((v) => reshape(v, v.shape));
  }

  /** Replaces the weight values (shapes must match, in `weights` order). */
  setWeights(values: readonly Tensor[]): void {
    this.assertUsable('set its weights');
    const ws = this.weightEntries;
    if (values.length !== ws.length) {
      throw new ValueError(`${this.name}.setWeights: expected ${ws.length} arrays but got ${values.length}`);
    }
    ws.forEach((w, i) => {
      const v = values[i];
      if (v.shape.length !== w.variable.shape.length || v.shape.some((d, j) => d !== w.variable.shape[j])) {
        throw new ShapeError(
          `${this.name}.setWeights: weight '${w.name}' has shape [${w.variable.shape.join(', ')}] but the value has [${v.shape.join(', ')}]`,
        );
      }
    });
    tidy(() => ws.forEach((w, i) => w.variable.assign(values[i].dtype === w.variable.dtype ? values[i] : cast(values[i], w.variable.dtype))));
  }

  /** Number of scalars in all weights. */
  countParams(): number {
    return this.allWeights().reduce((n, w) => n + w.variable.size, 0);
  }

  /** The regularization penalties of this layer's weights, for the loss. */
  regularizationLosses(): Tensor[] {
    return this.allWeights().filter((w) => w.regularizer && this.trainable).map((w) => w.regularizer!.call(w.variable));
  }

  /** Frees the weights (the sublayers' too). The layer then refuses every use (a second dispose does nothing). */
  dispose(): void {
    for (const w of this.weightList) w.variable.dispose();
    this.weightList.length = 0;
    for (const { layer } of this.sublayers()) layer.dispose();
    this.built = false;
    this.markDisposed();
  }

  /** The output shape of the layer's (first) call in a graph, as Keras's `layer.output_shape`. */
  get outputShape(): LayerShape | LayerShape[] {
    const node = this.inboundNodes[0];
    if (!node) throw new ValueError(`${this.name} has not been called on a symbolic input yet; it has no output shape`);
    return node.outputs.length === 1 ? node.outputs[0].shape : node.outputs.map((o) => o.shape);
  }

  /**
   * The symbolic output of the layer's first call in a graph (Keras's `layer.output`):
   * with it a functional model can expose inner activations.
   * @example
   * ```ts
   * const probe = new Model({ inputs: model.inputs, outputs: model.layers[0].output });
   * const maps = probe.predict(images) as Tensor; // the first layer's activations
   * ```
   */
  get output(): SymbolicTensor | SymbolicTensor[] {
    const node = this.inboundNodes[0];
    if (!node) throw new ValueError(`${this.name} has not been called on a symbolic input yet; it has no output`);
    return node.outputs.length === 1 ? node.outputs[0] : [...node.outputs];
  }

  /** The symbolic input of the layer's first call in a graph (Keras's `layer.input`). */
  get input(): SymbolicTensor | SymbolicTensor[] {
    const node = this.inboundNodes[0];
    if (!node) throw new ValueError(`${this.name} has not been called on a symbolic input yet; it has no input`);
    if (node.inputs.length === 0) return node.outputs[0]; // an InputLayer: its input is its output
    return node.inputs.length === 1 ? node.inputs[0] : [...node.inputs];
  }

  /** A readable description. */
  toString(): string {
    return `${this.name} (${this.className})`;
  }
}

/** True for a list of shapes (as opposed to one shape). */
export function isShapeList(s: LayerShape | LayerShape[]): s is LayerShape[] {
  return s.length > 0 && Array.isArray(s[0]);
}

/** Most values one weight may hold: more than a typed array can index, or a typo (`units: 1e12`). */
const MAX_WEIGHT_VALUES = 2 ** 31 - 1;

function checkWeightSize(layer: string, name: string, shape: Shape): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || size > MAX_WEIGHT_VALUES) {
    throw new ValueError(
      `${layer}: weight '${name}' of shape [${shape.join(', ')}] would hold ${size} values; expected non-negative integer dimensions ` +
        `and at most ${MAX_WEIGHT_VALUES} values (check the layer's size arguments: units, filters, kernel size)`,
    );
  }
}

function freeVariableName(base: string): string {
  const vars = getEngine().registeredVariables();
  if (!vars.has(base)) return base;
  let i = 1;
  while (vars.has(`${base}_${i}`)) i++;
  return `${base}_${i}`;
}

export { formatLayerShape };
