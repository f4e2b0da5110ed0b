/**
 * Runs a TypeScript snippet in the page. Sucrase strips the types and turns `import` into
 * `require` calls (line numbers are kept, so errors point at the editor's lines); the code then
 * runs as the body of an async function (top-level `await` works) whose `require` answers from
 * a fixed table of modules: the @tessera packages bundled into the site, and `playground`.
 *
 * Sucrase rather than esbuild-wasm: it is pure JavaScript (about 200 KB, no 10 MB WebAssembly
 * binary to fetch and start), synchronous, and does exactly what is needed here: remove types
 * and rewrite imports. Neither type-checks.
 */
import { transform } from 'sucrase';

/** The snippet as JavaScript (CommonJS-style requires, top-level await left in place). */
export function transpile(source: string): string {
  return transform(source, { transforms: ['typescript', 'imports'], production: true, filePath: 'playground.ts' }).code;
}

/** Module names the transpiled code requires, in order of appearance. */
export function requiredModules(js: string): string[] {
  return [...new Set([...js.matchAll(/\brequire\((['"])([^'"]+)\1\)/g)].map((m) => m[2]))];
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

/** Runs transpiled code with `modules` as the only importable modules. */
export async function runModule(js: string, modules: Readonly<Record<string, unknown>>): Promise<void> {
  const missing = requiredModules(js).filter((name) => !(name in modules));
  if (missing.length) {
    throw new Error(`Cannot import ${missing.map((m) => `'${m}'`).join(', ')}: the playground provides ${Object.keys(modules).join(', ')}`);
  }
  const require = (name: string) => modules[name];
  const module = { exports: {} };
  await new AsyncFunction('require', 'module', 'exports', js)(require, module, module.exports);
}
