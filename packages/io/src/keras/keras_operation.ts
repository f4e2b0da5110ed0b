// Keras 3 records the tensor ops a functional model calls outside layers (above all the mask
// computations of Embedding, Masking and the merge layers: NotEqual, Any, LogicalOr, ...) as
// nodes of its config, next to the layers. Each such node becomes a KerasOperation here: a
// weightless graph node that computes the op with Keras's semantics and writes back what Keras
// wrote. Models keep them out of `layers`, as Keras keeps them out of `model.layers`.
import {
  all,
  any,
  cast,
  concat,
  equal,
  expandDims,
  logicalAnd,
  logicalNot,
  logicalOr,
  notEqual,
  ones,
  ValueError,
  zeros,
  type DType,
  type Tensor,
} from '@tessera/tensor';
import { Layer, type LayerShape, type Tensors } from '@tessera/layers';

type Json = Record<string, unknown>;

/** Where a call argument of an op was a tensor: the index of that tensor among the node's inputs. */
interface TensorSlot {
  readonly tensor: number;
}

/** The op's arguments with tensors in their slots (scalars and lists as Keras recorded them). */
type Arg = Tensor | number | boolean | string | null | Arg[];

interface OpSpec {
  /** The Keras module the class lives in (written back as `module`). */
  readonly module: string;
  /** Computes the op on its positional arguments, with the op's config (axis, dtype, ...). */
  compute(args: Arg[], config: Json): Tensor;
  /** Output shape from the shapes of its tensor arguments (in order of appearance). */
  shape(shapes: LayerShape[], config: Json): LayerShape;
}

const NUMPY = 'keras.src.ops.numpy';

function tensorArg(x: Arg, op: string): Tensor | number | boolean {
  if (typeof x === 'number' || typeof x === 'boolean') return x;
  if (x !== null && typeof x === 'object' && !Array.isArray(x)) return x;
  throw new ValueError(`${op}: expected a tensor or a number but got ${JSON.stringify(x)}`);
}

/** Keras's axis argument: an integer, a list of them, or null (every axis). */
function axisOf(config: Json, op: string): number | number[] | undefined {
  const a = config.axis;
  if (a === null || a === undefined) return undefined;
  if (Number.isInteger(a) || (Array.isArray(a) && a.every(Number.isInteger))) return a as number | number[];
  throw new ValueError(`${op}: expected an integer axis but got ${JSON.stringify(a)}`);
}

/** The dtype Keras names, as Tessera's (Keras's ints are int32 here, its floats float32). */
function dtypeOf(config: Json, op: string): DType {
  const d = config.dtype;
  if (d === 'bool') return 'bool';
  if (typeof d === 'string' && /^u?int/.test(d)) return 'int32';
  if (typeof d === 'string' && /^(float|bfloat)/.test(d)) return 'float32';
  throw new ValueError(`${op}: unsupported dtype ${JSON.stringify(d)}`);
}

function broadcastShape(shapes: LayerShape[]): LayerShape {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => {
    const dims = shapes.map((s) => s[s.length - rank + i]).filter((d) => d !== undefined && d !== 1);
    return dims.includes(null) ? null : (dims[0] ?? 1);
  });
}

