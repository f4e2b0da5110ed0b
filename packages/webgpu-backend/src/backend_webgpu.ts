import {
  BackendError,
  util,
  type Backend,
  type DataId,
  type DType,
  type Shape,
  type TensorInfo,
  type TypedArray,
} from '@tessera/tensor';
import { BufferPool } from './buffer_pool.js';
import type { UniformLayout, UniformValues } from './uniforms.js';

// The WebGPU flag values, so the backend needs no globals (Node has none unless set).
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const SHADER_STAGE_COMPUTE = 0x4;
const MAP_MODE_READ = 0x1;

/** Usage of every tensor buffer. */
const STORAGE_USAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
const STAGING_USAGE = USAGE.MAP_READ | USAGE.COPY_DST;
/** Bytes between the uniforms of two dispatches: WebGPU's largest minUniformBufferOffsetAlignment. */
const UNIFORM_SLOT = 256;

/** Tuning knobs of a {@link WebGPUBackend}. */
export interface WebGPUBackendConfig {
  /** Dispatches recorded before the command buffer is submitted (default 64); reads submit at once. */
  maxDispatchesPerSubmit?: number;
  /** Free bytes the buffer pool keeps for reuse (default 256 MiB); beyond that, freed buffers are destroyed. */
  maxPooledBytes?: number;
  /** MatMul kernel choice: `'auto'` (naive for small products, tiled otherwise), or force one (tests, benchmarks). */
  matmul?: 'auto' | 'naive' | 'tiled';
  /**
   * Caps the workgroups per grid dimension below the device limit (default: the limit),
   * so tests can reach the paths that fold or loop over grids that would not fit.
   */
  maxWorkgroupsPerDimension?: number;
  /**
   * How float32 matrix products (MatMul, FusedMatMul, Conv2D, FusedConv2D and the
   * convolution gradients) compute: `'f32'` (default) throughout, or `'f16'`, mixed
   * precision: each operand is rounded to f16 as it is loaded, products are taken in f16
   * and summed in f32; the epilogue (bias, activation) and every tensor stay float32.
   * Products keep about 3 significant decimal digits (f16 has an 11-bit significand) and
   * f16's range (operands and products beyond ±65504 overflow, below ~6e-8 they flush to
   * zero); sums lose nothing more. int32 products and every other kernel are unchanged.
   * `'f16'` needs the adapter feature `shader-f16` ({@link WebGPUBackend.supportsF16}):
   * without it, creating the backend throws a `BackendError`.
   */
  precision?: 'f32' | 'f16';
}

/** A shader program: its WGSL (generated once per key) and uniform layout. */
export interface Program {
  /** Identifies the WGSL this program generates (its variant: dtypes, rank, op). */
  readonly key: string;
  /** Generates the WGSL source, with a `main` entry point (called once per key). */
  readonly source: () => string;
  /** The layout of `struct U` at binding `inputs + 1`, if the shader has uniforms. */
  readonly uniforms?: UniformLayout;
}

/** Counters for tests and tuning. */
export interface WebGPUStats {
  /** Command buffers submitted. */
  submits: number;
  /** Compute dispatches recorded. */
  dispatches: number;
  /** `createShaderModule` calls (one per distinct source). */
  shaderModules: number;
  /** Compute pipelines created. */
  pipelines: number;
  /** Dispatches whose pipeline came from the cache. */
  pipelineCacheHits: number;
  /** Tensor and scratch buffers created and reused. */
  buffersCreated: number;
  buffersReused: number;
}

/** What the backend stores per tensor buffer. */
interface GpuData {
  /** `null` for a tensor of no elements. */
  buffer: GPUBuffer | null;
  /** Number of elements (each 4 bytes on the GPU, bool included). */
  readonly length: number;
  readonly dtype: DType;
}

/** Memory of the WebGPU backend: live tensor bytes, plus the pool. */
export interface WebGPUMemory {
  /** Bytes of live tensors on the GPU (4 per element; bool is stored as u32). */
  numBytes: number;
  /** Bytes of free buffers the pool keeps for reuse. */
  numBytesPooled: number;
  /** Bytes of every GPU buffer the pool created and still holds (live, pooled, scratch and staging). */
  numBytesAllocated: number;
}

