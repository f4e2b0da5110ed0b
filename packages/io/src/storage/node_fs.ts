import { ModelFileError } from '../errors.js';

type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');

async function nodeModules(): Promise<{ fs: Fs; path: Path }> {
  // Variable specifiers keep browser bundlers from trying to resolve Node built-ins.
  const fsName = 'node:fs/promises';
  const pathName = 'node:path';
  const [fs, path] = await Promise.all([import(/* @vite-ignore */ fsName) as Promise<Fs>, import(/* @vite-ignore */ pathName) as Promise<Path>]);
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

/**
 * Writes a file atomically (Node): the bytes go to a temporary file beside the target,
 * which is flushed to disk (fsync) and then renamed over the target. A crash at any
 * moment leaves either the old file or the new one, never a mix.
 */
export async function writeLocalFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const { fs, path } = await nodeModules();
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
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
