import { ModelFileError } from '../errors.js';

type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');

/**
 * Node's `fs/promises` and `path`, fetched at run time with `process.getBuiltinModule`
 * (Node 20.16+): there is no import of a Node built-in for a browser bundler to resolve.
 */
async function nodeModules(): Promise<{ fs: Fs; path: Path }> {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs/promises') as Fs | undefined;
  const path = proc?.getBuiltinModule?.('node:path') as Path | undefined;
  if (!fs || !path) throw new ModelFileError('io', 'file paths need Node (20.16 or later); in a browser pass bytes, a URL or browser storage');
  return { fs, path };
}

/** Reads a whole file (Node). */
export async function readLocalFile(file: string): Promise<Uint8Array> {
  const { fs } = await nodeModules();
  try {
    const buf = await fs.readFile(file);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new ModelFileError('io', `cannot read the file: ${(e as Error).message}`, { file, cause: e });
  }
}

/** Temp files this process is writing now (never removed as stale). */
const inFlight = new Set<string>();

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files that earlier saves of the same target left when they were killed
 * mid-write: only names of this module's own pattern `.<name>.<pid>.<random>.tmp`, and only
 * when process `<pid>` is no longer running (a save in progress elsewhere is left alone).
 * Best effort: a file that cannot be listed or removed is left.
 */
export async function removeStaleTempFiles(file: string): Promise<string[]> {
  const { fs, path } = await nodeModules();
  const dir = path.dirname(path.resolve(file));
  const pattern = new RegExp(`^\\.${escapeRegExp(path.basename(file))}\\.(\\d+)\\.[a-z0-9]{1,16}\\.tmp$`);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const full = path.join(dir, name);
    const pid = Number(m[1]);
    if (inFlight.has(full) || (pid !== process.pid && processAlive(pid))) continue;
    try {
      await fs.unlink(full);
      removed.push(full);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/**
 * Writes a file atomically (Node): the bytes go to a temporary file beside the target,
 * which is flushed to disk (fsync) and then renamed over the target. A crash at any
 * moment leaves either the old file or the new one, never a mix. Temp files left by
 * earlier saves of the same target that were killed mid-write are removed first
 * (see {@link removeStaleTempFiles}).
 */
export async function writeLocalFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const { fs, path } = await nodeModules();
  const dir = path.dirname(path.resolve(file));
  await removeStaleTempFiles(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  inFlight.add(tmp);
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.unlink(tmp).catch(() => undefined);
    throw new ModelFileError('io', `cannot write the file: ${(e as Error).message}`, { file, cause: e });
  } finally {
    inFlight.delete(tmp);
  }
  // Make the rename itself durable (not possible on every platform: best effort).
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // directories cannot be opened for fsync on some systems
  }
}
