import type { BackendFactory } from '../backend.js';
import { Tensor } from '../tensor.js';
import { getEngine, type MemoryInfo } from './engine.js';

/**
 * Runs `fn` and frees every tensor it created, except what it returns and what was `keep`-ed.
 * @example
 * ```ts
 * const y = tidy(() => relu(matMul(x, w)));   // the matMul result is freed
 * ```
 */
export function tidy<T>(fn: () => T): T {
  return getEngine().tidy(fn);
}

/**
 * Exempts a tensor from the enclosing `tidy` scopes.
 * @example
 * ```ts
 * let kept: Tensor;
 * tidy(() => { kept = keep(square(x)); });
 * ```
 */
export function keep<T extends Tensor>(t: T): T {
  return getEngine().keep(t);
}

/**
 * Frees tensors: one, or any nesting of arrays and plain objects of them.
 * @example
 * ```ts
 * dispose([a, b, { c }]);
 * ```
 */
export function dispose(container: unknown): void {
  if (container instanceof Tensor) container.dispose();
  else if (Array.isArray(container)) container.forEach(dispose);
  else if (container && typeof container === 'object' && Object.getPrototypeOf(container) === Object.prototype) {
    Object.values(container).forEach(dispose);
  }
}

/**
 * Live tensors and bytes, in all and per backend.
 * @example
 * ```ts
 * const before = memory().numTensors;
 * // ... train ...
 * console.assert(memory().numTensors === before);
 * ```
 */
export function memory(): MemoryInfo {
  return getEngine().memory();
}

/**
 * Makes `name` the active backend (starting it if needed).
 * @example
 * ```ts
 * await setBackend('cpu');
 * ```
 */
export function setBackend(name: string): Promise<void> {
  return getEngine().setBackend(name);
}

/**
 * The name of the active backend (starting the best synchronous one if none is active).
 * @example
 * ```ts
 * getBackend(); // 'cpu'
 * ```
 */
export function getBackend(): string {
  return getEngine().backend.name;
}

/**
 * Starts the best backend that can start (async backends such as WebGPU included).
 * @example
 * ```ts
 * const name = await ready(); // 'webgpu' where available, else 'cpu'
 * ```
 */
export function ready(): Promise<string> {
  return getEngine().ready();
}

/**
 * Adds a backend: `factory` creates it on first use; higher `priority` wins when the
 * engine picks one.
 * @example
 * ```ts
 * registerBackend('mine', () => new MyBackend(), 0);
 * ```
 */
export function registerBackend(name: string, factory: BackendFactory, priority = 1): void {
  getEngine().registerBackend(name, factory, priority);
}

/**
 * Removes a backend and frees what it holds.
 * @example
 * ```ts
 * removeBackend('mine');
 * ```
 */
export function removeBackend(name: string): void {
  getEngine().removeBackend(name);
}
