/** True in Node (and runtimes that mimic it, such as Bun and Deno's Node mode). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * Imports a Node built-in at run time, only on the Node code paths. The specifier is a
 * variable and the import is marked ignored so that browser bundlers (webpack, Vite, esbuild)
 * neither try to resolve nor polyfill it; the package has no top-level `node:` import.
 */
export function importNode<T>(specifier: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<T>;
}
