/**
 * One guide page per package, `site/guide/<slug>.md`: the package's description, how to
 * install it, the hand-written part from `apps/docs/guides/<slug>.md` (when there is one),
 * then the package README (its title dropped, links into the repository rewritten to site
 * pages or shown as paths, so the dead-link check holds), then a link to its API reference.
 * READMEs stay the single source: the site never drifts from them.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { DOCS_ROOT, REPO_ROOT, type PackageInfo } from './packages.js';

/** Repository paths that have a page on the site. */
const SITE_PAGES: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^packages\/([^/]+)\/?(README\.md)?$/, (m) => `/guide/${m[1]}`],
  [/^examples\/plugin-backend(\/.*)?$/, () => '/writing-a-backend#a-complete-example-examples-plugin-backend'],
  [/^examples\/(mnist-mlp|mnist-cnn)(\/.*)?$/, () => '/coming-from-keras'],
  [/^examples\/scale-out(\/.*)?$/, () => '/scale-out'],
];

/**
 * Rewrites Markdown links of a README that point into the repository (`../../examples/x`):
 * to the site page that covers the path, or else to the path as code (no link).
 */
export function rewriteRepoLinks(markdown: string, readmeDir: string, knownSlugs: ReadonlySet<string>): string {
  return markdown.replace(/(!?)\[([^\]]*)\]\(([^)\s]+)\)/g, (whole, bang: string, text: string, href: string) => {
    if (bang || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#') || href.startsWith('/')) return whole;
    const [path] = href.split('#');
    const repoPath = relative(REPO_ROOT, resolve(readmeDir, path)).split('\\').join('/');
    for (const [pattern, page] of SITE_PAGES) {
      const m = repoPath.match(pattern);
      if (m && (!pattern.source.startsWith('^packages') || knownSlugs.has(m[1]))) return `[${text}](${page(m)})`;
    }
    const label = /`/.test(text) ? text : `\`${text}\``;
    return label === `\`${repoPath}\`` ? label : `${label} (\`${repoPath}\`)`;
  });
}

/** The README without its first-level title (the page has its own). */
function readmeBody(markdown: string): string {
  return markdown.replace(/^\s*# [^\n]*\n+/, '');
}

function installLine(pkg: PackageInfo): string {
  if (pkg.slug === 'conformance') return `npm i -D ${pkg.name} vitest`;
  const needsBackend = !/backend$/.test(pkg.slug) && !['tessera', 'conformance'].includes(pkg.slug);
  return `npm i ${pkg.name}${needsBackend ? ' @tessera/cpu-backend' : ''}`;
}

export async function guidePage(pkg: PackageInfo, knownSlugs: ReadonlySet<string>): Promise<string> {
  const intro = join(DOCS_ROOT, 'guides', `${pkg.slug}.md`);
  const parts = [`# ${pkg.name}`, '', pkg.description, '', '```sh', installLine(pkg), '```', ''];
  if (existsSync(intro)) parts.push((await readFile(intro, 'utf8')).trim(), '');
  if (pkg.readme) {
    parts.push(rewriteRepoLinks(readmeBody(await readFile(pkg.readme, 'utf8')), dirname(pkg.readme), knownSlugs).trim(), '');
  } else if (!existsSync(intro)) {
    parts.push(`::: warning No guide yet\n\`packages/${pkg.slug}\` has no README yet; see its [API reference](/api/${pkg.apiSlug}/).\n:::`, '');
  }
  parts.push('---', '', `**API reference:** [${pkg.name}](/api/${pkg.apiSlug}/) · ${pkg.readme ? `source of this page: \`packages/${pkg.slug}/README.md\`` : ''}`.replace(/ · $/, ''), '');
  return parts.join('\n');
}

export async function writeGuides(pkgs: PackageInfo[], outDir: string, generatedDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const slugs = new Set(pkgs.map((p) => p.slug));
  for (const pkg of pkgs) await writeFile(join(outDir, `${pkg.slug}.md`), await guidePage(pkg, slugs));
  const index = [
    '# Package guides',
    '',
    'Each package of Tessera is a product of its own: install only what you use. A page per package, from its README.',
    '',
    '| package | what it holds |',
    '| --- | --- |',
    ...pkgs.map((p) => `| [${p.name}](./${p.slug}.md) | ${p.description.replace(/\|/g, '\\|')} |`),
    '',
  ];
  await writeFile(join(outDir, 'index.md'), index.join('\n'));
  await mkdir(generatedDir, { recursive: true });
  const sidebar = [
    { text: 'Packages', items: [{ text: 'Overview', link: '/guide/' }, ...pkgs.map((p) => ({ text: p.name, link: `/guide/${p.slug}` }))] },
  ];
  await writeFile(join(generatedDir, 'guide-sidebar.json'), `${JSON.stringify(sidebar, null, 2)}\n`);
}

/** The two commands of the root README ("## Two commands"), for Getting started. */
export async function readmeCommands(): Promise<string> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Two commands'));
  const block = section?.match(/```sh\n[\s\S]*?```/)?.[0];
  if (!block) throw new Error('gen_guides: expected a ```sh block under "## Two commands" in the root README.md');
  return `${block}\n`;
}
