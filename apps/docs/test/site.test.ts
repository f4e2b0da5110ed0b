/**
 * The site's guarantees, checked on the real build and on small fixtures:
 * - the API reference lists every export of every package's `src/index.ts` (read with the
 *   TypeScript checker, independently of TypeDoc), and the gaps page is generated;
 * - a dead link fails the VitePress build (our config), and a `{@link}` that resolves to
 *   nothing fails the API generation, while an undocumented export becomes a gap;
 * - the kernel table holds every kernel of `KERNELS`;
 * - every playground example transpiles and imports only what the page provides.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { KERNEL_NAMES } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApi } from '../scripts/gen_api.js';
import { rewriteRepoLinks } from '../scripts/gen_guides.js';
import { discoverPackages, DOCS_ROOT, REPO_ROOT, SITE_ROOT } from '../scripts/packages.js';
import { EXAMPLES } from '../site/.vitepress/theme/playground/examples/index.js';
import { requiredModules, transpile } from '../site/.vitepress/theme/playground/runtime.js';
import { DIST, ensureBuilt } from './build_site.js';

const GENERATED = join(SITE_ROOT, '.generated');

/** `toContain` on a whole page would print the page on failure: say only what is missing. */
function expectIn(text: string, part: string, where: string): void {
  expect(text.includes(part), `${where} should contain ${JSON.stringify(part)}`).toBe(true);
}
const tmpDirs: string[] = [];
function tmp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tessera-docs-${prefix}-`));
  tmpDirs.push(dir);
  return dir;
}

beforeAll(() => ensureBuilt());
afterAll(() => tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The names a module exports, as TypeScript sees them (re-exports followed). */
function exportsOf(entry: string): string[] {
  const config = ts.readConfigFile(join(DOCS_ROOT, 'tsconfig.typedoc.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, DOCS_ROOT);
  const program = ts.createProgram([entry], { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!);
  return checker.getExportsOfModule(symbol!).map((s) => s.getName()).sort();
}

describe('API reference', () => {
  const summary = () =>
    JSON.parse(readFileSync(join(GENERATED, 'api-summary.json'), 'utf8')) as { packages: Array<{ name: string; slug: string; exports: string[] }>; gaps: unknown[] };

  it('covers every package that has a src/index.ts (so @tessera/io appears once it exists)', () => {
    const pkgs = discoverPackages();
    expect(pkgs.map((p) => p.name)).toContain('@tessera/tensor');
    expect(summary().packages.map((p) => p.name)).toEqual(pkgs.map((p) => p.name));
    for (const p of pkgs) expect(existsSync(join(DIST, 'api', p.apiSlug, 'index.html')), p.name).toBe(true);
  });

  it("lists every export of @tessera/tensor's index.ts in the generated API index, linked to its page", () => {
    const tensor = discoverPackages().find((p) => p.name === '@tessera/tensor')!;
    const expected = exportsOf(tensor.entry);
    expect(expected.length).toBeGreaterThan(150);
    const listed = summary().packages.find((p) => p.name === '@tessera/tensor')!.exports;
    expect([...listed].sort()).toEqual(expected);
    const indexMd = readFileSync(join(SITE_ROOT, 'api', 'index.md'), 'utf8');
    const indexHtml = readFileSync(join(DIST, 'api', 'index.html'), 'utf8');
    for (const name of expected) {
      expect(indexMd, name).toMatch(new RegExp(`\\[\`${name}\`\\]\\(/api/tensor/`));
      expectIn(indexHtml, `<code>${name}</code>`, 'dist/api/index.html');
    }
  });

  it('lists every export of every other package too', () => {
    for (const pkg of discoverPackages()) {
      const listed = summary().packages.find((p) => p.name === pkg.name)!.exports;
      expect([...listed].sort(), pkg.name).toEqual(exportsOf(pkg.entry));
    }
  });

  it('publishes the documentation gaps page with the gaps it found', () => {
    const html = readFileSync(join(DIST, 'api', 'gaps.html'), 'utf8');
    expectIn(html, 'Documentation gaps', 'dist/api/gaps.html');
    expectIn(html, `${summary().gaps.length}</strong> undocumented`, 'dist/api/gaps.html');
  });
});

