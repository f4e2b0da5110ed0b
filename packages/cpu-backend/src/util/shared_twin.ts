/**
 * The same module importing a shared memory: `bytes` (a module whose imports are one plain
 * memory, `(import "env" "memory" (memory min))`, as our WAT files write it) with that
 * import's limits rewritten to `min maxPages shared`. Made at load time rather than
 * shipped, so that an app bundle carries each module once; a test checks it against
 * wabt's assembly of the shared text, byte for byte.
 */
export function sharedTwin(bytes: Uint8Array, maxPages: number): Uint8Array<ArrayBuffer> {
  let at = 8; // magic and version
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, sizeLength] = readLeb(bytes, at + 1);
    const start = at + 1 + sizeLength;
    if (id === 2) {
      const payload = importsShared(bytes.subarray(start, start + size), maxPages);
      const sizeBytes = leb(payload.length);
      const out = new Uint8Array(bytes.length - size - sizeLength + payload.length + sizeBytes.length);
      out.set(bytes.subarray(0, at + 1));
      out.set(sizeBytes, at + 1);
      out.set(payload, at + 1 + sizeBytes.length);
      out.set(bytes.subarray(start + size), at + 1 + sizeBytes.length + payload.length);
      return out;
    }
    at = start + size;
  }
  throw new Error('sharedTwin: the module imports no memory');
}

/** The import section `payload` (one memory import) with the memory's limits made shared. */
function importsShared(payload: Uint8Array, maxPages: number): Uint8Array {
  const [count, countLength] = readLeb(payload, 0);
  let at = countLength;
  for (let i = 0; i < 2; i++) {
    const [length, lengthLength] = readLeb(payload, at); // module name, then field name
    at += lengthLength + length;
  }
  // Kind 2 (memory) with limits flag 0 (a minimum only): anything else is not our modules' import.
  if (count !== 1 || payload[at] !== 2 || payload[at + 1] !== 0) throw new Error('sharedTwin: expected one plain memory import');
  const [min, minLength] = readLeb(payload, at + 2);
  const end = at + 2 + minLength;
  const limits = [0x03, ...leb(min), ...leb(maxPages)];
  return new Uint8Array([...payload.subarray(0, at + 1), ...limits, ...payload.subarray(end)]);
}

/** The unsigned LEB128 at `at` and its length in bytes. */
function readLeb(b: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const byte = b[i++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, i - at];
  }
}

/** `value` as unsigned LEB128, in the fewest bytes (as wabt writes sizes and limits with canonical LEBs). */
function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}
