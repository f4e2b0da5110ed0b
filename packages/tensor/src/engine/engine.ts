import type { Backend, BackendFactory } from '../backend.js';
import { BackendError, DisposedTensorError, KernelNotFoundError, TesseraError, ValueError } from '../errors.js';
import { getKernel, getKernelsForBackend } from '../kernel_registry.js';
import { KERNELS, type KernelAttrs, type KernelName } from '../kernel_names.js';
import { Tensor, Variable } from '../tensor.js';
import { formatShape, sizeFromShape } from '../util/shape.js';
import { isTypedArrayOf } from '../util/dtype.js';
import type { DataId, DType, Shape, TensorInfo, TypedArray } from '../types.js';
import { Tape, type GradFunc } from './tape.js';
import { shared } from '../global_state.js';

interface BackendEntry {
  factory: BackendFactory;
  priority: number;
  instance?: Backend;
  /** An async factory's start in progress: every caller shares it, so one instance is made. */
  pending?: Promise<Backend>;
}

interface DataEntry {
  backend: Backend;
  refCount: number;
}

interface Scope {
  readonly name: string;
  readonly tracked: Tensor[];
}

/** What `memory()` reports. */
export interface MemoryInfo {
  /** Live tensor handles (tensors and variables not yet disposed). */
  numTensors: number;
  /** Distinct backend buffers (reshapes share one). */
  numDataBuffers: number;
  /** Bytes held by all initialized backends. */
  numBytes: number;
  /** Bytes per initialized backend. */
  backends: Record<string, { numBytes: number }>;
}

/**
 * The engine: the backend registry, the data reference counts, the `tidy` scopes and
 * the autodiff tapes. There is one per process, reached with {@link getEngine}.
 */
export class Engine {
  private readonly registry = new Map<string, BackendEntry>();
  private active: Backend | undefined;
  private readonly data = new Map<DataId, DataEntry>();
  private readonly scopes: Scope[] = [];
  private readonly tapes: Tape[] = [];
  private readonly variables = new Map<string, Variable>();
  private liveTensors = 0;

  // ---------------------------------------------------------------- backends

  registerBackend(name: string, factory: BackendFactory, priority = 1): void {
    if (this.registry.has(name)) throw new BackendError(`registerBackend: a backend named '${name}' is already registered`);
    this.registry.set(name, { factory, priority });
  }

