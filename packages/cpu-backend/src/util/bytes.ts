/** The bytes of an embedded WebAssembly module, written one character per byte (see scripts/build-wasm.mjs). */
export function decodeBytes(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
