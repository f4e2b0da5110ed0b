import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ScaleError } from './errors.js';

/**
 * Where a data file is: a local path (checked, then copied into the bundle, or referenced as an
 * absolute path with `copyData: false`), an `http(s)://` URL (downloaded by the job), or a
 * `file://` URL (a path on the cluster's nodes, e.g. a shared volume: not checked here).
 */
export type DataRef = string;

/** Options every data description takes. */
export interface DataCommon {
  /** Multiply the pixels by this (default 1/255 for MNIST-family and CIFAR-10 data, none for `.npy`). */
  scale?: number;
  /** Use only the first samples of each split. */
  limit?: {
    /** Training samples to keep. */
    train?: number;
    /** Test samples to keep. */
    test?: number;
  };
}

/**
 * An MNIST-format data set: a folder (or URL prefix) holding `train-images-idx3-ubyte`,
 * `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, gzipped
 * (`.gz`) or not.
 */
export interface IdxData extends DataCommon {
  /** Which data set (they share the format). */
  kind: 'mnist' | 'fashion_mnist' | 'idx';
  /** The folder or URL prefix of the four files. */
  source: DataRef;
}

/** CIFAR-10's binary version: a folder holding `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin`, or the `cifar-10-binary.tar.gz` archive. */
export interface Cifar10Data extends DataCommon {
  /** CIFAR-10. */
  kind: 'cifar10';
  /** The folder of the batches, or the archive. */
  source: DataRef;
}

/** One split as `.npy` shards: the x shards and the y shards, concatenated in order along the first axis. */
export interface NpySplit {
  /** The inputs: one file or the shards in order. */
  x: DataRef | DataRef[];
  /** The labels (class indices or one-hot): one file or the shards in order, as many samples as x. */
  y: DataRef | DataRef[];
}

/** Arrays saved with numpy (`.npy` shards): x of any shape the model's input takes (reshaped when the sizes agree), y as class indices or one-hot. */
export interface NpyData extends DataCommon {
  /** Arrays saved with numpy. */
  kind: 'npy';
  /** What `fit` trains on (its last `validationSplit` part validates). */
  train: NpySplit;
  /** Evaluated after training; the job prints Keras's evaluation and keeps it in history.json. */
  test?: NpySplit;
}

/**
 * What the job trains on. Labels given as class indices are one-hot encoded when the model's
 * loss is not a sparse one; images are scaled, then reshaped to the model's input shape.
 * @example
 * ```ts
 * const mnist: DataSpec = { kind: 'mnist', source: '/data/mnist' };
 * const shards: DataSpec = { kind: 'npy', train: { x: ['x0.npy', 'x1.npy'], y: ['y0.npy', 'y1.npy'] }, scale: 1 / 255 };
 * const remote: DataSpec = { kind: 'cifar10', source: 'https://example.org/cifar-10-binary.tar.gz' };
 * ```
 */
export type DataSpec = IdxData | Cifar10Data | NpyData;

const IDX_STEMS = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
const CIFAR_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];

/** A URL (`http:`, `https:`, `file:`, `s3:` …) rather than a local path. */
export function isUrl(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref);
}

const missing = (what: string, path: string) =>
  new ScaleError('data_missing', `${what}: expected a file or folder at ${path} but nothing is there (checked before submitting)`);

/** Copies local files of the data description into `<bundle>/data`, or makes their paths absolute. */
class DataPlacer {
  private used = new Set<string>();
  constructor(
    private readonly bundleDir: string,
    private readonly copy: boolean,
  ) {}

  /** The reference the job will use for a local file. */
  file(path: string, what: string): string {
    const abs = resolve(path);
    if (!existsSync(abs) || !statSync(abs).isFile()) throw missing(what, abs);
    if (!this.copy) return abs;
    let name = basename(abs);
    for (let i = 1; this.used.has(name); i++) name = `${i}_${basename(abs)}`;
    this.used.add(name);
    mkdirSync(join(this.bundleDir, 'data'), { recursive: true });
    copyFileSync(abs, join(this.bundleDir, 'data', name));
    return `data/${name}`;
  }

  /** A folder whose listed files the job reads (copied into `data/<sub>/` when copying). */
  folder(path: string, files: string[], sub: string): string {
    const abs = resolve(path);
    if (!this.copy) return abs;
    mkdirSync(join(this.bundleDir, 'data', sub), { recursive: true });
    for (const f of files) copyFileSync(join(abs, f), join(this.bundleDir, 'data', sub, f));
    return `data/${sub}`;
  }
}

function list(refs: DataRef | DataRef[], what: string): DataRef[] {
  const all = Array.isArray(refs) ? refs : [refs];
  if (all.length === 0 || all.some((r) => typeof r !== 'string' || r === '')) {
    throw new ScaleError('bad_spec', `${what}: expected one or more file paths or URLs but got ${JSON.stringify(refs)}`);
  }
  return all;
}

