/**
 * The messages between the page ({@link FitWorker}) and the worker ({@link serveFit}). Tensors
 * travel as typed arrays whose buffers are transferred (never shared with a backend: each is a
 * fresh copy), the model as Keras JSON from `@tessera/io`.
 */
import { tensor, type DType, type Tensor } from '@tessera/tensor';
import type { Logs } from '@tessera/layers';

/** A tensor's values, shape and dtype, as one message carries it. */
export interface WireTensor {
  /** The values, flat, row-major (bool as 0/1 bytes). */
  values: Float32Array | Int32Array | Uint8Array;
  /** The shape. */
  shape: number[];
  /** The tensor's dtype. */
  dtype: DType;
}

/** A compiled model: Keras 3's `to_json()`, its `compile_config`, its weights and its optimizer's state. */
export interface WireModel {
  json: string;
  compile: Record<string, unknown>;
  weights: WireTensor[];
  optimizer: WireTensor[];
}

/** The `fit` options that cross the thread boundary (callbacks stay on the page). */
export interface WireFitOptions {
  batchSize?: number;
  epochs?: number;
  initialEpoch?: number;
  shuffle?: boolean;
  validationSplit?: number;
  validationBatchSize?: number;
  /** 0: no ProgbarLogger; 1: the live bar; 2: one line per epoch. */
  verbose: 0 | 1 | 2;
  /** Seconds between the live bar's redraws. */
  progressInterval: number;
  /** Send the weights back after every epoch (not only at the end). */
  weightsEveryEpoch: boolean;
}

export type PageMessage =
  | { type: 'hello' }
  | { type: 'fit'; id: number; model: WireModel; x: WireTensor; y: WireTensor; validation?: [WireTensor, WireTensor]; options: WireFitOptions }
  | { type: 'stop'; id: number };

/** What the worker says once its backend is up. */
export interface FitWorkerInfo {
  /** The backend it trains on: `'cpu'`. */
  backend: string;
  /** Whether the GEMM runs on two threads there (SharedArrayBuffer: the page must be cross-origin isolated). */
  gemmThreads: boolean;
  /** Why not, when it does not. */
  whyNoThreads: string;
}

export type WorkerMessage =
  | ({ type: 'ready' } & FitWorkerInfo)
  | { type: 'progress'; id: number; text: string }
  | { type: 'epochBegin'; id: number; epoch: number }
  | { type: 'batch'; id: number; step: number; logs: Logs }
  | { type: 'epoch'; id: number; epoch: number; logs: Logs; weights?: WireTensor[] }
  | { type: 'done'; id: number; weights: WireTensor[]; optimizer: WireTensor[]; samples: number; trainSeconds: number; splitProducts: number }
  | { type: 'error'; id: number; name: string; message: string };

/** A copy of `t`'s values that the message may own (and transfer). */
export async function toWire(t: Tensor): Promise<WireTensor> {
  const data = await t.data();
  const values =
    t.dtype === 'int32' ? Int32Array.from(data as ArrayLike<number>) : t.dtype === 'bool' ? Uint8Array.from(data as ArrayLike<number>) : Float32Array.from(data as ArrayLike<number>);
  return { values, shape: [...t.shape], dtype: t.dtype };
}

/** Copies of every tensor's values; disposes `ts` when `dispose` is set. */
export async function allToWire(ts: readonly Tensor[], dispose = false): Promise<WireTensor[]> {
  try {
    return await Promise.all(ts.map(toWire));
  } finally {
    if (dispose) ts.forEach((t) => t.dispose());
  }
}

export function fromWire(w: WireTensor): Tensor {
  return tensor(w.values, w.shape, w.dtype);
}

/** The buffers to transfer with a message. */
export function buffers(ws: readonly (WireTensor | undefined)[]): ArrayBuffer[] {
  return ws.filter((w): w is WireTensor => w !== undefined).map((w) => w.values.buffer as ArrayBuffer);
}
