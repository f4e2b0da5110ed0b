import { TesseraError } from '@tessera/tensor';

/** What went wrong (the `code` of a {@link ScaleError}). */
export type ScaleErrorCode =
  /** A data file or folder named by the data description does not exist (found before anything is submitted). */
  | 'data_missing'
  /** The data description, the options or a callback cannot be turned into a Keras job. */
  | 'bad_spec'
  /** The folder is not a job bundle (no job.json, train.py or model file). */
  | 'bad_bundle'
  /** Nothing answers at the Ray address, or it is not a Ray dashboard. */
  | 'unreachable'
  /** Ray answered a request with an error status. */
  | 'ray_http'
  /** The job ended FAILED or STOPPED (the message ends with its last log lines). */
  | 'job_failed'
  /** The job or the local run took longer than `timeoutMs` (the job was stopped). */
  | 'timeout'
  /** The job succeeded but its results could not be read back. */
  | 'no_results'
  /** `runLocally`: the Python process failed (the message ends with its last lines). */
  | 'local_failed';

/**
 * Every failure of `makeJobBundle`, `submitToRay` and `runLocally`: `code` says which kind,
 * the message says what was expected and what was found; `logTail` holds the job's last log
 * lines when there are any.
 * @example
 * ```ts
 * try {
 *   await submitToRay(bundle, { address: 'http://127.0.0.1:8265' });
 * } catch (e) {
 *   if (e instanceof ScaleError && e.code === 'job_failed') console.error(e.logTail);
 * }
 * ```
 */
export class ScaleError extends TesseraError {
  /**
   * @param code - which kind of failure.
   * @param message - what was expected and what was found.
   * @param logTail - the job's (or the local run's) last log lines, appended to the message.
   */
  constructor(
    /** Which kind of failure. */
    readonly code: ScaleErrorCode,
    message: string,
    /** The job's (or the local run's) last log lines, when there are any. */
    readonly logTail?: string,
  ) {
    super(logTail ? `${message}\n--- last log lines ---\n${logTail}` : message);
  }
}

/** The last `n` non-empty lines of a log. */
export function lastLines(log: string, n = 30): string {
  return log.split('\n').filter((l) => l.trim() !== '').slice(-n).join('\n');
}
