/**
 * Rounds a byte count up to its size class: powers of two up to 4 KiB, then four
 * classes per octave (at most 25% unused), so a freed buffer fits many later requests.
 *
 * @example
 * ```ts
 * sizeClass(100);   // 128
 * sizeClass(5000);  // 5120
 * ```
 */
export function sizeClass(bytes: number): number {
  const n = Math.max(16, Math.ceil(bytes));
  if (n <= 4096) return 2 ** Math.ceil(Math.log2(n));
  const step = 2 ** (Math.floor(Math.log2(n)) - 2);
  return Math.ceil(n / step) * step;
}

/** What a pool has done, for tests and tuning. */
export interface PoolStats {
  /** Buffers created with `device.createBuffer`. */
  created: number;
  /** Requests answered with a pooled buffer. */
  reused: number;
  /** Buffers destroyed because the pool was full. */
  destroyed: number;
}

/**
 * A pool of GPU buffers keyed by usage and size class. Buffers released while
 * commands that use them are still being recorded are held back until the next
 * submit ({@link releaseDeferred}): `queue.writeBuffer` into a reused buffer runs
 * at once on the queue timeline, before an unsubmitted command buffer that still
 * reads the old contents.
 */
export class BufferPool {
  readonly stats: PoolStats = { created: 0, reused: 0, destroyed: 0 };
  private readonly free = new Map<string, GPUBuffer[]>();
  private deferred: GPUBuffer[] = [];
  private pooled = 0;
  private allocated = 0;

  /**
   * @param device - the device buffers are created on
   * @param maxPooledBytes - free bytes kept for reuse; beyond this, released buffers are destroyed
   * @param maxBufferSize - the device's largest buffer: a size class above it is clamped to the request
   */
  constructor(
    private readonly device: GPUDevice,
    private readonly maxPooledBytes: number,
    private readonly maxBufferSize: number,
  ) {}

  /** A buffer of at least `bytes` bytes and exactly `usage`. */
  acquire(bytes: number, usage: GPUBufferUsageFlags): GPUBuffer {
    let size = sizeClass(bytes);
    if (size > this.maxBufferSize) size = Math.ceil(bytes / 4) * 4;
    const list = this.free.get(key(size, usage));
    const pooled = list?.pop();
    if (pooled) {
      this.pooled -= size;
      this.stats.reused++;
      return pooled;
    }
    this.stats.created++;
    this.allocated += size;
    return this.device.createBuffer({ size, usage });
  }

  /** Returns a buffer; with `deferred`, it becomes reusable only after the next {@link releaseDeferred}. */
  release(buffer: GPUBuffer, deferred: boolean): void {
    if (deferred) this.deferred.push(buffer);
    else this.put(buffer);
  }

  /** Makes the buffers held back since the last submit reusable (call right after submitting). */
  releaseDeferred(): void {
    const list = this.deferred;
    this.deferred = [];
    for (const b of list) this.put(b);
  }

  /** Bytes of free buffers kept for reuse. */
  get pooledBytes(): number {
    return this.pooled;
  }

  /** Bytes of all buffers this pool created and has not destroyed. */
  get allocatedBytes(): number {
    return this.allocated;
  }

  /** Destroys every free buffer (in-use ones stay valid). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) this.destroy(b);
    this.free.clear();
    this.pooled = 0;
  }

  /** Destroys everything this pool still knows of. */
  dispose(): void {
    this.trim();
    for (const b of this.deferred) this.destroy(b);
    this.deferred = [];
  }

  private put(buffer: GPUBuffer): void {
    if (this.pooled + buffer.size > this.maxPooledBytes) {
      this.stats.destroyed++;
      this.destroy(buffer);
      return;
    }
    const k = key(buffer.size, buffer.usage);
    let list = this.free.get(k);
    if (!list) this.free.set(k, (list = []));
    list.push(buffer);
    this.pooled += buffer.size;
  }

  private destroy(buffer: GPUBuffer): void {
    this.allocated -= buffer.size;
    buffer.destroy();
  }
}

const key = (size: number, usage: number) => `${usage}:${size}`;
