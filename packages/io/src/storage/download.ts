import { ModelFileError } from '../errors.js';

/** Offers bytes as a browser download named `name` (what `downloads://name` does). */
export function downloadBytes(name: string, bytes: Uint8Array): void {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc || typeof URL.createObjectURL !== 'function') {
    throw new ModelFileError('io', 'downloads:// works in browsers only (no document here)', { file: `downloads://${name}` });
  }
  const blob = new Blob([bytes as BlobPart], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