  /** Names of registered backends, highest priority first. */
  backendNames(): string[] {
    return [...this.registry.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
  }

  async setBackend(name: string): Promise<void> {
    this.active = await this.start(this.entryOf(name));
  }

  /** The backend of an entry, created once (async factories included). */
  private start(entry: BackendEntry): Backend | Promise<Backend> {
    if (entry.instance) return entry.instance;
    if (entry.pending) return entry.pending;
    const made = entry.factory();
    if (!(made instanceof Promise)) return (entry.instance = made);
    entry.pending = made.then(
      (b) => {
        entry.instance = b;
        entry.pending = undefined;
        return b;
      },
      (e: unknown) => {
        entry.pending = undefined;
        throw e;
      },
    );
    return entry.pending;
  }

  /** Initializes the highest-priority backend that starts, if none is active; returns its name. */
  async ready(): Promise<string> {
    if (this.active) return this.active.name;
    const errors: string[] = [];
    for (const name of this.backendNames()) {
      try {
        await this.setBackend(name);
        return name;
      } catch (e) {
        errors.push(`${name}: ${(e as Error).message}`);
      }
    }
    throw new BackendError(`no backend could start (${errors.join('; ') || 'none registered'}); import @tessera/cpu-backend`);
  }

  /** The active backend, starting the best synchronous one on first use. */
  get backend(): Backend {
    if (this.active) return this.active;
    for (const name of this.backendNames()) {
      const started = this.start(this.entryOf(name));
      if (started instanceof Promise) {
        // Async backends (WebGPU) start in the background; `setBackend`/`ready` reuse that start.
        started.catch(() => undefined);
        continue;
      }
      this.active = started;
      return this.active;
    }
    throw new BackendError(
      this.registry.size === 0
        ? 'no backend registered: import "@tessera/cpu-backend" (or "tessera-ml", which registers the best one)'
        : `no backend starts synchronously (registered: ${this.backendNames().join(', ')}); call "await setBackend(name)" first`,
    );
  }

  /** The instance of a registered backend, if it has been started. */
  findBackend(name: string): Backend | undefined {
    return this.registry.get(name)?.instance;
  }

  /** Removes a backend and frees what it holds (tensors on it become unusable). */
  removeBackend(name: string): void {
    const entry = this.registry.get(name);
    if (!entry) return;
    if (entry.instance) {
      for (const [id, d] of this.data) if (d.backend === entry.instance) this.data.delete(id);
      entry.instance.dispose?.();
      if (this.active === entry.instance) this.active = undefined;
    }
    this.registry.delete(name);
  }

  private entryOf(name: string): BackendEntry {
    const entry = this.registry.get(name);
    if (!entry) {
      throw new BackendError(`backend '${name}' is not registered (registered: ${this.backendNames().join(', ') || 'none'})`);
    }
    return entry;
  }

  // ------------------------------------------------------------ tensor data

  /** Makes a tensor from values already in the storage array of `dtype`. The array is kept, not copied. */
  makeTensor(values: TypedArray, shape: Shape, dtype: DType): Tensor {
    if (!isTypedArrayOf(values, dtype)) throw new TesseraError(`makeTensor: values are not the storage array of ${dtype}`);
    if (values.length !== sizeFromShape(shape)) {
      throw new TesseraError(`makeTensor: ${values.length} values do not fill shape ${formatShape(shape)}`);
    }
    const backend = this.backend;
    return this.track(this.newHandle(backend.write(values, shape, dtype), shape, dtype, backend));
  }

  /**
   * @internal Ties to `owner` a new handle to `companion`'s values, which lives exactly as long
   * as `owner`: no `tidy` disposes it, disposing `owner` disposes it (so a tensor returned from
   * a `tidy` keeps it, and nothing outlives its owner). Replaces what was tied before; with
   * `undefined`, just drops that. Layers tie Keras masks to their outputs this way (`getKerasMask`
   * in @tessera/layers).
   */
  attach(owner: Tensor, companion: Tensor | undefined): void {
    const before = owner.attached;
    if (companion) {
      this.assertLive(owner, 'attach');
      this.assertLive(companion, 'attach');
      const entry = this.data.get(companion.dataId)!;
      owner.attached = this.newHandle(companion.dataId, companion.shape, companion.dtype, entry.backend);
    } else owner.attached = undefined;
    if (before) this.disposeTensor(before);
  }

  /** A new handle to a buffer, counted as a live tensor and as a reference to the buffer. */
  private newHandle(dataId: DataId, shape: Shape, dtype: DType, backend: Backend, id?: number): Tensor {
    const entry = this.data.get(dataId);
    if (entry) entry.refCount++;
    else this.data.set(dataId, { backend, refCount: 1 });
    this.liveTensors++;
    return new Tensor(shape, dtype, dataId, id);
  }

  private release(dataId: DataId): void {
    const entry = this.data.get(dataId);
    if (!entry) return;
    if (--entry.refCount === 0) {
      this.data.delete(dataId);
      entry.backend.disposeData(dataId);
    }
  }

  disposeTensor(t: Tensor): void {
    if (t.isDisposed) return;
    t.markDisposed();
    this.liveTensors--;
    this.release(t.dataId);
    const attached = t.attached;
    if (attached) {
      t.attached = undefined;
      this.disposeTensor(attached);
    }
    // Only a Variable has a name (cheaper than `instanceof`, which checks brands across copies).
    const name = (t as Partial<Variable>).name;
    if (name !== undefined && this.variables.get(name) === t) this.variables.delete(name);
  }

  async read(t: Tensor): Promise<TypedArray> {
    this.assertLive(t, 'data');
    const entry = this.data.get(t.dataId)!;
    return (await entry.backend.read(t.dataId)).slice();
  }

  /**
   * @internal The values without the copy {@link Engine.read} makes: on the CPU backend the
   * stored array itself. For checks that only look (the training loop's NaN scan reads a
   * whole dataset): never write to it, and do not keep it past the tensor's life.
   */
  async readView(t: Tensor): Promise<TypedArray> {
    this.assertLive(t, 'data');
    return this.data.get(t.dataId)!.backend.read(t.dataId);
  }

  readSync(t: Tensor): TypedArray {
    this.assertLive(t, 'dataSync');
    const entry = this.data.get(t.dataId)!;
    if (!entry.backend.readSync) {
      throw new BackendError(`dataSync: backend '${entry.backend.name}' cannot read synchronously; use "await t.data()"`);
    }
    return entry.backend.readSync(t.dataId).slice();
  }

  private assertLive(t: Tensor, op: string): void {
    if (t.isDisposed || !this.data.has(t.dataId)) {
      throw new DisposedTensorError(`${op}: tensor ${formatShape(t.shape)} ${t.dtype} (id ${t.id}) was disposed and cannot be used`);
    }
  }

  /** Copies a tensor's values to the active backend when another backend owns them. */
  private ensureOnActive(t: Tensor, backend: Backend): void {
    const entry = this.data.get(t.dataId)!;
    if (entry.backend === backend) return;
    if (!entry.backend.readSync) {
      throw new BackendError(
        `tensor ${formatShape(t.shape)} lives on backend '${entry.backend.name}', which cannot be read synchronously; ` +
          `read it with "await t.data()" and make a new tensor on '${backend.name}'`,
      );
    }
    const values = entry.backend.readSync(t.dataId).slice();
    entry.backend.disposeData(t.dataId);
    backend.move(t.dataId, values, t.shape, t.dtype);
    entry.backend = backend;
  }

  // ---------------------------------------------------------------- kernels

  /**
   * Runs a kernel of the active backend on tensors and returns the output tensor,
   * tracked by the current `tidy` scope and recorded on active gradient tapes.
   */
  runKernel<K extends KernelName>(kernelName: K, inputs: readonly Tensor[], attrs: KernelAttrs[K]): Tensor {
    const spec = KERNELS[kernelName];
    if (spec?.outputs) {
      throw new TesseraError(`runKernel: kernel '${kernelName}' returns several outputs; run it with runKernelOutputs`);
    }
    const result = this.execute(kernelName, inputs, attrs);
    if (Array.isArray(result)) throw new TesseraError(`kernel '${kernelName}' returned several outputs; the list declares one`);
    const out = this.track(this.newHandle(result.dataId, result.shape, result.dtype, this.backend));
    // Float results of kernels without a gradient are recorded too: if backprop reaches
    // one it fails loudly (no registered gradient) instead of silently cutting the graph.
    if (this.tapes.length > 0 && (spec.differentiable || out.dtype === 'float32')) {
      this.record(kernelName, inputs, [out], attrs as Record<string, unknown>);
    }
    return out;
  }

  /**
   * Runs a kernel that the list declares with several `outputs` (the optimizer updates,
   * the recurrent cells) and returns them in order, each tracked like {@link runKernel}'s
   * output; the tapes record them as one node (see `registerOutputsGradient`).
   */
  runKernelOutputs<K extends KernelName>(kernelName: K, inputs: readonly Tensor[], attrs: KernelAttrs[K]): Tensor[] {
    if (!KERNELS[kernelName]?.outputs) {
      throw new TesseraError(`runKernelOutputs: kernel '${kernelName}' returns one output; run it with runKernel`);
    }
    const result = this.execute(kernelName, inputs, attrs);
    const list = Array.isArray(result) ? result : [result];
    const outs = list.map((info) => this.track(this.newHandle(info.dataId, info.shape, info.dtype, this.backend)));
    // One node for all outputs: backprop then runs the kernel's gradient once, with every output's gradient.
    if (this.tapes.length > 0 && (KERNELS[kernelName].differentiable || outs.some((o) => o.dtype === 'float32'))) {
      this.record(kernelName, inputs, outs, attrs as Record<string, unknown>);
    }
    return outs;
  }

  /** Checks and moves the inputs, then calls the active backend's kernel. */
  private execute<K extends KernelName>(kernelName: K, inputs: readonly Tensor[], attrs: KernelAttrs[K]): TensorInfo | TensorInfo[] {
    const backend = this.backend;
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i];
      const entry = this.data.get(t.dataId);
      if (t.isDisposed || !entry) this.assertLive(t, kernelName);
      else if (entry.backend !== backend) this.ensureOnActive(t, backend);
    }
    const kernel = getKernel(kernelName, backend.name);
    if (!kernel) {
      throw new KernelNotFoundError(
        `kernel '${kernelName}' is not registered for backend '${backend.name}' ` +
          `(it registers ${getKernelsForBackend(backend.name).length} kernels; see getKernelsForBackend('${backend.name}'))`,
      );
    }
    return kernel.kernelFunc({ inputs, attrs: attrs as never, backend });
  }

  /**
   * A tensor of a new shape sharing `x`'s buffer (no copy). Recorded for autodiff
   * under the pseudo-kernel name `Reshape`.
   */
  reshape(x: Tensor, shape: Shape): Tensor {
    this.assertLive(x, 'reshape');
    const entry = this.data.get(x.dataId)!;
    const out = this.track(this.newHandle(x.dataId, shape, x.dtype, entry.backend));
    if (this.tapes.length > 0) this.record('Reshape', [x], [out], { shape: x.shape });
    return out;
  }

  // ----------------------------------------------------------------- scopes

  /**
   * Runs `fn` and disposes every tensor it created except those it returns
   * (any nesting of arrays and plain objects) and those passed to `keep`.
   */
  tidy<T>(fn: () => T, name = 'tidy'): T {
    const scope: Scope = { name, tracked: [] };
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.scopes.pop();
      this.disposeScope(scope, new Set());
      throw e;
    }
    this.scopes.pop();
    const parent = this.scopes[this.scopes.length - 1];
    if (result instanceof Tensor) {
      // The common case (every op): one tensor returned, no set to build.
      const tracked = scope.tracked;
      let own = false;
      for (let i = 0; i < tracked.length; i++) {
        const t = tracked[i];
        if (t === result) own = true;
        else if (!t.kept) this.disposeTensor(t);
      }
      // A result this scope created moves to the parent scope; a tensor from outside stays where it was.
      if (own && parent && !result.isDisposed) parent.tracked.push(result);
      return result;
    }
    if (result instanceof Promise) {
      this.disposeScope(scope, new Set());
      throw new TesseraError('tidy: the function returned a Promise; tidy cannot track async work (await outside tidy)');
    }
    const kept = new Set<Tensor>();
    collectTensors(result, kept);
    this.disposeScope(scope, kept);
    // Results this scope created move to the parent scope; tensors from outside stay where they were.
    if (parent && kept.size > 0) {
      const tracked = scope.tracked;
      // A few results among a few tensors (an update op's outputs): a scan beats building a set.
      const own = kept.size * tracked.length > 256 ? new Set(tracked) : undefined;
      for (const t of kept) if (!t.isDisposed && (own ? own.has(t) : tracked.includes(t))) parent.tracked.push(t);
    }
    return result;
  }

  private disposeScope(scope: Scope, keepSet: Set<Tensor>): void {
    const tracked = scope.tracked;
    for (let i = 0; i < tracked.length; i++) {
      const t = tracked[i];
      if (!t.kept && !keepSet.has(t)) this.disposeTensor(t);
    }
  }

  /** Exempts a tensor from every enclosing `tidy`. */
  keep<T extends Tensor>(t: T): T {
    t.kept = true;
    return t;
  }

  private track(t: Tensor): Tensor {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.tracked.push(t);
    return t;
  }

  // -------------------------------------------------------------- variables

  makeVariable(initial: Tensor, name: string | undefined, trainable: boolean): Variable {
    this.assertLive(initial, 'variable');
    const varName = name ?? this.uniqueVariableName('variable');
    if (this.variables.has(varName)) {
      throw new ValueError(`variable: a variable named '${varName}' already exists; names must be unique`);
    }
    const v = new Variable(initial, varName, trainable);
    this.data.get(initial.dataId)!.refCount++;
    this.liveTensors++;
    this.variables.set(varName, v);
    return v;
  }

  private uniqueVariableName(base: string): string {
    let i = this.variables.size;
    while (this.variables.has(`${base}_${i}`)) i++;
    return `${base}_${i}`;
  }

  assignVariable(v: Variable, value: Tensor): void {
    this.assertLive(v, 'assign');
    this.assertLive(value, 'assign');
    const entry = this.data.get(value.dataId)!;
    entry.refCount++;
    this.release(v.dataId);
    v.dataId = value.dataId;
  }

  /** Every live variable, by name. */
  registeredVariables(): ReadonlyMap<string, Variable> {
    return this.variables;
  }

  // --------------------------------------------------------------- autodiff

  /** Starts recording ops that depend on `sources`. */
  startTape(sources: readonly Tensor[]): Tape {
    const tape = new Tape(sources.map((s) => s.id));
    this.tapes.push(tape);
    return tape;
  }

  /** Stops recording on `tape` (it must be the innermost). */
  endTape(tape: Tape): void {
    const top = this.tapes.pop();
    if (top !== tape) throw new TesseraError('endTape: gradient tapes ended out of order');
  }

  /** Frees the saved copies a tape holds. */
  releaseTape(tape: Tape): void {
    const nodes = tape.nodes;
    for (let n = 0; n < nodes.length; n++) {
      const { inputs, outputs } = nodes[n];
      for (let i = 0; i < inputs.length; i++) this.disposeTensor(inputs[i]);
      for (let i = 0; i < outputs.length; i++) this.disposeTensor(outputs[i]);
    }
    nodes.length = 0;
  }

  /**
   * Records an op (its outputs: one, or all of a kernel of several) on every active tape
   * for which one of its inputs depends on a source.
   */
  record(kernelName: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: Record<string, unknown>, gradFunc?: GradFunc): void {
    const tapes = this.tapes;
    for (let k = 0; k < tapes.length; k++) {
      const tape = tapes[k];
      if (!tape.dependsOnSource(inputs)) continue;
      for (let i = 0; i < outputs.length; i++) tape.tracked.add(outputs[i].id);
      tape.nodes.push({ kernelName, inputs: this.savedCopies(inputs), outputs: this.savedCopies(outputs), attrs, gradFunc });
    }
  }

  /** A handle with the same id and buffer, owned by a tape (not by any tidy scope). */
  private savedCopies(list: readonly Tensor[]): Tensor[] {
    const out: Tensor[] = [];
    for (let i = 0; i < list.length; i++) {
      const t = list[i];
      const entry = this.data.get(t.dataId);
      if (!entry) this.assertLive(t, 'record'); // a freed buffer (customGrad's saved tensors) cannot be kept
      entry!.refCount++;
      this.liveTensors++;
      out.push(new Tensor(t.shape, t.dtype, t.dataId, t.id));
    }
    return out;
  }

  /** Runs `fn` with every tape paused (used by customGrad). */
  withoutRecording<T>(fn: () => T): T {
    const paused = this.tapes.splice(0);
    try {
      return fn();
    } finally {
      this.tapes.push(...paused);
    }
  }

  /**
   * @internal Whether `t` is the one handle to its buffer: no other tensor, variable, tape or
   * attached mask refers to it, so writing over it in place changes nothing else (the fused
   * optimizer updates' `inPlace`).
   */
  holdsBufferAlone(t: Tensor): boolean {
    return !t.isDisposed && this.data.get(t.dataId)?.refCount === 1;
  }

  /** True while some gradient tape is recording. */
  get isRecording(): boolean {
    return this.tapes.length > 0;
  }

  // ----------------------------------------------------------------- memory

  memory(): MemoryInfo {
    const backends: Record<string, { numBytes: number }> = {};
    let numBytes = 0;
    for (const [name, entry] of this.registry) {
      if (!entry.instance) continue;
      const m = entry.instance.memory();
      backends[name] = { numBytes: m.numBytes };
      numBytes += m.numBytes;
    }
    return { numTensors: this.liveTensors, numDataBuffers: this.data.size, numBytes, backends };
  }
}

function collectTensors(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (value instanceof Tensor) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, out, depth + 1);
    return;
  }
  if (value instanceof Map) {
    for (const v of value.values()) collectTensors(v, out, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, out, depth + 1);
  }
}

/**
 * One engine per page or process: copies of this version of the package (two bundles, a
 * package installed twice) share it, and a copy of another version refuses to load (global_state.ts).
 */
const engine = shared('engine', () => new Engine());

/** The engine of this page or process. */
export function getEngine(): Engine {
  return engine;
}