describe('link checks', () => {
  it('a dead link fails the VitePress build with the site config; the same site without it builds', () => {
    const root = tmp('deadlink');
    const src = join(root, 'site');
    mkdirSync(join(src, '.vitepress'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    // The real config (dead-link check, markdown rules), pointed at this fixture.
    writeFileSync(
      join(src, '.vitepress', 'config.ts'),
      `import config from ${JSON.stringify(join(SITE_ROOT, '.vitepress', 'config.ts'))};\n` +
        `export default { ...config, outDir: ${JSON.stringify(join(root, 'dist'))}, themeConfig: { ...config.themeConfig, search: undefined } };\n`,
    );
    writeFileSync(join(src, 'index.md'), '# Fixture\n\n[a page that exists](./other.md)\n');
    writeFileSync(join(src, 'other.md'), '# Other\n');
    const vitepress = join(DOCS_ROOT, 'node_modules', '.bin', 'vitepress');
    const build = () => execFileSync(vitepress, ['build', src], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    expect(build()).toContain('build complete');
    writeFileSync(join(src, 'index.md'), '# Fixture\n\n[a page that does not exist](./nowhere.md)\n');
    let failure = '';
    try {
      build();
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      failure = `${err.stdout ?? ''}${err.stderr ?? ''}`;
    }
    expect(failure).toMatch(/dead link/i);
    expect(failure).toContain('nowhere');
  });

  it('a {@link} to nothing fails the API generation, naming it; an undocumented export is a gap', async () => {
    const root = tmp('typedoc');
    const write = (path: string, text: string) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('packages/a/package.json', JSON.stringify({ name: '@fixture/a', description: 'A' }));
    write('packages/b/package.json', JSON.stringify({ name: '@fixture/b', description: 'B' }));
    write('packages/a/src/index.ts', '/** Documented; links to {@link helper}. */\nexport function documented(): void {}\n/** A helper. */\nexport function helper(): void {}\nexport const bare = 1;\n');
    write('packages/b/src/index.ts', '/** Fine. */\nexport const ok = 2;\n');
    write('tsconfig.json', JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, skipLibCheck: true, types: [] }, include: ['packages/*/src'] }));
    const pkgs = discoverPackages(root);
    expect(pkgs.map((p) => p.name)).toEqual(['@fixture/a', '@fixture/b']);
    const source = { tsconfig: join(root, 'tsconfig.json'), basePath: root };

    const result = await generateApi(pkgs, join(root, 'out'), source);
    expect(result.gaps.map((g) => `${g.pkg}:${g.name}`)).toEqual(['@fixture/a:bare']);
    expect(result.packages.find((p) => p.pkg.name === '@fixture/a')!.exports.map((e) => e.name).sort()).toEqual(['bare', 'documented', 'helper']);

    write('packages/a/src/index.ts', '/** Links to {@link Nowhere}. */\nexport function documented(): void {}\n');
    await expect(generateApi(pkgs, join(root, 'out2'), source)).rejects.toThrow(/broken \{@link\}[\s\S]*"Nowhere"[\s\S]*documented/);
  });

  it('README links into the repository become site pages or plain paths (never dead links)', () => {
    const dir = join(REPO_ROOT, 'packages', 'conformance');
    const slugs = new Set(['tensor', 'conformance']);
    expect(rewriteRepoLinks('see [`examples/plugin-backend`](../../examples/plugin-backend):', dir, slugs)).toBe(
      'see [`examples/plugin-backend`](/writing-a-backend#a-complete-example-examples-plugin-backend):',
    );
    expect(rewriteRepoLinks('[tensor](../tensor)', dir, slugs)).toBe('[tensor](/guide/tensor)');
    expect(rewriteRepoLinks('[the bench](../../bench/README.md)', dir, slugs)).toBe('`the bench` (`bench/README.md`)');
    expect(rewriteRepoLinks('[Vega](https://vega.github.io/vega/) and [x](#y)', dir, slugs)).toBe('[Vega](https://vega.github.io/vega/) and [x](#y)');
  });
});

describe('generated pages', () => {
  it('Writing a backend shows every kernel of KERNELS', () => {
    const html = readFileSync(join(DIST, 'writing-a-backend.html'), 'utf8');
    expectIn(html, `holds <strong>${KERNEL_NAMES.length} kernels</strong>`, 'writing-a-backend.html');
    for (const name of KERNEL_NAMES) expectIn(html, `<code>${name}</code>`, 'writing-a-backend.html');
  });

  it('the playground data is a small MNIST subset, gzipped IDX', () => {
    const dir = join(DIST, 'data', 'mnist');
    for (const f of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
      const bytes = readFileSync(join(dir, f));
      expect([bytes[0], bytes[1]], f).toEqual([0x1f, 0x8b]);
      expect(bytes.length, f).toBeLessThan(400_000);
    }
  });

  it('Coming from Keras puts Python beside the TypeScript of the examples, included from the repository', () => {
    const html = readFileSync(join(DIST, 'coming-from-keras.html'), 'utf8');
    expect((html.match(/class="side-by-side"/g) ?? []).length).toBe(12);
    expect((html.match(/class="language-py /g) ?? []).length).toBe(12);
    expect((html.match(/class="language-ts /g) ?? []).length).toBe(12);
    expectIn(html, 'loadMnistFlat', 'coming-from-keras.html'); // from examples/mnist-mlp/src/mnist_data.ts
  });

  it.skipIf(!existsSync('/usr/bin/python3'))('the Keras (Python) tutorials are valid Python', () => {
    const dir = join(DOCS_ROOT, 'keras');
    const code = `import ast, pathlib\nfor p in sorted(pathlib.Path(${JSON.stringify(dir)}).glob('*.py')): ast.parse(p.read_text(), str(p))\nprint('ok')`;
    expect(execFileSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' }).trim()).toBe('ok');
  });
});

describe('playground examples', () => {
  const provided = ['@tessera/tensor', '@tessera/layers', '@tessera/optimizers', '@tessera/losses', '@tessera/datasets', '@tessera/cpu-backend', '@tessera/webgpu-backend', 'playground'];
  it.each(EXAMPLES.map((e) => [e.id, e] as const))('%s transpiles and imports only what the page provides', (_id, example) => {
    const js = transpile(example.source);
    const modules = requiredModules(js);
    expect(modules.length).toBeGreaterThan(0);
    for (const m of modules) expect(provided).toContain(m);
    expect(js).not.toMatch(/^\s*import\s/m);
  });
});
