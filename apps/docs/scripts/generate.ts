/**
 * Everything the site generates before `vitepress build`: the API reference and its gaps page
 * (TypeDoc), the package guides (from the READMEs), the kernel table (from `KERNELS`), the root
 * README's two commands, and the playground's MNIST subset. Run by `pnpm --filter docs build`.
 */
import { rm } from 'node:fs/promises';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateApi, writeApiExtras } from './gen_api.js';
import { readmeCommands, writeGuides } from './gen_guides.js';
import { kernelTable } from './gen_kernels.js';
import { SUBSET, writeMnistSubset } from './gen_mnist.js';
import { discoverPackages, SITE_ROOT } from './packages.js';

export const GENERATED = join(SITE_ROOT, '.generated');
export const API_DIR = join(SITE_ROOT, 'api');
export const GUIDE_DIR = join(SITE_ROOT, 'guide');
export const MNIST_DIR = join(SITE_ROOT, 'public', 'data', 'mnist');

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  console.log(`docs: ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return out;
}

const started = performance.now();
const pkgs = discoverPackages();
console.log(`docs: packages ${pkgs.map((p) => p.name).join(', ')}`);
await rm(GENERATED, { recursive: true, force: true });
await rm(GUIDE_DIR, { recursive: true, force: true });
await mkdir(GENERATED, { recursive: true });

await step('kernel table', async () => {
  const table = kernelTable();
  await writeFile(join(GENERATED, 'kernels.md'), table.markdown);
  await writeFile(join(GENERATED, 'kernels.json'), `${JSON.stringify({ count: table.count, backends: table.backends })}\n`);
  await writeFile(
    join(GENERATED, 'kernel-count.md'),
    `The list holds **${table.count} kernels**; the CPU backend registers ${table.backends.cpu} of them and the WebGPU backend ${table.backends.webgpu}.\n`,
  );
});
await step('File formats status', async () => {
  const io = pkgs.find((p) => p.slug === 'io');
  const text = io
    ? `Reference: the [${io.name} guide](/guide/io) and its [API](/api/io/) (\`loadModel\`, \`saveModel\`, \`loadWeights\`, \`saveWeights\`, ...).\n`
    : '::: warning\n`@tessera/io` is not part of this build (no `packages/io/src/index.ts`): the functions below are not available yet.\n:::\n';
  await writeFile(join(GENERATED, 'io-status.md'), text);
});
await step('README commands', async () => writeFile(join(GENERATED, 'readme-commands.md'), await readmeCommands()));
await step('package guides', () => writeGuides(pkgs, GUIDE_DIR, GENERATED));
await step(`MNIST subset (${SUBSET.train} train, ${SUBSET.test} test)`, () => writeMnistSubset(MNIST_DIR));
const api = await step('API reference (TypeDoc)', async () => {
  const result = await generateApi(pkgs, API_DIR);
  await writeApiExtras(result, pkgs, API_DIR, GENERATED);
  return result;
});
const exports = api.packages.reduce((n, p) => n + p.exports.length, 0);
console.log(`docs: ${exports} exports documented, ${api.gaps.length} gaps (see /api/gaps), ${api.unexportedLinks.length} links to unexported symbols`);
console.log(`docs: generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