/**
 * Throws when `precision` asks for f16 arithmetic on a device without `shader-f16`: a
 * silent fallback to f32 would hide that the speed and numerics asked for are not there.
 */
export function checkPrecision(precision: string, supportsF16: boolean, info?: GPUAdapterInfo): void {
  if (precision === 'f32' || (precision === 'f16' && supportsF16)) return;
  if (precision !== 'f16') throw new BackendError(`webgpu: expected precision 'f32' or 'f16' but got ${JSON.stringify(precision)}`);
  const adapter = info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') : '';
  throw new BackendError(
    `webgpu: precision 'f16' needs the adapter feature 'shader-f16', but this adapter${adapter ? ` (${adapter})` : ''} does not offer it. ` +
      "Use precision 'f32' (the default) here, or an adapter with shader-f16: most GPUs in Chrome/Edge 120+; " +
      'in Node on Linux without a GPU, lavapipe from Mesa 25 (Debian bookworm-backports mesa-vulkan-drivers, ' +
      'with VK_ICD_FILENAMES pointing at its lvp_icd.json). SwiftShader lacks it. ' +
      '`backend.supportsF16` (false here) tells whether an adapter has it.',
  );
}

interface PipelineEntry {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/**
 * The WebGPU backend: tensors live in GPU storage buffers (float32 as `f32`, int32 as
 * `i32`, bool as `u32` 0/1) and every kernel is a WGSL compute shader. Kernels append
 * dispatches to one pending command encoder, submitted every
 * {@link WebGPUBackendConfig.maxDispatchesPerSubmit} dispatches, on {@link flush},
 * and whenever a value is read; only {@link read} waits for the GPU. There is no
 * `readSync`: use `await t.data()`.
 *
 * Create it with {@link createWebGPUBackend} (or register it with
 * `registerWebGPUBackend`); the kernels are registered when the package is imported.
 *
 * @example
 * ```ts
 * import { registerWebGPUBackend } from '@tessera/webgpu-backend';
 * import { setBackend, tensor, matMul } from '@tessera/tensor';
 *
 * registerWebGPUBackend();          // navigator.gpu in browsers; pass { gpu } in Node
 * await setBackend('webgpu');
 * const y = matMul(tensor([[1, 2]]), tensor([[3], [4]]));
 * await y.data();                   // Float32Array [11]
 * ```
 */
export class WebGPUBackend implements Backend {
  readonly name = 'webgpu';
  /**
   * Whether the adapter offers `shader-f16` (enabled on the device when it does): the
   * condition for {@link WebGPUBackendConfig.precision} `'f16'`.
   */
  readonly supportsF16: boolean;
  readonly config: Required<WebGPUBackendConfig>;

  private readonly data = new Map<DataId, GpuData>();
  private readonly pool: BufferPool;
  private readonly stagingPool: BufferPool;
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, PipelineEntry>();
  private readonly sources = new Map<string, string>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private liveBytes = 0;

  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private pending = 0;
  private readonly uniformBuffer: GPUBuffer;
  private readonly uniformStaging: ArrayBuffer;
  private uniformSlots = 0;
  private readonly emptyBuffer: GPUBuffer;

  private lostReason: string | null = null;
  private readonly lostSignal: Promise<never>;
  private readonly errors: string[] = [];
  private disposed = false;
  private readonly ownsDevice: boolean;
  private readonly counters = { submits: 0, dispatches: 0, shaderModules: 0, pipelines: 0, pipelineCacheHits: 0 };

