import { ModelFileError } from '../errors.js';

/** What one IndexedDB record holds. */
export interface StoredModel {
  name: string;
  bytes: Uint8Array;
  /** `'keras'`, `'h5'` or a weights layout. */
  format: string;
  /** ISO time of the save. */
  savedAt: string;
}

const DB_NAME = 'tessera-models';
const STORE = 'models';

function idb(): IDBFactory {
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) throw new ModelFileError('io', 'IndexedDB is not available here (indexeddb:// works in browsers)');
  return factory;
}

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = idb().open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'name' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  let db: IDBDatabase | undefined;
  try {
    db = await openDb();
    const tx = db.transaction(STORE, mode);
    const result = await promised(fn(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    return result;
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError('io', `IndexedDB failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  } finally {
    db?.close();
  }
}

/** Saves bytes under a name (one transaction: the old record stays until it commits). */
export async function idbPut(record: StoredModel): Promise<void> {
  await withStore('readwrite', (s) => s.put(record));
}

/** The record saved under a name. */
export async function idbGet(name: string): Promise<StoredModel> {
  const r = await withStore('readonly', (s) => s.get(name) as IDBRequest<StoredModel | undefined>);
  if (!r) throw new ModelFileError('io', `no model is saved in IndexedDB under '${name}'`, { file: `indexeddb://${name}` });
  return r;
}

/**
 * Names of the models saved with `indexeddb://` targets.
 * @example
 * ```ts
 * await listStoredModels(); // ['mnist-cnn', ...]
 * ```
 */
export async function listStoredModels(): Promise<string[]> {
  const keys = await withStore('readonly', (s) => s.getAllKeys());
  return keys.map(String);
}

/**
 * Deletes a model saved with an `indexeddb://` target.
 * @example
 * ```ts
 * await deleteStoredModel('mnist-cnn');
 * ```
 */
export async function deleteStoredModel(name: string): Promise<void> {
  await withStore('readwrite', (s) => s.delete(name));
}
