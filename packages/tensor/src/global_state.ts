import { version } from '../package.json';
import { TesseraError } from './errors.js';

/** The version of this copy of `@tessera/tensor`. */
export const TENSOR_VERSION: string = version;

/**
 * The registry of every copy of `@tessera/tensor` in this page or process, kept on
 * `globalThis` so that two copies (two bundles, a package installed twice) find each other.
 * Each version keeps its state under its own key; copies of the same version share it: one
 * engine, one kernel registry, one gradient registry.
 */
const ROOT = Symbol.for('@tessera/tensor');

interface Copies {
  /** Per version: named slots (engine, kernels, gradients ...), created by the first copy that asks. */
  readonly versions: Record<string, Record<string, unknown>>;
}

function copies(): Copies {
  const g = globalThis as { [ROOT]?: Copies };
  return (g[ROOT] ??= { versions: {} });
}

/**
 * The state shared by every copy of this version, checking first that no other version is
 * loaded: two engines would each see only their own backends and tensors, so that a model
 * built with one copy and a backend registered with the other fail far from the cause.
 */
function sharedState(): Record<string, unknown> {
  const { versions } = copies();
  const others = Object.keys(versions).filter((v) => v !== TENSOR_VERSION);
  if (others.length > 0) {
    throw new TesseraError(
      `two different copies of @tessera/tensor are loaded in this ${typeof document === 'undefined' ? 'process' : 'page'}: ` +
        `${others.join(', ')} (loaded first) and ${TENSOR_VERSION}. Tessera needs one engine, so all @tessera/* packages ` +
        'must resolve to one version of @tessera/tensor (see `npm ls @tessera/tensor`; `npm dedupe`, or align the versions you install).',
    );
  }
  return (versions[TENSOR_VERSION] ??= {});
}

/**
 * The value of a shared slot, made by `create` in the first copy that asks for it.
 *
 * @example
 * ```ts
 * const registry = shared('kernels', () => new Map<string, KernelConfig>());
 * ```
 */
export function shared<T>(slot: string, create: () => T): T {
  const state = sharedState();
  if (!(slot in state)) state[slot] = create();
  return state[slot] as T;
}
