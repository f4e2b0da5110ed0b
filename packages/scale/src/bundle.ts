import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { saveModel } from '@tessera/io';
import type { Callback, Model } from '@tessera/layers';
import { kerasCallback, type KerasCallbackSpec } from './callbacks.js';
import { localDataFiles, placeData, type DataSpec } from './data.js';
import { ScaleError } from './errors.js';
import { bundleReadme } from './readme.js';
import { TRAIN_PY } from './train_py.js';

/** What `requirements.txt` of every bundle holds (a real cluster's image needs these). */
export const BUNDLE_REQUIREMENTS: readonly string[] = ['keras>=3,<4', 'jax', 'numpy', 'h5py'];

/** Options of {@link makeJobBundle}: the data and the arguments of Keras's `fit`. */
export interface BundleOptions {
  /** What the job trains on (local paths are checked now and copied into the bundle). */
  data: DataSpec;
  /** Passes over the data (default 1). */
  epochs?: number;
  /** The global batch: each step splits it over all devices of all hosts (default 32). */
  batchSize?: number;
  /** Fraction of the training samples (the last ones) held out for validation (default 0). */
  validationSplit?: number;
  /** Shuffle before each epoch (default true). */
  shuffle?: boolean;
  /** `keras.utils.set_random_seed` before training (default 1337): runs with the same seed shuffle alike. */
  seed?: number;
  /** Keras's `fit` verbosity in the job's log: 2 (default) one line per epoch, 1 a progress bar, 0 none. */
  verbose?: 0 | 1 | 2;
  /** History, EarlyStopping, ModelCheckpoint (from `@tessera/io`), CSVLogger, TerminateOnNaN, or Keras specs. */
  callbacks?: Array<Callback | KerasCallbackSpec>;
  /** The folder to write (created; it must be empty if it exists). Default: a new temporary folder. */
  dir?: string;
  /** Copy local data files into the bundle (default true). False: keep their absolute paths (a single node, or a volume every node mounts at the same path). */
  copyData?: boolean;
  /** More lines for `requirements.txt` (e.g. `jax[cuda12]` for GPU nodes). */
  requirements?: string[];
}

/** The bundle's `job.json`: everything `train.py` needs besides the model file. */
export interface JobDescription {
  /** The version of this layout. */
  format: 1;
  /** The model file, relative to the bundle. */
  model: string;
  /** The model's name (for messages). */
  modelName: string;
  /** `fit`'s epochs. */
  epochs: number;
  /** The global batch size. */
  batchSize: number;
  /** `fit`'s validation split. */
  validationSplit: number;
  /** `fit`'s shuffle. */
  shuffle: boolean;
  /** The seed given to `keras.utils.set_random_seed`. */
  seed: number;
  /** `fit`'s verbosity in the job's log. */
  verbose: 0 | 1 | 2;
  /** The data, with local paths rewritten for the bundle. */
  data: DataSpec;
  /** The Keras callbacks `fit` runs. */
  callbacks: KerasCallbackSpec[];
  /** The lines of `requirements.txt`. */
  requirements: string[];
}

/** A job bundle on disk: its folder and its job description. */
export interface JobBundle {
  /** The bundle's folder (absolute). */
  dir: string;
  /** Its `job.json`. */
  job: JobDescription;
}

const MODEL_FILE = 'model.keras';

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new ScaleError('bad_spec', `${name} must be a positive integer but got ${value}`);
  return value;
}

function emptyFolder(dir: string | undefined): string {
  if (dir === undefined) return mkdtempSync(join(tmpdir(), 'tessera-job-'));
  const abs = resolve(dir);
  if (existsSync(abs) && readdirSync(abs).length > 0) throw new ScaleError('bad_spec', `the bundle folder ${abs} must be empty but it holds ${readdirSync(abs).length} entries`);
  mkdirSync(abs, { recursive: true });
  return abs;
}

/**
 * Writes a job bundle: the model as a `.keras` file with its compile config (the optimizer, the
 * loss, the metrics and the optimizer's state), a generated `train.py` (Keras 3 on JAX:
 * `DataParallel` over every device, `jax.distributed.initialize()` when several hosts run,
 * `fit` with the epochs, batch size and callbacks given here), `job.json`, `requirements.txt`,
 * a README, and the local data files. Submit it with {@link submitToRay} or run it with
 * {@link runLocally}; `python train.py` in the folder runs it anywhere Keras 3 and JAX are.
 * @param model - a compiled Tessera model, or the path of a `.keras` file saved with its compile config.
 * @param options - the data and `fit`'s arguments.
 * @returns the bundle's folder and its job description.
 * @throws {@link ScaleError} `data_missing` when a local data path does not exist, `bad_spec` for
 *   an uncompiled model, a bad option or a callback that cannot run in Keras.
 * @example
 * ```ts
 * model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
 * const bundle = await makeJobBundle(model, {
 *   data: { kind: 'mnist', source: '/data/mnist' },
 *   epochs: 20,
 *   batchSize: 128,
 *   validationSplit: 0.1,
 *   callbacks: [new EarlyStopping({ monitor: 'val_loss', patience: 2 })],
 * });
 * ```
 */
