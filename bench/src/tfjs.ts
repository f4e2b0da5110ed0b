/**
 * TensorFlow.js 4.22 in Node, the way a user would run it without native bindings:
 * `tfjs-backend-wasm` (XNNPACK, SIMD; its .wasm files read from the npm package) and
 * `tfjs-backend-cpu` (plain JavaScript). Both are registered; a case picks one with
 * {@link useTfjs} before making its tensors and before each run.
 *
 * Threads: tfjs-backend-wasm ships a threaded SIMD build, but its
 * `WASM_HAS_MULTITHREAD_SUPPORT` flag answers false whenever `IS_NODE` (tfjs issue 3830),
 * so in Node it always runs the single-threaded SIMD build.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export { tf };

export type TfjsBackend = 'wasm' | 'cpu';

let initialized = false;

/** Registers the wasm backend's files and initializes both backends once. */
export async function initTfjs(): Promise<{ simd: boolean; threads: boolean }> {
  if (!initialized) {
    const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    // A directory prefix: the backend appends the file name of the build it picks.
    setWasmPaths(join(dirname(pkg), 'dist') + '/');
    // tfjs warns once per process that Node would be faster with tfjs-node: noise here.
    tf.env().set('PROD', true);
    await useTfjs('cpu');
    await useTfjs('wasm');
    initialized = true;
  }
  await useTfjs('wasm');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  const threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
  return { simd, threads };
}

/** Makes `backend` the active tfjs backend (cheap once it has been initialized). */
export async function useTfjs(backend: TfjsBackend): Promise<void> {
  if (tf.getBackend() !== backend) {
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`tfjs backend ${backend} failed to initialize`);
  }
}
