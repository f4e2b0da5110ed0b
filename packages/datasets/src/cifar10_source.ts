import { CIFAR10_ARCHIVE } from './checksums.js';
import { FOLDER, TEST_FILE, TRAIN_FILES } from './cifar10_format.js';
import { ChecksumError, DatasetError } from './errors.js';
import { isGzip, maybeGunzip } from './gzip.js';
import { md5Hex } from './md5.js';
import { importNode } from './platform.js';
import { isUrlSource, readFromSource, tryReadFromSource, type SourceFile } from './source.js';
import { hexPrefix, isTar, readTar } from './tar.js';

const WHO = 'cifar10';
const ARCHIVE_NAME = /\.(?:tar\.gz|tgz|tar)$/i;
const SHOWN = 20; // entries listed at most when saying what was found

/** The batch files every CIFAR-10 source must hold. */
export const REQUIRED_FILES: readonly string[] = [...TRAIN_FILES, TEST_FILE];

/** The CIFAR-10 files of one source, by their base names (`data_batch_1.bin`, ...). */
export interface Cifar10Files {
  /** A required file; a missing one is a {@link DatasetError} naming it and where it was looked for. */
  read(name: string): Promise<SourceFile>;
  /** An optional file (`batches.meta.txt`), or `undefined` when it is not there. */
  readOptional(name: string): Promise<SourceFile | undefined>;
}

/**
 * Opens a CIFAR-10 source: the archive's bytes, a path (or URL) of `cifar-10-binary.tar.gz` (or
 * its `.tar`), a directory holding the extracted files or their `cifar-10-batches-bin/` folder,
 * or a URL prefix the extracted files are fetched from. Archives and directories are checked
 * for all six batch files at once; from a URL prefix, files are fetched as they are needed.
 */
export async function openCifar10(source: string | Uint8Array | undefined, verify: boolean): Promise<Cifar10Files> {
  if (source instanceof Uint8Array) return openArchive(source, 'cifar-10-binary.tar.gz (given as bytes)', verify);
  if (typeof source !== 'string' || source === '') {
    throw new DatasetError(
      `${WHO}: expected {source}: cifar-10-binary.tar.gz (a path, URL or its bytes) or a directory of the extracted ` +
        `${FOLDER}/ files (the data set is not bundled) but ${source === '' ? 'an empty string' : 'none'} was given`,
    );
  }
  if (isUrlSource(source)) {
    const { dir, base } = splitLast(source);
    if (ARCHIVE_NAME.test(base)) {
      const { bytes, location } = await readFromSource(dir, [base], WHO);
      return openArchive(bytes, location, verify);
    }
    return urlFiles(source);
  }
  return openPath(source, verify);
}

async function openPath(source: string, verify: boolean): Promise<Cifar10Files> {
  const fs = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
  const path = await importNode<typeof import('node:path')>('node:path');
  let target = source;
  if (target.startsWith('file:')) {
    const { fileURLToPath } = await importNode<typeof import('node:url')>('node:url');
    target = fileURLToPath(target);
  }
  const stat = await fs.stat(target).catch(() => undefined);
  if (!stat) {
    throw new DatasetError(
      `${WHO}: expected source to be cifar-10-binary.tar.gz or a directory of the extracted ${FOLDER}/ files but ${target} does not exist`,
    );
  }
  if (stat.isFile()) {
    const { bytes, location } = await readFromSource(path.dirname(target), [path.basename(target)], WHO);
    return openArchive(bytes, location, verify);
  }
  let dir = target;
  let entries = (await fs.readdir(dir)).sort();
  // The parent of the extracted folder (where `tar xzf` was run) works as well as the folder.
  if (entries.includes(FOLDER) && !REQUIRED_FILES.some((f) => entries.includes(f))) {
    dir = path.join(dir, FOLDER);
    entries = (await fs.readdir(dir)).sort();
  }
  const missing = REQUIRED_FILES.filter((f) => !entries.includes(f));
  if (missing.length) {
    throw new DatasetError(
      `${WHO}: expected the CIFAR-10 batch files in ${dir} but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing; ` +
        `found ${listing(entries)}`,
    );
  }
  return {
    read: (name) => readFromSource(dir, [name], WHO),
    readOptional: async (name) => (entries.includes(name) ? tryReadFromSource(dir, [name], WHO) : undefined),
  };
}

function urlFiles(prefix: string): Cifar10Files {
  return {
    read: (name) => readFromSource(prefix, [name], WHO),
    readOptional: (name) => tryReadFromSource(prefix, [name], WHO),
  };
}

/**
 * Checks (md5, when it has the official archive's size), gunzips and untars an archive, then
 * finds the CIFAR-10 members in it by name, with or without the `cifar-10-batches-bin/` folder.
 */
async function openArchive(bytes: Uint8Array, location: string, verify: boolean): Promise<Cifar10Files> {
  if (verify && bytes.length === CIFAR10_ARCHIVE.bytes) {
    const found = await md5Hex(bytes);
    if (found !== CIFAR10_ARCHIVE.md5) throw new ChecksumError(location, CIFAR10_ARCHIVE.md5, found, 'archive');
  }
  let tar = bytes;
  let tarLocation = location;
  if (isGzip(bytes)) {
    tar = maybeGunzip(bytes, location);
    tarLocation = `${location} (decompressed)`;
  } else if (!isTar(bytes)) {
    throw new DatasetError(
      `${location}: expected cifar-10-binary.tar.gz (gzip, starting 1f 8b) or its .tar (a tar header) ` +
        `but found ${bytes.length} bytes starting ${hexPrefix(bytes)}`,
    );
  }
  const members = readTar(tar, tarLocation);
  const byName = new Map<string, { name: string; data: Uint8Array }>();
  for (const member of members) {
    const name = member.name.replace(/^(?:\.\/)+/, '');
    const base = name.startsWith(`${FOLDER}/`) ? name.slice(FOLDER.length + 1) : name;
    if (!base.includes('/') && !byName.has(base)) byName.set(base, member);
  }
  const missing = REQUIRED_FILES.filter((f) => !byName.has(f));
  if (missing.length) {
    throw new DatasetError(
      `${location}: expected the archive to hold ${missing.map((f) => `${FOLDER}/${f}`).join(', ')} (with or without the ` +
        `folder) but ${missing.length === 1 ? 'it is' : 'they are'} missing; found ${listing(members.map((m) => m.name))}`,
    );
  }
  const at = (name: string): SourceFile | undefined => {
    const member = byName.get(name);
    return member && { bytes: member.data, location: `${member.name} in ${location}` };
  };
  return {
    read: async (name) => at(name)!,
    readOptional: async (name) => at(name),
  };
}

function listing(names: readonly string[]): string {
  if (names.length === 0) return 'nothing (it is empty)';
  const shown = names.slice(0, SHOWN).join(', ');
  return names.length > SHOWN ? `${names.length} entries: ${shown}, …` : shown;
}

function splitLast(url: string): { dir: string; base: string } {
  const path = url.replace(/[?#].*$/, '');
  const i = path.lastIndexOf('/');
  return { dir: path.slice(0, i + 1), base: path.slice(i + 1) };
}
