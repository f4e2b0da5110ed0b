/**
 * A small `cifar-10-binary.tar.gz` in exactly the official binary format (records of one label
 * byte, then the red, green and blue 32x32 planes; `cifar-10-batches-bin/data_batch_{1..5}.bin`,
 * `test_batch.bin`, `batches.meta.txt`), whose classes can be learned: class k is a colour with
 * noise. Written for the test (the real data set is not on this machine).
 */
import { gzipSync } from 'node:zlib';

const FOLDER = 'cifar-10-batches-bin';
const META = 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n';

/** The colour of class k: ten well separated RGB triples. */
const COLOURS = [[230, 40, 40], [40, 230, 40], [40, 40, 230], [230, 230, 40], [230, 40, 230], [40, 230, 230], [240, 240, 240], [20, 20, 20], [230, 140, 40], [120, 60, 200]];

function records(count: number, seed: number): Uint8Array {
  const out = new Uint8Array(count * 3073);
  let state = seed;
  const noise = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return (state >>> 16) % 61 - 30;
  };
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    const at = i * 3073;
    out[at] = label;
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) out[at + 1 + c * 1024 + p] = Math.max(0, Math.min(255, COLOURS[label][c] + noise()));
  }
  return out;
}

/** One ustar header + data, padded to 512-byte blocks. */
function tarEntry(name: string, data: Uint8Array | null): Uint8Array {
  const header = new Uint8Array(512);
  const put = (text: string, at: number) => header.set(new TextEncoder().encode(text), at);
  const octal = (n: number, width: number) => n.toString(8).padStart(width - 1, '0');
  put(name, 0);
  put(octal(data ? 0o644 : 0o755, 8), 100);
  put(octal(0, 8), 108);
  put(octal(0, 8), 116);
  put(octal(data?.length ?? 0, 12), 124);
  put(octal(0, 12), 136);
  put('        ', 148);
  put(data ? '0' : '5', 156);
  put('ustar\u000000', 257);
  let sum = 0;
  for (const b of header) sum += b;
  put(`${octal(sum, 7)}\u0000`, 148);
  const body = new Uint8Array(Math.ceil((data?.length ?? 0) / 512) * 512);
  if (data) body.set(data);
  const out = new Uint8Array(512 + body.length);
  out.set(header);
  out.set(body, 512);
  return out;
}

/** The archive: `train` examples spread over the five batches, `test` in the test batch. */
export function learnableCifarArchive(train: number, test: number): Uint8Array {
  const perBatch = Math.ceil(train / 5);
  const parts = [tarEntry(`${FOLDER}/`, null)];
  for (let b = 0; b < 5; b++) {
    const n = Math.max(0, Math.min(perBatch, train - b * perBatch));
    parts.push(tarEntry(`${FOLDER}/data_batch_${b + 1}.bin`, records(n, 17 + b)));
  }
  parts.push(tarEntry(`${FOLDER}/test_batch.bin`, records(test, 99)));
  parts.push(tarEntry(`${FOLDER}/batches.meta.txt`, new TextEncoder().encode(META)));
  parts.push(new Uint8Array(1024)); // two zero blocks end the archive
  const tar = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    tar.set(p, at);
    at += p.length;
  }
  return gzipSync(tar);
}
