// Where the cached Keras virtual environment lives, for scripts/ensure-keras.mjs and the tests.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What the venv holds: the newest Keras 3, JAX on the CPU, h5py. */
export const KERAS_REQUIREMENTS = ['keras>=3,<4', 'jax[cpu]', 'h5py'];

/** `$TESSERA_KERAS_VENV`, else `$XDG_CACHE_HOME/tessera/keras-venv` (default `~/.cache`). */
export function kerasVenvDir() {
  if (process.env.TESSERA_KERAS_VENV) return process.env.TESSERA_KERAS_VENV;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'tessera', 'keras-venv');
}

/** The venv's python. */
export function kerasPython() {
  return join(kerasVenvDir(), 'bin', 'python');
}
