import { DatasetError } from './errors.js';
import { importNode, isNode } from './platform.js';

/** A file read from a source: its bytes and where they came from (for messages). */
export interface SourceFile {
  bytes: Uint8Array;
  /** The path or URL that was read. */
  location: string;
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const WINDOWS_DRIVE = /^[a-z]:[\\/]/i;

/** True when `source` is fetched (a URL, or anything at all outside Node) rather than read from disk. */
export function isUrlSource(source: string): boolean {
  if (!isNode()) return true;
  return URL_SCHEME.test(source) && !WINDOWS_DRIVE.test(source) && !source.startsWith('file:');
}

/**
 * Reads the first of `candidates` (file names, e.g. `x.gz` then `x`) found in `source`:
 * a directory in Node, or a URL prefix (fetched) in browsers and for http(s) URLs.
 * A missing file is a {@link DatasetError} listing every place looked at.
 */
export async function readFromSource(source: string, candidates: readonly string[], who: string): Promise<SourceFile> {
  const found = await findInSource(source, candidates, who);
  if ('missing' in found) throw new DatasetError(found.missing);
  return found;
}

/**
 * Like {@link readFromSource}, but a file that is not there (no such file, HTTP 404) gives
 * `undefined` rather than an error: for optional files. Other failures still throw.
 */
export async function tryReadFromSource(source: string, candidates: readonly string[], who: string): Promise<SourceFile | undefined> {
  const found = await findInSource(source, candidates, who);
  return 'missing' in found ? undefined : found;
}

/** A file, or why none of the candidates was found (the message of the error to throw). */
type Found = SourceFile | { missing: string };

function findInSource(source: string, candidates: readonly string[], who: string): Promise<Found> {
  return isUrlSource(source) ? fetchFirst(source, candidates, who) : readFirst(source, candidates, who);
}

async function readFirst(source: string, candidates: readonly string[], who: string): Promise<Found> {
  const fs = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
  const path = await importNode<typeof import('node:path')>('node:path');
  let dir = source;
  if (dir.startsWith('file:')) {
    const { fileURLToPath } = await importNode<typeof import('node:url')>('node:url');
    dir = fileURLToPath(dir);
  }
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new DatasetError(
      `${who}: expected source to be a directory holding ${candidates.join(' or ')} but ${dir} ` +
        (stat ? 'is not a directory' : 'does not exist'),
    );
  }
  const tried: string[] = [];
  for (const name of candidates) {
    const file = path.join(dir, name);
    tried.push(file);
    try {
      const buf = await fs.readFile(file);
      return { bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), location: file };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      throw new DatasetError(`${who}: expected to read ${file} but it failed: ${(e as Error).message}`);
    }
  }
  return { missing: `${who}: expected file ${candidates.join(' or ')} in ${dir} but ${notFound(candidates)} (looked for ${tried.join(', ')})` };
}

async function fetchFirst(source: string, candidates: readonly string[], who: string): Promise<Found> {
  const prefix = source.endsWith('/') ? source : `${source}/`;
  const tried: string[] = [];
  for (const name of candidates) {
    const url = prefix + name;
    let response: Response;
    try {
      response = await fetch(url);
    } catch (e) {
      throw new DatasetError(`${who}: expected to fetch ${url} but the request failed: ${(e as Error).message}`);
    }
    if (response.status === 404) {
      tried.push(`${url} (404)`);
      continue;
    }
    if (!response.ok) {
      throw new DatasetError(`${who}: expected ${url} to answer 200 but it answered ${response.status} ${response.statusText}`);
    }
    return { bytes: new Uint8Array(await response.arrayBuffer()), location: url };
  }
  return { missing: `${who}: expected file ${candidates.join(' or ')} under ${prefix} but ${notFound(candidates)} (tried ${tried.join(', ')})` };
}

function notFound(candidates: readonly string[]): string {
  return candidates.length === 1 ? 'it is not there' : 'found neither';
}

/** True when `dir` is an existing directory (always false outside Node). */
export async function directoryExists(dir: string): Promise<boolean> {
  if (!isNode()) return false;
  const fs = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
  const stat = await fs.stat(dir).catch(() => undefined);
  return stat?.isDirectory() ?? false;
}
