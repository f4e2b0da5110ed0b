// Where the cached Keras virtual environment lives, for scripts/ensure-keras.mjs and the tests.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What the venv holds: the newest Keras 3, JAX on the CPU, h5py. */
export const KERAS_REQUIREMENTS = ['keras>=3,<4', 'jax[cpu]', 'h5py'];

/**
 * Ray with its dashboard (the Jobs REST API lives there), for the @tessera/scale test.
 * `ray[default]` is tried first; an index that lacks some of its extras gets Ray plus
 * RAY_DASHBOARD_PARTS, and scripts/ray_telemetry_stubs.py stands in for the telemetry-only
 * modules in RAY_TELEMETRY_ONLY that the index does not have (see ensure-keras.mjs).
 */
export const RAY_REQUIREMENTS = ['ray[default]'];
export const RAY_DASHBOARD_PARTS = [
  'ray',
  'aiohttp>=3.14.1',
  'grpcio>=1.42.0',
  'pydantic>=2.5.0,<3',
  'prometheus_client>=0.7.1',
  'smart_open',
  'virtualenv>=20.0.24,!=20.21.1',
  'requests',
  'py-spy>=0.2.0',
  'opentelemetry-api',
  'opentelemetry-proto',
];
/** Modules ray.dashboard.optional_deps imports that only export metrics or set CORS headers. */
export const RAY_TELEMETRY_ONLY = ['opencensus', 'aiohttp_cors', 'opentelemetry.exporter', 'opentelemetry.sdk'];

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

/** The venv's `ray` command. */
export function rayCommand() {
  return join(kerasVenvDir(), 'bin', 'ray');
}