function norm(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function reducedShape(shape: LayerShape, config: Json, op: string): LayerShape {
  const axis = axisOf(config, op);
  const axes = axis === undefined ? shape.map((_, i) => i) : (Array.isArray(axis) ? axis : [axis]).map((a) => norm(a, shape.length));
  return config.keepdims === true ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

const elementwise = (shapes: LayerShape[]) => broadcastShape(shapes);

function binary(f: (a: Tensor | number | boolean, b: Tensor | number | boolean) => Tensor, op: string): OpSpec {
  return { module: NUMPY, compute: ([a, b]) => f(tensorArg(a, op), tensorArg(b, op)), shape: elementwise };
}

function reduction(f: typeof any, op: string): OpSpec {
  return {
    module: NUMPY,
    compute: ([x], c) => f(tensorArg(x, op) as Tensor, axisOf(c, op), c.keepdims === true),
    shape: ([s], c) => reducedShape(s, c, op),
  };
}

function filled(value: 0 | 1, op: string): OpSpec {
  return {
    module: NUMPY,
    compute: ([x], c) => {
      const t = tensorArg(x, op) as Tensor;
      const dtype = c.dtype === null || c.dtype === undefined ? t.dtype : dtypeOf(c, op);
      return value === 1 ? ones(t.shape, dtype) : zeros(t.shape, dtype);
    },
    shape: ([s]) => s,
  };
}

/** The ops Keras's own mask computations record, by Keras class name. */
const OPS: Record<string, OpSpec> = {
  NotEqual: binary(notEqual as never, 'NotEqual'),
  Equal: binary(equal as never, 'Equal'),
  LogicalAnd: binary(logicalAnd as never, 'LogicalAnd'),
  LogicalOr: binary(logicalOr as never, 'LogicalOr'),
  LogicalNot: { module: NUMPY, compute: ([x]) => logicalNot(tensorArg(x, 'LogicalNot') as Tensor), shape: ([s]) => s },
  Any: reduction(any, 'Any'),
  All: reduction(all, 'All'),
  ExpandDims: {
    module: NUMPY,
    compute: ([x], c) => {
      const t = tensorArg(x, 'ExpandDims') as Tensor;
      return expandDims(t, norm(axisOf(c, 'ExpandDims') as number, t.rank + 1));
    },
    shape: ([s], c) => {
      const out: (number | null)[] = [...s];
      out.splice(norm(axisOf(c, 'ExpandDims') as number, s.length + 1), 0, 1);
      return out;
    },
  },
  OnesLike: filled(1, 'OnesLike'),
  ZerosLike: filled(0, 'ZerosLike'),
  Concatenate: {
    module: NUMPY,
    compute: ([xs], c) => {
      if (!Array.isArray(xs)) throw new ValueError(`Concatenate: expected a list of tensors`);
      const ts = xs.map((x) => tensorArg(x, 'Concatenate') as Tensor);
      return concat(ts, norm((axisOf(c, 'Concatenate') as number | undefined) ?? 0, ts[0].rank));
    },
    shape: (shapes, c) => {
      const axis = norm((axisOf(c, 'Concatenate') as number | undefined) ?? 0, shapes[0].length);
      return shapes[0].map((d, i) => (i !== axis ? d : shapes.some((s) => s[i] === null) ? null : shapes.reduce((n, s) => n + (s[i] as number), 0)));
    },
  },
  Cast: {
    module: 'keras.src.ops.core',
    compute: ([x], c) => cast(tensorArg(x, 'Cast') as Tensor, dtypeOf(c, 'Cast')),
    shape: ([s]) => s,
  },
};

/** The Keras op classes Tessera computes (those Keras's mask computations record). */
export const KERAS_OPERATIONS: readonly string[] = Object.keys(OPS).sort();

/**
 * One Keras op node of a functional model (see the file comment): its tensors are the node's
 * inputs; its other arguments (NotEqual's `0`) and its config (Any's `axis`) stay as Keras
 * recorded them, so that the model writes them back unchanged.
 */
export class KerasOperation extends Layer {
  static override readonly className: string = 'KerasOperation';
  override get isOperation(): boolean {
    return true;
  }
  readonly module: string;
  private readonly spec: OpSpec;

  constructor(
    private readonly opClass: string,
    /** The op's config as Keras wrote it (its name, axis, keepdims, dtype, ...). */
    readonly opConfig: Json,
    /** The call's positional arguments, with a {@link TensorSlot} where a tensor went. */
    readonly callArgs: readonly unknown[],
    /** The call's keyword arguments (constants), written back as they were. */
    readonly callKwargs: Json,
  ) {
    super({ name: typeof opConfig.name === 'string' ? opConfig.name : undefined });
    const spec = OPS[opClass];
    if (!spec) throw new ValueError(`the Keras operation '${opClass}' is not supported (supported: ${KERAS_OPERATIONS.join(', ')})`);
    if (Object.keys(callKwargs).length > 0) {
      throw new ValueError(`the Keras operation '${opClass}' was called with keyword arguments ${JSON.stringify(callKwargs)}, which Tessera does not support`);
    }
    this.spec = spec;
    this.module = spec.module;
  }

  override get className(): string {
    return this.opClass;
  }

  call(inputs: Tensors): Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const fill = (a: unknown): Arg => {
      if (Array.isArray(a)) return a.map(fill);
      if (isSlot(a)) return list[a.tensor];
      return a as Arg;
    };
    return this.spec.compute(this.callArgs.map(fill), this.opConfig);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    // One tensor arrives as its shape, several as a list of shapes.
    const shapes = this.tensorCount() === 1 ? [inputShape as LayerShape] : (inputShape as LayerShape[]);
    return this.spec.shape(shapes, this.opConfig);
  }

  /** Keras's config of the op: exactly what it wrote (an op's constructor takes nothing else). */
  override getConfig(): Record<string, unknown> {
    return { ...this.opConfig, name: this.name };
  }

  /** How many tensors the call takes. */
  tensorCount(): number {
    let n = 0;
    const walk = (a: unknown): void => {
      if (Array.isArray(a)) a.forEach(walk);
      else if (isSlot(a)) n++;
    };
    this.callArgs.forEach(walk);
    return n;
  }
}

function isSlot(a: unknown): a is TensorSlot {
  return typeof a === 'object' && a !== null && !Array.isArray(a) && Number.isInteger((a as TensorSlot).tensor) && Object.keys(a).length === 1;
}

/**
 * Whether a layer is a Keras op node ({@link KerasOperation}) rather than a layer.
 * @example
 * ```ts
 * model.operations.filter(isKerasOperation).map((op) => op.className); // ['NotEqual', 'Any']
 * ```
 */
export function isKerasOperation(layer: Layer): layer is KerasOperation {
  return layer instanceof KerasOperation;
}

/**
 * A Keras op node from its config entry: the op's class and config, and the `args`/`kwargs` of
 * its one call, where every `__keras_tensor__` becomes the next input of the node (in order).
 * Throws for an op Tessera does not compute, naming it.
 * @example
 * ```ts
 * const op = kerasOperation('NotEqual', { name: 'not_equal' }, [{ class_name: '__keras_tensor__', config: {...} }, 0], {});
 * op.apply(tokens); // tokens != 0
 * ```
 */
export function kerasOperation(className: string, config: Json, args: readonly unknown[], kwargs: Json): KerasOperation {
  let next = 0;
  const slot = (a: unknown): unknown => {
    if (Array.isArray(a)) return a.map(slot);
    if (typeof a === 'object' && a !== null && (a as Json).class_name === '__keras_tensor__') return { tensor: next++ };
    return a;
  };
  return new KerasOperation(className, config, args.map(slot), kwargs);
}
