import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeIdx } from '../src/index.js';
import { cifar10, mnist } from '../src/index.js';
import { fixtureFiles, fixtureTarGz } from './cifar10_fixture.js';

type Lib = typeof import('../src/index.js');
const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/index.ts');

/**
 * The package bundled for browsers (esbuild, platform 'browser') and run in a fresh V8 context
 * without `process`, `require` or Node built-ins: only `fetch` (a stub serving `files`) and
 * the web globals the code uses. This is the browser path: URL sources and js-md5.
 */
async function browserRealm(files: Map<string, Uint8Array>, fetched: string[]): Promise<Lib> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'lib',
    conditions: ['@tessera/source'],
    write: false,
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  const code = result.outputFiles[0].text;
  // No Node built-in is bundled or required; they are only named in run-time-only imports.
  expect(code).not.toMatch(/\brequire\(["']node:/);
  const fetchStub = async (url: string) => {
    fetched.push(url);
    const bytes = files.get(url);
    if (!bytes) return { ok: false, status: 404, statusText: 'Not Found' };
    return { ok: true, status: 200, statusText: 'OK', arrayBuffer: async () => bytes.slice().buffer };
  };
  const context = vm.createContext({ fetch: fetchStub, TextDecoder, TextEncoder, console });
  vm.runInContext(`${code}\nglobalThis.lib = lib;`, context);
  return context.lib as Lib;
}

describe('in a browser (bundled, no Node APIs)', () => {
  const files = new Map<string, Uint8Array>();
  const fetched: string[] = [];
  let lib: Lib;
  beforeAll(async () => {
    const dir = await mnist.bundledDirectory();
    for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      files.set(`https://data.test/mnist/${name}`, new Uint8Array(await readFile(path.join(dir, name))));
    }
    lib = await browserRealm(files, fetched);
  });

  it('bundles, and loads MNIST from a URL prefix, verified with the pure-JS md5', async () => {
    const t = performance.now();
    const raw = await lib.mnist.loadRaw({ source: 'https://data.test/mnist' });
    console.log(`browser realm: mnist.loadRaw(URL, js-md5): ${(performance.now() - t).toFixed(0)} ms`);
    expect([raw.train.count, raw.test.count]).toEqual([60000, 10000]);
    expect(raw.train.labels[0]).toBe(5);
    // .gz is tried first, then the raw name.
    expect(fetched).toContain('https://data.test/mnist/t10k-labels-idx1-ubyte.gz');
    expect(fetched).toContain('https://data.test/mnist/t10k-labels-idx1-ubyte');
  });

  it('reports a checksum mismatch and a missing file by URL', async () => {
    files.set('https://data.test/bad/train-images-idx3-ubyte', writeIdx([1, 28, 28], new Uint8Array(784)));
    files.set('https://data.test/bad/train-labels-idx1-ubyte', writeIdx([1], new Uint8Array([3])));
    files.set('https://data.test/bad/t10k-images-idx3-ubyte', writeIdx([1, 28, 28], new Uint8Array(784)));
    const err = (await lib.mnist.loadRaw({ source: 'https://data.test/bad/' }).catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('ChecksumError');
    expect(err.message).toMatch(
      /^https:\/\/data\.test\/bad\/train-images-idx3-ubyte: md5 of the decompressed content should be 6bbc9ace898e44ae57da46a324031adb but is [0-9a-f]{32}/,
    );
    await expect(lib.mnist.loadRaw({ source: 'https://data.test/bad', verify: false })).rejects.toThrow(
      'mnist: expected file t10k-labels-idx1-ubyte.gz or t10k-labels-idx1-ubyte under https://data.test/bad/ but found neither ' +
        '(tried https://data.test/bad/t10k-labels-idx1-ubyte.gz (404), https://data.test/bad/t10k-labels-idx1-ubyte (404))',
    );
  });

  it('loads CIFAR-10 from an archive URL (nanotar, no Node streams) and from a URL prefix, as Node does', async () => {
    const fromNode = await cifar10.loadRaw({ source: fixtureTarGz() });
    const flat = (raw: typeof fromNode) => [raw.train.count, raw.test.count, [...raw.train.labels], [...raw.test.labels], raw.classNames.join()];
    files.set('https://data.test/cifar/cifar-10-binary.tar.gz', fixtureTarGz());
    const fromArchive = await lib.cifar10.loadRaw({ source: 'https://data.test/cifar/cifar-10-binary.tar.gz' });
    expect(flat(fromArchive)).toEqual(flat(fromNode));
    expect(Buffer.compare(fromArchive.train.images, fromNode.train.images)).toBe(0);
    expect(Buffer.compare(fromArchive.test.images, fromNode.test.images)).toBe(0);

    for (const [name, bytes] of fixtureFiles(null)) files.set(`https://data.test/cifar-bin/${name}`, bytes);
    const fromPrefix = await lib.cifar10.loadRaw({ source: 'https://data.test/cifar-bin' });
    expect(flat(fromPrefix)).toEqual(flat(fromNode)); // no batches.meta.txt (404): the standard names
    expect(Buffer.compare(fromPrefix.train.images, fromNode.train.images)).toBe(0);
    expect(fetched).toContain('https://data.test/cifar-bin/batches.meta.txt');

    await expect(lib.cifar10.loadRaw({ source: 'https://data.test/cifar-none/' })).rejects.toThrow(
      'cifar10: expected file data_batch_1.bin under https://data.test/cifar-none/ but it is not there (tried https://data.test/cifar-none/data_batch_1.bin (404))',
    );
  });

  it('asks for a URL when no source is given (the bundled copy is Node-only)', async () => {
    await expect(lib.mnist.loadRaw()).rejects.toThrow(/in a browser pass \{source: "<URL prefix of the four IDX files>"\}/);
    await expect(lib.fashionMnist.loadRaw()).rejects.toThrow(/fashionMnist: expected \{source\}/);
  });
});
