// @ts-check
// The HDF5 worker: reads and writes HDF5 files with h5wasm away from the main thread,
// so that a corrupted file which sends the HDF5 library into an endless loop (or traps
// its WebAssembly instance) costs a terminated worker, not a hung or broken app.
// Messages: {id, op: 'read', bytes, limits} -> {id, ok, tree, recycle}
//           {id, op: 'write', tree}         -> {id, ok, bytes, recycle}
// `recycle` asks the host for a fresh worker: the instance saw a trap, or has grown
// (HDF5 leaks a little memory on every error).
import h5wasm from 'h5wasm';
import * as core from './h5_core.js';

const MAX_HEAP = 256 * 1024 * 1024;

/** @type {(msg: any, transfer: any[]) => void} */
let post;
/** @type {(handler: (msg: any) => void) => void} */
let listen;

// Node's worker_threads come from process.getBuiltinModule (Node 20.16+), not an import: no
// top-level await (Vite bundles workers as iife) and nothing for a browser bundler to resolve.
const proc = /** @type {any} */ (globalThis).process;
const isNode = typeof self === 'undefined' && typeof proc?.getBuiltinModule === 'function';
if (isNode) {
  const { parentPort } = proc.getBuiltinModule('node:worker_threads');
  post = (msg, transfer) => parentPort.postMessage(msg, transfer);
  listen = (handler) => parentPort.on('message', handler);
} else {
  const scope = /** @type {any} */ (self);
  post = (msg, transfer) => scope.postMessage(msg, transfer);
  listen = (handler) => scope.addEventListener('message', (/** @type {MessageEvent} */ e) => handler(e.data));
}

/** Buffers of the typed arrays in a tree, to transfer rather than copy. */
function buffersOf(node, out = []) {
  if (node.kind === 'dataset') {
    const d = node.data;
    if (ArrayBuffer.isView(d) && d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && !out.includes(d.buffer)) out.push(d.buffer);
  } else {
    for (const child of Object.values(node.children)) buffersOf(child, out);
  }
  return out;
}

async function recycle() {
  return core.poisoned || (await core.heapBytes(h5wasm)) > MAX_HEAP;
}

listen(async (msg) => {
  const { id, op } = msg;
  try {
    if (op === 'ping') {
      await h5wasm.ready;
      post({ id, ok: true }, []);
    } else if (op === 'read') {
      // Tells the host the parse moves on (at most every 200 ms): a parse stuck inside the
      // library sends nothing, and the host stops it after its stall bound.
      let last = 0;
      const progress = () => {
        const now = Date.now();
        if (now - last < 200) return;
        last = now;
        post({ id, progress: true }, []);
      };
      const tree = await core.readTree(h5wasm, msg.bytes, msg.limits, progress);
      post({ id, ok: true, tree, recycle: await recycle() }, buffersOf(tree));
    } else if (op === 'write') {
      const bytes = await core.writeTree(h5wasm, msg.tree);
      post({ id, ok: true, bytes, recycle: await recycle() }, [bytes.buffer]);
    } else {
      post({ id, ok: false, code: 'internal', message: `unknown op ${op}` }, []);
    }
  } catch (e) {
    const err = /** @type {any} */ (e);
    const fatal = core.isFatal(err) || core.poisoned;
    const code = err instanceof core.H5CoreError ? err.code : 'corrupt';
    let grown = false;
    try {
      grown = await recycle();
    } catch {
      grown = true;
    }
    post({ id, ok: false, code, fatal, recycle: fatal || grown, message: String(err && err.message ? err.message : err) }, []);
  }
});
