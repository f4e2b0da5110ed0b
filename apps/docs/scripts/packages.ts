/**
 * Finds the published packages of the monorepo: every `packages/<dir>` whose package.json is
 * not private and which has `src/index.ts`. The API reference, the guides and the tests are
 * generated from this list, so a new package (such as `@tessera/io`) appears without edits here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DOCS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(DOCS_ROOT, '../..');
export const SITE_ROOT = join(DOCS_ROOT, 'site');

export interface PackageInfo {
  /** Folder name under packages/, e.g. `cpu-backend`; also the guide page slug. */
  slug: string;
  /**
   * Folder of the API pages: the npm name without its scope (TypeDoc's Markdown plugin names it),
   * e.g. `cpu-backend`; `tessera-ml` for the umbrella in `packages/tessera`.
   */
  apiSlug: string;
  /** npm name, e.g. `@tessera/cpu-backend`. */
  name: string;
  description: string;
  /** Absolute path of the package folder. */
  dir: string;
  /** Absolute path of `src/index.ts`. */
  entry: string;
  /** Absolute path of README.md, when the package has one. */
  readme?: string;
}

/** The order of the house (DESIGN.md): lower layers first; packages not named here follow alphabetically. */
const ORDER = ['tensor', 'cpu-backend', 'webgpu-backend', 'conformance', 'losses', 'optimizers', 'layers', 'datasets', 'io', 'plot', 'tessera'];

export function discoverPackages(repoRoot = REPO_ROOT): PackageInfo[] {
  const base = join(repoRoot, 'packages');
  const found: PackageInfo[] = [];
  for (const slug of readdirSync(base)) {
    const dir = join(base, slug);
    const pkgFile = join(dir, 'package.json');
    const entry = join(dir, 'src', 'index.ts');
    if (!existsSync(pkgFile) || !existsSync(entry)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name: string; description?: string; private?: boolean };
    if (pkg.private) continue;
    const readme = join(dir, 'README.md');
    const apiSlug = pkg.name.replace(/^@[^/]+\//, '');
    found.push({ slug, apiSlug, name: pkg.name, description: pkg.description ?? '', dir, entry, readme: existsSync(readme) ? readme : undefined });
  }
  const rank = (p: PackageInfo) => {
    const i = ORDER.indexOf(p.slug);
    return i < 0 ? ORDER.length : i;
  };
  return found.sort((a, b) => rank(a) - rank(b) || a.slug.localeCompare(b.slug));
}
