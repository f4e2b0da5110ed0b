import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type DefaultTheme } from 'vitepress';

/** COOP/COEP, sent by the dev server (and by scripts/static_server.ts, the preview's and the tests'). */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

function isolate(_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void): void {
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
  next();
}

/** Sidebars written by scripts/generate.ts from the packages that exist. */
function generated(name: string): DefaultTheme.SidebarItem[] {
  const file = fileURLToPath(new URL(`../.generated/${name}`, import.meta.url));
  if (!existsSync(file)) throw new Error(`docs: ${file} is missing: run 'pnpm --filter docs generate' (or build) first`);
  return JSON.parse(readFileSync(file, 'utf8')) as DefaultTheme.SidebarItem[];
}

const guideSidebar = generated('guide-sidebar.json');

const mainSidebar: DefaultTheme.SidebarItem[] = [
  {
    text: 'Start',
    items: [
      { text: 'Getting started', link: '/getting-started' },
      { text: 'Coming from Keras', link: '/coming-from-keras' },
      { text: 'Playground', link: '/playground' },
      { text: 'Sequence models', link: '/sequence-models' },
    ],
  },
  ...guideSidebar,
  {
    text: 'Going further',
    items: [
      { text: 'Writing a backend', link: '/writing-a-backend' },
      { text: 'File formats', link: '/file-formats' },
      { text: 'When one machine is not enough', link: '/scale-out' },
      { text: 'API reference', link: '/api/' },
      { text: 'Documentation gaps', link: '/api/gaps' },
    ],
  },
];

/** Pages generated from TSDoc and READMEs: their text is text, never a Vue template. */
const GENERATED_PAGES = /^(api|guide)\//;

export default defineConfig({
  title: 'Tessera',
  description: 'Keras-style deep learning in TypeScript, on WebGPU and the CPU, in Node and the browser.',
  outDir: '../dist',
  cleanUrls: true,
  // A link to a page that does not exist fails the build (VitePress's default, stated here on purpose).
  ignoreDeadLinks: false,
  lastUpdated: false,
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/getting-started', activeMatch: '^/(getting-started|guide/|coming-from-keras|sequence-models|writing-a-backend|file-formats|scale-out)' },
      { text: 'Coming from Keras', link: '/coming-from-keras' },
      { text: 'API', link: '/api/', activeMatch: '^/api/' },
      { text: 'Playground', link: '/playground' },
    ],
    sidebar: {
      '/api/': generated('api-sidebar.json'),
      '/': mainSidebar,
    },
    outline: [2, 3],
    search: { provider: 'local' },
  },
  markdown: {
    config(md) {
      // Inline code never interpolates (`{{` in a TSDoc comment is not Vue's), and neither does
      // the prose of generated pages.
      const inline = md.renderer.rules.code_inline!;
      md.renderer.rules.code_inline = (tokens, idx, options, env, self) => inline(tokens, idx, options, env, self).replace(/^<code/, '<code v-pre');
      const text = md.renderer.rules.text!;
      md.renderer.rules.text = (tokens, idx, options, env, self) => {
        const html = text(tokens, idx, options, env, self);
        return GENERATED_PAGES.test((env as { relativePath?: string }).relativePath ?? '') ? html.replace(/\{\{|\}\}/g, (m) => (m === '{{' ? '&#123;&#123;' : '&#125;&#125;')) : html;
      };
    },
  },
  vite: {
    // Cross-origin isolation (SharedArrayBuffer: the CPU backend's second GEMM thread in the
    // playground's training worker, as in the demo). The site loads nothing from other origins, so COEP blocks nothing.
    // VitePress serves its pages from its own middleware, which `server.headers` does not reach:
    // a middleware that runs first sets them on every response, pages included. (`vitepress
    // preview` takes no headers: `pnpm preview` serves dist/ with scripts/preview.ts instead.)
    plugins: [
      {
        name: 'tessera-cross-origin-isolation',
        configureServer(server) {
          server.middlewares.use(isolate);
        },
      },
    ],
    // Workspace packages resolve to their TypeScript sources (as in the repo's tests): the
    // playground bundles @tessera/* from source, so the site never runs stale builds.
    resolve: { conditions: ['@tessera/source'] },
    // The playground's training worker (theme/playground/fit.worker.ts) is an ES module worker
    // (`new Worker(new URL(...), { type: 'module' })`), bundled with its own chunks.
    worker: { format: 'es' },
    // The local search index of ~600 pages is ~2.4 MB; the playground chunk ~1.1 MB.
    build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
    optimizeDeps: { esbuildOptions: { target: 'es2022' } },
  },
});
