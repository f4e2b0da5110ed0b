import '@tessera/cpu-backend';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Dense, Sequential, clearSession, type Model } from '@tessera/layers';
import { tensor, type Tensor } from '@tessera/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteStoredModel, listStoredModels, loadModel, saveModel, saveWeights, loadWeights, ModelFileError } from '../src/index.js';

function small(): Model {
  clearSession();
  return new Sequential([new Dense({ units: 3, activation: 'tanh', inputShape: [2] }), new Dense({ units: 2 })]);
}
const x = tensor([[0.5, -1], [2, 0.25]]);
const out = (m: Model) => Array.from((m.predict(x) as Tensor).dataSync());

/** Just enough of IndexedDB (open, upgrade, one object store, put/get/getAllKeys/delete) to run the code path. */
function fakeIndexedDB() {
  const stores = new Map<string, Map<string, unknown>>();
  const later = (f: () => void) => setTimeout(f, 0);
  const request = <T>(compute: () => T) => {
    const req: { result?: T; error?: unknown; onsuccess?: () => void; onerror?: () => void } = {};
    later(() => {
      try {
        req.result = compute();
        req.onsuccess?.();
      } catch (e) {
        req.error = e;
        req.onerror?.();
      }
    });
    return req;
  };
  const db = {
    objectStoreNames: { contains: (n: string) => stores.has(n) },
    createObjectStore: (n: string, o: { keyPath: string }) => {
      stores.set(n, new Map());
      return o;
    },
    transaction: (name: string) => {
      const s = stores.get(name)!;
      const tx: { oncomplete?: () => void; onerror?: () => void; onabort?: () => void; objectStore: () => unknown } = {
        objectStore: () => ({
          put: (r: { name: string }) => request(() => void s.set(r.name, structuredClone(r))),
          get: (k: string) => request(() => s.get(k)),
          getAllKeys: () => request(() => [...s.keys()]),
          delete: (k: string) => request(() => void s.delete(k)),
        }),
      };
      later(() => later(() => tx.oncomplete?.()));
      return tx;
    },
    close: () => undefined,
  };
  return {
    open: () => {
      const req: { result?: unknown; onupgradeneeded?: () => void; onsuccess?: () => void } = {};
      later(() => {
        req.result = db;
        if (!stores.has('models')) req.onupgradeneeded?.();
        req.onsuccess?.();
      });
      return req;
    },
  };
}

const g = globalThis as Record<string, unknown>;
afterEach(() => {
  delete g.indexedDB;
  delete g.document;
});

describe('sources and targets', () => {
  it('bytes (Uint8Array, ArrayBuffer), Blob and File', async () => {
    const m = small();
    const bytes = await saveModel(m, null, { format: 'keras' });
    for (const source of [bytes, bytes.slice().buffer, new Blob([bytes as BlobPart]), new File([bytes as BlobPart], 'picked.keras')]) {
      const loaded = await loadModel(source);
      expect(out(loaded)).toEqual(out(m));
      loaded.dispose();
    }
    m.dispose();
  });

  it('paths and file:// URLs, with the format from the extension', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-io-'));
    try {
      const m = small();
      await saveModel(m, join(dir, 'a.h5'));
      await saveModel(m, pathToFileURL(join(dir, 'b.keras')));
      expect(readFileSync(join(dir, 'a.h5')).subarray(1, 4).toString()).toBe('HDF');
      expect(readFileSync(join(dir, 'b.keras')).subarray(0, 2).toString()).toBe('PK');
      for (const src of [join(dir, 'a.h5'), pathToFileURL(join(dir, 'b.keras')).href, pathToFileURL(join(dir, 'a.h5'))]) {
        const loaded = await loadModel(src);
        expect(out(loaded)).toEqual(out(m));
        loaded.dispose();
      }
      await saveWeights(m, join(dir, 'w.weights.h5'));
      await saveWeights(m, join(dir, 'w.h5'));
      for (const w of ['w.weights.h5', 'w.h5']) {
        const twin = small();
        await loadWeights(twin, join(dir, w));
        expect(out(twin)).toEqual(out(m));
        twin.dispose();
      }
      m.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('http:// URLs through fetch (a real server on the loopback address)', async () => {
    const m = small();
    const bytes = await saveModel(m, null, { format: 'h5' });
    const server = createServer((req, res) => {
      if (req.url === '/model.h5') res.end(Buffer.from(bytes));
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const loaded = await loadModel(`http://127.0.0.1:${port}/model.h5`);
      expect(out(loaded)).toEqual(out(m));
      loaded.dispose();
      const e = await loadModel(`http://127.0.0.1:${port}/missing.h5`).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ModelFileError);
      expect((e as ModelFileError).message).toMatch(/HTTP 404/);
    } finally {
      server.close();
      m.dispose();
    }
  });

  it('indexeddb:// (with a minimal in-memory IndexedDB)', async () => {
    g.indexedDB = fakeIndexedDB();
    const m = small();
    await saveModel(m, 'indexeddb://mnist');
    await saveWeights(m, 'indexeddb://mnist-weights');
    expect((await listStoredModels()).sort()).toEqual(['mnist', 'mnist-weights']);
    const loaded = await loadModel('indexeddb://mnist');
    expect(out(loaded)).toEqual(out(m));
    const twin = small();
    await loadWeights(twin, 'indexeddb://mnist-weights');
    expect(out(twin)).toEqual(out(m));
    await deleteStoredModel('mnist');
    await expect(loadModel('indexeddb://mnist')).rejects.toMatchObject({ code: 'io' });
    [m, loaded, twin].forEach((x) => x.dispose());
  });

  it('indexeddb:// where there is none is a typed error', async () => {
    const m = small();
    await expect(saveModel(m, 'indexeddb://x')).rejects.toMatchObject({ code: 'io', message: expect.stringMatching(/IndexedDB is not available/) });
    m.dispose();
  });

  it('downloads:// (with a fake document)', async () => {
    const clicked: { href: string; download: string }[] = [];
    const blobs = new Map<string, Blob>();
    const createObjectURL = URL.createObjectURL;
    URL.createObjectURL = (b: Blob) => {
      const u = `blob:fake/${blobs.size}`;
      blobs.set(u, b);
      return u;
    };
    g.document = {
      createElement: () => {
        const a = { href: '', download: '', style: {}, click: () => clicked.push({ href: a.href, download: a.download }), remove: () => undefined };
        return a;
      },
      body: { appendChild: () => undefined },
    };
    try {
      const m = small();
      const bytes = await saveModel(m, 'downloads://mnist.h5');
      expect(clicked.map((c) => c.download)).toEqual(['mnist.h5']);
      const blob = blobs.get(clicked[0].href)!;
      expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
      const loaded = await loadModel(blob);
      expect(out(loaded)).toEqual(out(m));
      [m, loaded].forEach((x) => x.dispose());
    } finally {
      URL.createObjectURL = createObjectURL;
    }
  });

  it('unsupported targets and sources are typed errors', async () => {
    const m = small();
    await expect(saveModel(m, 'https://example.invalid/m.keras')).rejects.toMatchObject({ code: 'io' });
    await expect(loadModel('downloads://m.keras')).rejects.toMatchObject({ code: 'io' });
    await expect(loadModel(42 as never)).rejects.toBeInstanceOf(ModelFileError);
    m.dispose();
  });
});