/** The MNIST-format files of a local folder (each with or without `.gz`), or a data_missing error. */
function idxFiles(dir: string, kind: string): string[] {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw missing(`${kind} data folder`, abs);
  const names = new Set(readdirSync(abs));
  const found: string[] = [];
  const absent: string[] = [];
  for (const stem of IDX_STEMS) {
    const name = names.has(`${stem}.gz`) ? `${stem}.gz` : names.has(stem) ? stem : undefined;
    if (name) found.push(name);
    else absent.push(`${stem}(.gz)`);
  }
  if (absent.length > 0) {
    throw new ScaleError('data_missing', `${kind} data folder ${abs}: expected the four IDX files but ${absent.join(', ')} ${absent.length > 1 ? 'are' : 'is'} missing`);
  }
  return found;
}

/** The folder under `dir` that holds CIFAR-10's six batches (itself or `cifar-10-batches-bin`). */
function cifarFolder(dir: string): string {
  for (const d of [dir, join(dir, 'cifar-10-batches-bin')]) {
    if (CIFAR_FILES.every((f) => existsSync(join(d, f)))) return d;
  }
  const absent = CIFAR_FILES.filter((f) => !existsSync(join(dir, f)));
  throw new ScaleError('data_missing', `cifar10 data folder ${dir}: expected ${CIFAR_FILES.join(', ')} but ${absent.join(', ')} missing`);
}

/**
 * Checks a data description and rewrites its local paths for the bundle (copied into
 * `<bundleDir>/data`, or absolute when `copy` is false). URLs stay as they are.
 * @throws {@link ScaleError} `data_missing` for a local path that does not exist, `bad_spec` for a malformed description.
 */
export function placeData(spec: DataSpec, bundleDir: string, copy = true): DataSpec {
  if (!spec || typeof spec !== 'object') throw new ScaleError('bad_spec', `expected a data description ({kind: 'mnist' | 'fashion_mnist' | 'idx' | 'cifar10' | 'npy', ...}) but got ${JSON.stringify(spec)}`);
  const placer = new DataPlacer(bundleDir, copy);
  const common = { ...(spec.scale !== undefined ? { scale: spec.scale } : {}), ...(spec.limit ? { limit: spec.limit } : {}) };
  switch (spec.kind) {
    case 'mnist':
    case 'fashion_mnist':
    case 'idx': {
      if (typeof spec.source !== 'string' || spec.source === '') throw new ScaleError('bad_spec', `${spec.kind}: expected a source folder or URL but got ${JSON.stringify(spec.source)}`);
      const source = isUrl(spec.source) ? spec.source : placer.folder(spec.source, idxFiles(spec.source, spec.kind), spec.kind);
      return { kind: spec.kind, source, scale: spec.scale ?? 1 / 255, ...(spec.limit ? { limit: spec.limit } : {}) };
    }
    case 'cifar10': {
      if (typeof spec.source !== 'string' || spec.source === '') throw new ScaleError('bad_spec', `cifar10: expected a source folder, archive or URL but got ${JSON.stringify(spec.source)}`);
      let source = spec.source;
      if (!isUrl(source)) {
        const abs = resolve(source);
        if (!existsSync(abs)) throw missing('cifar10 data', abs);
        source = statSync(abs).isDirectory() ? placer.folder(cifarFolder(abs), CIFAR_FILES, 'cifar10') : placer.file(abs, 'cifar10 archive');
      }
      return { kind: 'cifar10', source, scale: spec.scale ?? 1 / 255, ...(spec.limit ? { limit: spec.limit } : {}) };
    }
    case 'npy': {
      const split = (s: NpySplit | undefined, name: string): NpySplit => {
        if (!s || typeof s !== 'object') throw new ScaleError('bad_spec', `npy: expected ${name} as {x, y} shards but got ${JSON.stringify(s)}`);
        const place = (refs: DataRef | DataRef[], which: string) =>
          list(refs, `npy ${name}.${which}`).map((r, i) => (isUrl(r) ? r : placer.file(r, `npy ${name}.${which}[${i}]`)));
        return { x: place(s.x, 'x'), y: place(s.y, 'y') };
      };
      return { kind: 'npy', train: split(spec.train, 'train'), ...(spec.test ? { test: split(spec.test, 'test') } : {}), ...common };
    }
    default:
      throw new ScaleError('bad_spec', `expected a data kind 'mnist', 'fashion_mnist', 'idx', 'cifar10' or 'npy' but got ${JSON.stringify((spec as { kind?: unknown }).kind)}`);
  }
}

/** The local files a placed data description names (relative to the bundle, or absolute), to check before submitting. */
export function localDataFiles(spec: DataSpec): string[] {
  switch (spec.kind) {
    case 'npy':
      return [spec.train, ...(spec.test ? [spec.test] : [])].flatMap((s) => [s.x, s.y].flat()).filter((r) => !isUrl(r));
    default:
      return isUrl(spec.source) ? [] : [spec.source];
  }
}
