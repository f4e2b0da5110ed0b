import { isNode, importNode } from './platform.js';

/**
 * The md5 of `bytes` as lowercase hex: Node's crypto where available (fast, native), else the
 * pure-JavaScript `js-md5`, loaded only when a check runs (a separate chunk in browser bundles).
 */
export async function md5Hex(bytes: Uint8Array): Promise<string> {
  if (isNode()) {
    const { createHash } = await importNode<typeof import('node:crypto')>('node:crypto');
    return createHash('md5').update(bytes).digest('hex');
  }
  return md5HexPortable(bytes);
}

/** The pure-JavaScript md5 (`js-md5`), as used in browsers. */
export async function md5HexPortable(bytes: Uint8Array): Promise<string> {
  const { md5 } = await import('js-md5');
  return md5.create().update(bytes).hex();
}