  /**
   * @param device - the device to run on (see {@link createWebGPUBackend}, which requests one)
   * @param options - `supportsF16`, whether the backend owns (and destroys) the device, and tuning
   */
  constructor(
    readonly device: GPUDevice,
    options: { supportsF16?: boolean; ownsDevice?: boolean; config?: WebGPUBackendConfig } = {},
  ) {
    this.supportsF16 = options.supportsF16 ?? false;
    this.ownsDevice = options.ownsDevice ?? false;
    this.config = {
      maxDispatchesPerSubmit: options.config?.maxDispatchesPerSubmit ?? 64,
      maxPooledBytes: options.config?.maxPooledBytes ?? 256 * 2 ** 20,
      matmul: options.config?.matmul ?? 'auto',
      maxWorkgroupsPerDimension: Math.min(
        options.config?.maxWorkgroupsPerDimension ?? Infinity,
        device.limits.maxComputeWorkgroupsPerDimension,
      ),
      precision: options.config?.precision ?? 'f32',
    };
    checkPrecision(this.config.precision, this.supportsF16, device.adapterInfo);
    const maxBuffer = Math.min(device.limits.maxBufferSize, device.limits.maxStorageBufferBindingSize);
    this.pool = new BufferPool(device, this.config.maxPooledBytes, maxBuffer);
    this.stagingPool = new BufferPool(device, 64 * 2 ** 20, device.limits.maxBufferSize);
    this.uniformBuffer = device.createBuffer({
      size: this.config.maxDispatchesPerSubmit * UNIFORM_SLOT,
      usage: USAGE.UNIFORM | USAGE.COPY_DST,
    });
    this.uniformStaging = new ArrayBuffer(this.config.maxDispatchesPerSubmit * UNIFORM_SLOT);
    // Bound where a kernel input has no elements (a binding cannot be empty); never read.
    this.emptyBuffer = device.createBuffer({ size: 16, usage: STORAGE_USAGE });

    let rejectLost: (e: Error) => void = () => undefined;
    this.lostSignal = new Promise<never>((_, reject) => (rejectLost = reject));
    this.lostSignal.catch(() => undefined);
    void device.lost.then((info) => {
      this.lostReason = `${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''}`;
      this.encoder = null;
      this.pass = null;
      rejectLost(this.lostError('read'));
    });
    device.addEventListener?.('uncapturederror', (event) => {
      const e = (event as GPUUncapturedErrorEvent).error;
      if (this.errors.length < 16) this.errors.push(e.message);
    });
  }

  /** A snapshot of the counters (submits, dispatches, pipelines, buffers). */
  get stats(): WebGPUStats {
    return { ...this.counters, buffersCreated: this.pool.stats.created, buffersReused: this.pool.stats.reused };
  }

  // ------------------------------------------------------------ memory contract

  write(values: TypedArray, shape: Shape, dtype: DType): DataId {
    const dataId = {};
    this.move(dataId, values, shape, dtype);
    return dataId;
  }

  move(dataId: DataId, values: TypedArray, _shape: Shape, dtype: DType): void {
    this.assertUsable('write');
    const entry = this.allocate(values.length, dtype);
    if (entry.buffer) {
      const words = dtype === 'bool' ? Uint32Array.from(values) : values;
      this.device.queue.writeBuffer(entry.buffer, 0, words.buffer, words.byteOffset, words.byteLength);
    }
    this.data.set(dataId, entry);
  }

  /**
   * Copies the buffer to a mappable staging buffer, submits everything pending, and
   * resolves once the GPU is done. Rejects with a {@link BackendError} if the device is
   * lost (also while waiting) or if WebGPU reported errors since the last read.
   */
  async read(dataId: DataId): Promise<TypedArray> {
    this.assertUsable('read');
    const entry = this.entry(dataId, 'read');
    const bytes = entry.length * 4;
    if (bytes === 0) return util.makeTypedArray(entry.dtype, 0);
    const staging = this.stagingPool.acquire(bytes, STAGING_USAGE);
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(entry.buffer!, 0, staging, 0, bytes);
    this.flush();
    try {
      await Promise.race([staging.mapAsync(MAP_MODE_READ, 0, bytes), this.lostSignal]);
    } catch (e) {
      if (this.lostReason !== null) throw this.lostError('read');
      throw new BackendError(`webgpu: read: mapping the result failed: ${(e as Error).message}${this.errorSuffix()}`);
    }
    const words = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.stagingPool.release(staging, false);
    if (this.errors.length > 0) {
      const messages = this.errors.splice(0);
      throw new BackendError(`webgpu: read: WebGPU reported errors while computing: ${messages.join(' | ')}`);
    }
    if (entry.dtype === 'float32') return new Float32Array(words);
    if (entry.dtype === 'int32') return new Int32Array(words);
    return Uint8Array.from(new Uint32Array(words));
  }

