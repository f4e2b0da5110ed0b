/** True in Node (and runtimes that mimic it, such as Bun and Deno's Node mode). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * A Node built-in, only on the Node code paths, fetched with `process.getBuiltinModule`
 * (Node 20.16+): the package has no import of a Node built-in, so browser bundlers (webpack,
 * Vite, esbuild, Rollup) neither try to resolve nor polyfill one.
 */
export async function importNode<T>(specifier: string): Promise<T> {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.(specifier);
  if (!mod) throw new Error(`${specifier} is a Node built-in module: this code path needs Node 20.16 or later`);
  return mod as T;
}
