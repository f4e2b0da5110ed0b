// Runs keras_side.py in the cached Keras venv (scripts/ensure-keras.mjs makes it): one process
// per call, the manifest and the results passed as JSON files.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kerasPython } from '../../../../scripts/keras-venv.mjs';

/** The file kinds of the suite: `.keras`, legacy `.h5`, `.weights.h5`, JSON + `.weights.h5`. */
export const FILE_KINDS = ['keras', 'h5', 'weights.h5', 'json'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

const script = fileURLToPath(new URL('./keras_side.py', import.meta.url));

/** The venv's python, or an error saying how to make it (never a skip: Keras is the judge). */
export function pythonWithKeras(): string {
  const python = (kerasPython as () => string)();
  if (!existsSync(python)) {
    throw new Error(`the interop suite needs the real Keras in ${python}: run 'node scripts/ensure-keras.mjs' (the test command does)`);
  }
  return python;
}

/** Runs one phase of keras_side.py and returns its results (bounded: 8 minutes). */
export async function runKeras<T>(manifest: object): Promise<T> {
  const python = pythonWithKeras();
  const work = mkdtempSync(join(tmpdir(), 'tessera-keras-run-'));
  const input = join(work, 'manifest.json');
  const output = join(work, 'result.json');
  writeFileSync(input, JSON.stringify(manifest));
  try {
    const stderr = await new Promise<string>((resolve, reject) => {
      const child = spawn(python, [script, input, output], {
        env: { ...process.env, KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '3' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stdout.on('data', (d: Buffer) => (err += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 8 * 60_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(err);
        else reject(new Error(`keras_side.py exited with ${code ?? signal}:\n${err.slice(-4000)}`));
      });
    });
    if (!existsSync(output)) throw new Error(`keras_side.py wrote no result:\n${stderr.slice(-4000)}`);
    return JSON.parse(readFileSync(output, 'utf8')) as T;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
