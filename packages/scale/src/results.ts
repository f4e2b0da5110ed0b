import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScaleError } from './errors.js';

/** The job's `history.json`: Keras's `History.history`, its evaluation on the test split and where it ran. */
export interface KerasHistory {
  /** Per-epoch values by name (`loss`, `accuracy`, `val_loss`, ...), as Keras's `History.history`. */
  history: Record<string, number[]>;
  /** The epochs run (fewer than asked when EarlyStopping stopped it). */
  epoch: number[];
  /** Keras's `model.evaluate` on the test split (null without one). */
  evaluate: Record<string, number> | null;
  /** `len(jax.devices())`: the devices the batch was split over. */
  devices: number;
  /** `jax.process_count()`: the hosts (processes) that took part. */
  processes: number;
  /** Seconds spent in `fit`. */
  seconds: number;
  /** The Keras version that trained. */
  keras: string;
  /** The JAX version that trained. */
  jax: string;
}

/** What a finished job brings back. */
export interface TrainResult {
  /** The trained model (`model.keras`), ready for `loadModel`. */
  modelPath: string;
  /** `history.json` beside it. */
  historyPath: string;
  /** What `history.json` holds. */
  history: KerasHistory;
  /** The folder holding the results (CSV logs of CSVLogger land here too). */
  dir: string;
  /** The job's whole log, without the result blocks. */
  log: string;
  /** Ray's submission id (not for local runs). */
  jobId?: string;
}

const BEGIN = /^tessera-scale: result-begin (\S+) (\d+) ([0-9a-f]{64})$/;
const END = /^tessera-scale: result-end (\S+)$/;

/** Splits a job's log into its readable lines and the files printed between result markers. */
export function splitResults(log: string): { text: string; files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  const keep: string[] = [];
  let open: { name: string; size: number; sha: string; parts: string[] } | undefined;
  for (const line of log.split('\n')) {
    const begin = BEGIN.exec(line.trimEnd());
    if (begin) {
      open = { name: begin[1], size: Number(begin[2]), sha: begin[3], parts: [] };
      continue;
    }
    if (open) {
      const end = END.exec(line.trimEnd());
      if (end && end[1] === open.name) {
        const bytes = new Uint8Array(Buffer.from(open.parts.join(''), 'base64'));
        const sha = createHash('sha256').update(bytes).digest('hex');
        if (bytes.length !== open.size || sha !== open.sha) {
          throw new ScaleError('no_results', `the job printed ${open.name} but it arrived damaged (expected ${open.size} bytes, sha256 ${open.sha}; found ${bytes.length} bytes, sha256 ${sha})`);
        }
        files.set(open.name, bytes);
        open = undefined;
      } else {
        open.parts.push(line.trim());
      }
      continue;
    }
    keep.push(line);
  }
  return { text: keep.join('\n'), files };
}

/** Reads `history.json` of a result folder and names the files. */
export function resultFromDir(dir: string, log: string, jobId?: string): TrainResult {
  const modelPath = join(dir, 'model.keras');
  const historyPath = join(dir, 'history.json');
  if (!existsSync(modelPath) || !existsSync(historyPath)) {
    const found = existsSync(dir) ? readdirSync(dir).join(', ') || 'nothing' : 'no folder';
    throw new ScaleError('no_results', `expected model.keras and history.json in ${dir} after the job but found ${found}`);
  }
  const history = JSON.parse(readFileSync(historyPath, 'utf8')) as KerasHistory;
  return { modelPath, historyPath, history, dir, log, ...(jobId ? { jobId } : {}) };
}

/** Writes the files a job printed into `dir` and reads them as a {@link TrainResult}. */
export function resultFromLog(files: Map<string, Uint8Array>, dir: string, log: string, jobId?: string): TrainResult {
  if (!files.has('model.keras') || !files.has('history.json')) {
    throw new ScaleError('no_results', `the job succeeded but its log holds ${[...files.keys()].join(', ') || 'no result files'} (expected model.keras and history.json between result markers)`);
  }
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(join(dir, name.replace(/[\\/]/g, '_')), bytes);
  return resultFromDir(dir, log, jobId);
}