export async function makeJobBundle(model: Model | string, options: BundleOptions): Promise<JobBundle> {
  if (!options || typeof options !== 'object') throw new ScaleError('bad_spec', 'makeJobBundle: expected options with at least {data}');
  const epochs = positiveInt(options.epochs ?? 1, 'epochs');
  const batchSize = positiveInt(options.batchSize ?? 32, 'batchSize');
  const validationSplit = options.validationSplit ?? 0;
  if (!(validationSplit >= 0 && validationSplit < 1)) throw new ScaleError('bad_spec', `validationSplit must be in [0, 1) but got ${validationSplit}`);
  const callbacks = (options.callbacks ?? []).map(kerasCallback);
  if (typeof model === 'string') {
    const abs = resolve(model);
    if (!existsSync(abs) || !statSync(abs).isFile()) throw new ScaleError('bad_spec', `expected a .keras model file at ${abs} but nothing is there`);
    if (!abs.endsWith('.keras')) throw new ScaleError('bad_spec', `expected a Keras 3 .keras file (Keras's load_model reads it on the cluster) but got ${abs}`);
  } else if (!model.compiled && !model.optimizer) {
    throw new ScaleError('bad_spec', `${model.name} is not compiled: call model.compile({optimizer, loss, metrics}) first (the job trains with that compile config)`);
  }
  const dir = emptyFolder(options.dir);
  let data: DataSpec;
  try {
    data = placeData(options.data, dir, options.copyData ?? true);
    if (typeof model === 'string') copyFileSync(resolve(model), join(dir, MODEL_FILE));
    else await saveModel(model, join(dir, MODEL_FILE));
  } catch (e) {
    // Leave no half-written bundle behind (the folder was empty or new).
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const job: JobDescription = {
    format: 1,
    model: MODEL_FILE,
    modelName: typeof model === 'string' ? model.replace(/^.*[\\/]/, '').replace(/\.keras$/, '') : model.name,
    epochs,
    batchSize,
    validationSplit,
    shuffle: options.shuffle ?? true,
    seed: options.seed ?? 1337,
    verbose: options.verbose ?? 2,
    data,
    callbacks,
    requirements: [...BUNDLE_REQUIREMENTS, ...(options.requirements ?? [])],
  };
  writeFileSync(join(dir, 'job.json'), `${JSON.stringify(job, null, 2)}\n`);
  writeFileSync(join(dir, 'train.py'), TRAIN_PY);
  writeFileSync(join(dir, 'requirements.txt'), `${job.requirements.join('\n')}\n`);
  writeFileSync(join(dir, 'README.md'), bundleReadme(job));
  return { dir, job };
}

/**
 * Opens a bundle folder written by {@link makeJobBundle} and checks that it is complete, its
 * local data files included (so a missing file fails here, before anything is submitted).
 * @throws {@link ScaleError} `bad_bundle` for a folder that is not a bundle, `data_missing` for a missing data file.
 * @example
 * ```ts
 * const bundle = readBundle('jobs/mnist');
 * ```
 */
export function readBundle(bundle: JobBundle | string): JobBundle {
  const dir = resolve(typeof bundle === 'string' ? bundle : bundle.dir);
  const jobFile = join(dir, 'job.json');
  if (!existsSync(jobFile)) throw new ScaleError('bad_bundle', `expected a job bundle (job.json, train.py, model.keras) in ${dir} but there is no job.json`);
  let job: JobDescription;
  try {
    job = JSON.parse(readFileSync(jobFile, 'utf8')) as JobDescription;
  } catch (e) {
    throw new ScaleError('bad_bundle', `${jobFile} is not valid JSON: ${(e as Error).message}`);
  }
  for (const f of ['train.py', job.model]) {
    if (!existsSync(join(dir, f))) throw new ScaleError('bad_bundle', `the bundle ${dir} lacks ${f}`);
  }
  for (const ref of localDataFiles(job.data)) {
    const abs = resolve(dir, ref);
    if (!existsSync(abs)) throw new ScaleError('data_missing', `the data file ${ref} of the bundle ${dir} does not exist (expected at ${abs}; checked before submitting)`);
  }
  return { dir, job };
}