  disposeData(dataId: DataId): void {
    const entry = this.data.get(dataId);
    if (!entry) return;
    this.data.delete(dataId);
    this.liveBytes -= entry.length * 4;
    if (entry.buffer) this.releaseBuffer(entry.buffer);
  }

  /** Live tensor bytes (what the engine and the conformance suite count), plus the pool's. */
  memory(): WebGPUMemory {
    return {
      numBytes: this.liveBytes,
      numBytesPooled: this.pool.pooledBytes,
      numBytesAllocated: this.pool.allocatedBytes + this.stagingPool.allocatedBytes,
    };
  }

  /** Submits pending work, frees every buffer and pipeline, and destroys the device if the backend created it. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.lostReason === null) this.flush();
    for (const entry of this.data.values()) entry.buffer?.destroy();
    this.data.clear();
    this.liveBytes = 0;
    this.pool.dispose();
    this.stagingPool.dispose();
    this.uniformBuffer.destroy();
    this.emptyBuffer.destroy();
    this.pipelines.clear();
    this.modules.clear();
    if (this.ownsDevice) this.device.destroy();
  }

  // ------------------------------------------------------------- for kernels

  /** The element count and dtype a buffer was written with (kernels use the input's own shape). */
  dtypeOf(info: TensorInfo): DType {
    return this.entry(info.dataId, 'kernel').dtype;
  }

  /** The buffer of a kernel input (a placeholder for a tensor of no elements, which shaders never read). */
  bufferOf(info: TensorInfo): GPUBuffer {
    return this.entry(info.dataId, 'kernel').buffer ?? this.emptyBuffer;
  }

  /** Allocates a kernel output of `shape` and `dtype` (no buffer if it has no elements). */
  makeOutput(shape: Shape, dtype: DType): TensorInfo {
    this.assertUsable('kernel');
    const dataId = {};
    this.data.set(dataId, this.allocate(util.sizeFromShape(shape), dtype));
    return { dataId, shape: [...shape], dtype };
  }

  /**
   * A scratch buffer of `length` 4-byte elements for a kernel's intermediate results.
   * Give it back with {@link releaseScratch} once the dispatches that use it are recorded.
   */
  scratch(length: number): GPUBuffer {
    this.assertUsable('kernel');
    return this.pool.acquire(Math.max(1, length) * 4, STORAGE_USAGE);
  }

  /** A small table computed on the CPU (resize indices, ...) in a scratch buffer; release it like one. */
  table(values: Int32Array | Float32Array | Uint32Array): GPUBuffer {
    const buffer = this.scratch(values.length);
    if (values.length > 0) this.device.queue.writeBuffer(buffer, 0, values.buffer, values.byteOffset, values.byteLength);
    return buffer;
  }

  /** Returns a scratch buffer; it is reused only after the commands recorded so far are submitted. */
  releaseScratch(buffer: GPUBuffer): void {
    this.releaseBuffer(buffer);
  }

  /**
   * Runs `program` once: allocates the output, binds `inputs` (tensors or buffers),
   * the output and the uniforms, and records a dispatch of `workgroups` (a count of
   * 1-D workgroups, split over two dimensions when needed, or an explicit grid).
   * Nothing is dispatched when the output has no elements.
   */
  run(
    program: Program,
    inputs: ReadonlyArray<TensorInfo | GPUBuffer>,
    output: { shape: Shape; dtype: DType },
    uniforms: UniformValues | undefined,
    workgroups: number | readonly [number, number, number],
  ): TensorInfo {
    const out = this.makeOutput(output.shape, output.dtype);
    const buffer = this.data.get(out.dataId)!.buffer;
    if (buffer) this.dispatch(program, inputs, buffer, uniforms, workgroups);
    return out;
  }

