/**
 * Builds the site when `dist/` is missing or older than what it is built from (the site's
 * sources, the generators, the Keras tutorials, the package sources and READMEs, the examples),
 * so the tests never look at a stale or absent build. `DOCS_REBUILD=1` forces a build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DOCS_ROOT, REPO_ROOT } from '../scripts/packages.js';

export const DIST = join(DOCS_ROOT, 'dist');
const MARKER = join(DIST, 'playground.html');

const SKIP = new Set(['node_modules', 'dist', '.generated', 'cache', 'api', 'guide', 'public', '.turbo']);

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.isFile()) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function sourcesMtime(): number {
  const dirs = [join(DOCS_ROOT, 'site'), join(DOCS_ROOT, 'scripts'), join(DOCS_ROOT, 'keras'), join(DOCS_ROOT, 'guides'), join(REPO_ROOT, 'examples')];
  for (const pkg of readdirSync(join(REPO_ROOT, 'packages'))) {
    dirs.push(join(REPO_ROOT, 'packages', pkg, 'src'));
    const readme = join(REPO_ROOT, 'packages', pkg, 'README.md');
    if (existsSync(readme)) dirs.push(readme);
  }
  return Math.max(...dirs.map((d) => (existsSync(d) && statSync(d).isFile() ? statSync(d).mtimeMs : newestMtime(d))));
}

/** The reason to build, or undefined when dist/ is up to date. */
export function staleReason(): string | undefined {
  if (process.env.DOCS_REBUILD === '1') return 'DOCS_REBUILD=1';
  if (!existsSync(MARKER)) return 'dist/ is missing';
  if (!existsSync(join(DOCS_ROOT, 'site', '.generated', 'api-summary.json'))) return 'the generated pages are missing';
  if (sourcesMtime() > statSync(MARKER).mtimeMs) return 'sources changed since the last build';
  return undefined;
}

export function ensureBuilt(): void {
  const reason = staleReason();
  if (!reason) return;
  console.log(`docs tests: building the site (${reason})`);
  const bin = (name: string) => join(DOCS_ROOT, 'node_modules', '.bin', name);
  execFileSync(bin('tsx'), ['--conditions=@tessera/source', 'scripts/generate.ts'], { cwd: DOCS_ROOT, stdio: 'inherit' });
  execFileSync(bin('vitepress'), ['build', 'site'], { cwd: DOCS_ROOT, stdio: 'inherit' });
}