  /** The GPU buffer of an output made with {@link makeOutput} (`null` when it has no elements). */
  outputBuffer(info: TensorInfo): GPUBuffer | null {
    return this.entry(info.dataId, 'kernel').buffer;
  }

  /**
   * Records one dispatch of `program` writing into `output`, or into several outputs
   * (bound in order after the inputs, the uniforms after them; see `multiBindings`).
   */
  dispatch(
    program: Program,
    inputs: ReadonlyArray<TensorInfo | GPUBuffer>,
    output: GPUBuffer | readonly GPUBuffer[],
    uniforms: UniformValues | undefined,
    workgroups: number | readonly [number, number, number],
  ): void {
    this.assertUsable('kernel');
    const grid = typeof workgroups === 'number' ? this.grid(workgroups) : workgroups;
    if (grid[0] === 0 || grid[1] === 0 || grid[2] === 0) return;
    const max = this.config.maxWorkgroupsPerDimension;
    if (grid.some((g) => g > max)) {
      throw new BackendError(`webgpu: a dispatch of [${grid.join(', ')}] workgroups exceeds the device limit of ${max} per dimension`);
    }
    const outputs: readonly GPUBuffer[] = Array.isArray(output) ? output : [output as GPUBuffer];
    const { pipeline, layout } = this.pipelineFor(program, inputs.length, outputs.length);
    const entries: GPUBindGroupEntry[] = inputs.map((x, i) => ({
      binding: i,
      resource: { buffer: isBuffer(x) ? x : this.bufferOf(x) },
    }));
    outputs.forEach((buffer, j) => entries.push({ binding: inputs.length + j, resource: { buffer } }));
    if (program.uniforms) {
      const bytes = program.uniforms.pack(uniforms ?? {});
      const offset = this.uniformSlots * UNIFORM_SLOT;
      new Uint8Array(this.uniformStaging, offset, bytes.byteLength).set(new Uint8Array(bytes));
      this.uniformSlots++;
      entries.push({ binding: inputs.length + outputs.length, resource: { buffer: this.uniformBuffer, offset, size: bytes.byteLength } });
    }
    const bindGroup = this.device.createBindGroup({ layout, entries });
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    this.counters.dispatches++;
    if (++this.pending >= this.config.maxDispatchesPerSubmit) this.flush();
  }

  /** Records a buffer-to-buffer copy (whole elements). */
  copy(source: GPUBuffer, target: GPUBuffer, length: number): void {
    this.assertUsable('kernel');
    if (length === 0) return;
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(source, 0, target, 0, length * 4);
  }

  /** Submits the recorded commands (kernels record; only reads wait). */
  flush(): void {
    if (!this.encoder || this.lostReason !== null) return;
    this.endPass();
    if (this.uniformSlots > 0) this.device.queue.writeBuffer(this.uniformBuffer, 0, this.uniformStaging, 0, this.uniformSlots * UNIFORM_SLOT);
    this.device.queue.submit([this.encoder.finish()]);
    this.counters.submits++;
    this.encoder = null;
    this.pending = 0;
    this.uniformSlots = 0;
    this.pool.releaseDeferred();
  }

  /** Destroys the free buffers the pool keeps for reuse (live tensors and recorded work are untouched). */
  trimPool(): void {
    this.pool.trim();
    this.stagingPool.trim();
  }

  /** Submits pending work and waits until the GPU has finished it (for timing). */
  async sync(): Promise<void> {
    this.assertUsable('sync');
    this.flush();
    await Promise.race([this.device.queue.onSubmittedWorkDone(), this.lostSignal]);
  }

  /** Dispatches recorded and not yet submitted. */
  get pendingDispatches(): number {
    return this.pending;
  }

  /** Whether the device was lost (after which every call throws a {@link BackendError}). */
  get isLost(): boolean {
    return this.lostReason !== null;
  }

  // ---------------------------------------------------------------- internals

  private allocate(length: number, dtype: DType): GpuData {
    const bytes = length * 4;
    const limit = this.device.limits.maxStorageBufferBindingSize;
    if (bytes > limit) {
      throw new BackendError(`webgpu: a tensor of ${length} elements (${bytes} bytes) exceeds the device's storage binding limit of ${limit} bytes`);
    }
    this.liveBytes += bytes;
    return { buffer: length === 0 ? null : this.pool.acquire(bytes, STORAGE_USAGE), length, dtype };
  }

  private releaseBuffer(buffer: GPUBuffer): void {
    if (this.disposed) return;
    if (this.lostReason !== null) {
      buffer.destroy();
      return;
    }
    // While commands are being recorded, one of them may still use this buffer.
    this.pool.release(buffer, this.encoder !== null);
  }

  private entry(dataId: DataId, op: string): GpuData {
    const entry = this.data.get(dataId);
    if (!entry) throw new BackendError(`webgpu: ${op}: no data for this tensor (it was disposed, or belongs to another backend)`);
    return entry;
  }

  private grid(workgroups: number): [number, number, number] {
    const max = this.config.maxWorkgroupsPerDimension;
    if (workgroups <= max) return [workgroups, 1, 1];
    const y = Math.ceil(workgroups / max);
    return [Math.ceil(workgroups / y), y, 1];
  }

  private commandEncoder(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.pass) this.pass = this.commandEncoder().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  private pipelineFor(program: Program, numInputs: number, numOutputs: number): PipelineEntry {
    let source = this.sources.get(program.key);
    if (source === undefined) {
      source = program.source();
      this.sources.set(program.key, source);
    }
    const cacheKey = `main|${numInputs}|${numOutputs}|${source}`;
    const cached = this.pipelines.get(cacheKey);
    if (cached) {
      this.counters.pipelineCacheHits++;
      return cached;
    }
    let module = this.modules.get(source);
    if (!module) {
      module = this.device.createShaderModule({ code: source, label: program.key });
      this.modules.set(source, module);
      this.counters.shaderModules++;
    }
    const layout = this.bindGroupLayout(numInputs, numOutputs, program.uniforms !== undefined);
    const pipeline = this.device.createComputePipeline({
      label: program.key,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    this.counters.pipelines++;
    const entry = { pipeline, layout };
    this.pipelines.set(cacheKey, entry);
    return entry;
  }

  private bindGroupLayout(numInputs: number, numOutputs: number, uniforms: boolean): GPUBindGroupLayout {
    const key = `${numInputs}|${numOutputs}|${uniforms}`;
    let layout = this.layouts.get(key);
    if (!layout) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let i = 0; i < numInputs; i++) entries.push({ binding: i, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'read-only-storage' } });
      for (let j = 0; j < numOutputs; j++) entries.push({ binding: numInputs + j, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'storage' } });
      if (uniforms) entries.push({ binding: numInputs + numOutputs, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'uniform' } });
      layout = this.device.createBindGroupLayout({ entries });
      this.layouts.set(key, layout);
    }
    return layout;
  }

  private assertUsable(op: string): void {
    if (this.lostReason !== null) throw this.lostError(op);
    if (this.disposed) throw new BackendError(`webgpu: ${op}: the backend was disposed`);
  }

  private lostError(op: string): BackendError {
    return new BackendError(
      `webgpu: ${op}: the GPU device was lost (${this.lostReason}); its tensors are gone. ` +
        `Remove the backend (removeBackend('webgpu')) and register a new one to continue on the GPU.`,
    );
  }

  private errorSuffix(): string {
    return this.errors.length ? ` (WebGPU errors: ${this.errors.join(' | ')})` : '';
  }
}

function isBuffer(x: TensorInfo | GPUBuffer): x is GPUBuffer {
  return !('dataId' in x);
}
