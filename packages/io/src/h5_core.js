// @ts-check
// HDF5 <-> plain trees, on top of an h5wasm module. Runs inside the HDF5 worker
// (h5_worker.js), or in-process where no worker can be started. Plain JavaScript so
// that Node can start the worker from the source tree without a TypeScript loader.
//
// A tree is `{kind: 'group', attrs, children}` / `{kind: 'dataset', attrs, shape, dtype, data}`;
// attributes are `{dtype, shape, value}`. Everything read is bounded (objects, depth, bytes)
// so that a corrupted file cannot make the library allocate without limit.

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Failure with a category the host turns into a typed error. */
export class H5CoreError extends Error {
  /**
   * @param {string} code - 'not_hdf5' | 'corrupt' | 'limit' | 'unsupported' | 'write'
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Where the HDF5 superblock starts (0, or after a user block of 512 * 2^k bytes), or -1. */
export function findSignature(bytes) {
  for (let at = 0; at + 8 <= bytes.length; at = at === 0 ? 512 : at * 2) {
    let ok = true;
    for (let i = 0; i < 8; i++) if (bytes[at + i] !== SIGNATURE[i]) ok = false;
    if (ok) return at;
    if (at > (1 << 30)) break;
  }
  return -1;
}

let counter = 0;
/** Set once a WebAssembly trap was seen: the instance must not be used again. */
export let poisoned = false;

function noteFatal(e) {
  if (isFatal(e)) poisoned = true;
}
let stderrInstalled = false;
/** The HDF5 library's diagnostics of the current call (its stderr). */
let diagnostics = '';

/**
 * Sends the library's stderr (HDF5-DIAG traces) to a buffer instead of the console: the
 * first lines become part of our error messages, the rest is dropped.
 */
function captureStderr(FS) {
  if (stderrInstalled) return;
  stderrInstalled = true;
  try {
    const dev = FS.makedev(64, 7);
    FS.registerDevice(dev, {
      open() {},
      close() {},
      read() {
        return 0;
      },
      write(_stream, buffer, offset, length) {
        if (diagnostics.length < 4096) {
          diagnostics += String.fromCharCode(...buffer.subarray(offset, offset + Math.min(length, 4096)));
        }
        return length;
      },
    });
    FS.mkdev('/dev/tessera_stderr', dev);
    FS.close(FS.streams[2]);
    FS.open('/dev/tessera_stderr', 'w'); // takes the lowest free descriptor: 2
  } catch {
    // Diagnostics then go to the console; reading still works.
  }
}

/** The most telling line of HDF5's error stack (its innermost frame). */
function diagnosis() {
  const lines = diagnostics
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^#\d+:/.test(l));
  diagnostics = '';
  const last = lines[lines.length - 1];
  if (!last) return '';
  const m = /in (\w+\(\)): (.*)$/.exec(last);
  return m ? `${m[2]} (${m[1]})` : last;
}

function tempName() {
  counter += 1;
  return `/tessera_${counter}.h5`;
}

/** Our dtype name for h5wasm metadata. */
function dtypeOf(meta) {
  if (meta.type === 0) return `${meta.signed ? 'int' : 'uint'}${meta.size * 8}`;
  if (meta.type === 1) return `float${meta.size * 8}`;
  if (meta.type === 3) return meta.vlen ? 'string' : `string${meta.size}`;
  return `other${meta.type}`;
}

function sizeOf(meta) {
  const n = Number(meta.total_size ?? 0);
  const s = Number(meta.size ?? 1);
  return meta.vlen ? n * 64 : n * s;
}

/** IEEE half floats (which h5wasm returns as raw 16-bit words) as float32. */
function halfToFloat(words) {
  const out = new Float32Array(words.length);
  for (let i = 0; i < words.length; i++) {
    const h = words[i];
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const f = h & 0x3ff;
    out[i] = e === 0 ? s * 2 ** -14 * (f / 1024) : e === 31 ? (f ? NaN : s * Infinity) : s * 2 ** (e - 15) * (1 + f / 1024);
  }
  return out;
}

function normalizeValue(value, meta) {
  if (typeof value === 'bigint') return Number(value);
  if (meta.type === 1 && meta.size === 2 && ArrayBuffer.isView(value)) {
    const v = /** @type {Uint8Array} */ (value);
    return halfToFloat(new Uint16Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)));
  }
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) return Float64Array.from(value, (x) => Number(x));
  if (Array.isArray(value)) return value.map((x) => (typeof x === 'bigint' ? Number(x) : x));
  return value;
}

/**
 * Reads a whole HDF5 file into a tree.
 * @param {any} h5 - the h5wasm module (namespace with File, Group, Dataset, ready).
 * @param {Uint8Array} bytes
 * @param {{maxNodes?: number, maxDepth?: number, maxDataBytes?: number, skip?: string[], simulateStallMs?: number}} [limits]
 *   `simulateStallMs` is a test hook: the read blocks that long first, as a parse stuck inside the library would.
 * @param {() => void} [progress] - called as the read moves from object to object (the host's stall detector).
 */
export async function readTree(h5, bytes, limits = {}, progress = () => {}) {
  const { FS } = await h5.ready;
  captureStderr(FS);
  if (limits.simulateStallMs) {
    const end = Date.now() + limits.simulateStallMs;
    while (Date.now() < end) {
      // blocks like a loop inside WebAssembly: nothing else runs in this thread
    }
  }
  if (findSignature(bytes) < 0) throw new H5CoreError('not_hdf5', 'not an HDF5 file (no HDF5 signature)');
  const maxNodes = limits.maxNodes ?? 200_000;
  const maxDepth = limits.maxDepth ?? 32;
  const maxDataBytes = limits.maxDataBytes ?? 4 * bytes.length + (16 << 20);
  const skip = new Set(limits.skip ?? []);
  const name = tempName();
  FS.writeFile(name, bytes);
  let file = null;
  let nodes = 0;
  let dataBytes = 0;
  const fail = (what, cause) => {
    const why = diagnosis();
    if (cause !== undefined) noteFatal(cause);
    return new H5CoreError(cause !== undefined && isFatal(cause) ? 'fatal' : 'corrupt', `${what}${why ? `: ${why}` : ''}`);
  };
  const readAttrs = (obj, path) => {
    const out = {};
    let names;
    try {
      names = Object.keys(obj.attrs);
    } catch (e) {
      throw fail(`cannot list the attributes of ${path}`, e);
    }
    for (const key of names) {
      if (++nodes > maxNodes) throw new H5CoreError('limit', `more than ${maxNodes} objects`);
      progress();
      let attr;
      let meta;
      try {
        attr = obj.attrs[key];
        meta = attr.metadata;
      } catch (e) {
        throw fail(`cannot read attribute '${key}' of ${path}`, e);
      }
      if (!meta) throw fail(`cannot read attribute '${key}' of ${path}`);
      const bytesNeeded = sizeOf(meta);
      dataBytes += bytesNeeded;
      if (bytesNeeded > maxDataBytes || dataBytes > maxDataBytes) {
        throw new H5CoreError('limit', `attribute '${key}' of ${path} claims ${bytesNeeded} bytes, more than the file can hold`);
      }
      let value;
      try {
        value = attr.value;
      } catch (e) {
        throw fail(`cannot read attribute '${key}' of ${path}`, e);
      }
      out[key] = { dtype: dtypeOf(meta), shape: (meta.shape ?? []).map(Number), value: normalizeValue(value, meta) };
    }
    return out;
  };
  const walk = (group, path, depth) => {
    if (depth > maxDepth) throw new H5CoreError('limit', `groups nested deeper than ${maxDepth}`);
    const node = { kind: 'group', attrs: readAttrs(group, path), children: {} };
    let keys;
    try {
      keys = group.keys();
    } catch (e) {
      throw fail(`cannot list ${path}`, e);
    }
    if (!Array.isArray(keys)) throw fail(`cannot list ${path}`);
    for (const key of keys) {
      const childPath = path === '/' ? `/${key}` : `${path}/${key}`;
      if (skip.has(childPath)) continue;
      if (++nodes > maxNodes) throw new H5CoreError('limit', `more than ${maxNodes} objects`);
      progress();
      let child;
      try {
        child = group.get(key);
      } catch (e) {
        throw fail(`cannot open ${childPath}`, e);
      }
      if (child instanceof h5.Group) node.children[key] = walk(child, childPath, depth + 1);
      else if (child instanceof h5.Dataset) node.children[key] = readDataset(child, childPath);
      else if (child === null || child === undefined) throw fail(`cannot open ${childPath}`);
      // Links and named datatypes are not part of Keras's layouts: skipped.
    }
    return node;
  };
  const readDataset = (ds, path) => {
    let meta;
    try {
      meta = ds.metadata;
    } catch (e) {
      throw fail(`cannot read the header of ${path}`, e);
    }
    if (!meta) throw fail(`cannot read the header of ${path}`);
    const bytesNeeded = sizeOf(meta);
    dataBytes += bytesNeeded;
    if (bytesNeeded > maxDataBytes || dataBytes > maxDataBytes) {
      throw new H5CoreError('limit', `dataset ${path} claims ${bytesNeeded} bytes, more than the file can hold`);
    }
    const shape = (meta.shape ?? []).map(Number);
    const attrs = readAttrs(ds, path);
    progress();
    let data;
    try {
      data = ds.value;
    } catch (e) {
      throw fail(`cannot read the data of ${path}`, e);
    }
    if (data === null || data === undefined) throw fail(`cannot read the data of ${path}`);
    let values = normalizeValue(data, meta);
    // Scalars come back as plain numbers: datasets always hold arrays.
    if (typeof values === 'number' || typeof values === 'boolean') {
      values = meta.type === 1 && meta.size === 4 ? Float32Array.of(Number(values)) : Float64Array.of(Number(values));
    }
    return { kind: 'dataset', attrs, shape, dtype: dtypeOf(meta), data: values };
  };
  try {
    diagnostics = '';
    progress();
    try {
      file = new h5.File(name, 'r');
    } catch (e) {
      throw fail('cannot open the HDF5 file', e);
    }
    if (typeof file.file_id === 'bigint' ? file.file_id < 0n : Number(file.file_id) < 0) {
      file = null;
      throw fail('cannot open the HDF5 file');
    }
    return walk(file, '/', 0);
  } finally {
    if (file) {
      try {
        file.close();
      } catch (e) {
        noteFatal(e); // otherwise already broken: nothing more to release
      }
    }
    try {
      FS.unlink(name);
    } catch {
      // not created
    }
    diagnostics = '';
  }
}

const WRITE_DTYPES = {
  float32: '<f',
  float64: '<d',
  int32: '<i',
  int64: '<q',
  uint8: '<B',
};

/**
 * Writes a tree as an HDF5 file; returns its bytes. Groups are created explicitly
 * (h5wasm does not create intermediate groups), and every object is checked after it
 * is made, since h5wasm reports some failures only on stderr.
 * @param {any} h5
 * @param {any} tree
 */
export async function writeTree(h5, tree) {
  const { FS } = await h5.ready;
  captureStderr(FS);
  const name = tempName();
  let file = null;
  const fail = (what, cause) => {
    const why = diagnosis();
    if (cause !== undefined) noteFatal(cause);
    return new H5CoreError(cause !== undefined && isFatal(cause) ? 'fatal' : 'write', `${what}${why ? `: ${why}` : ''}`);
  };
  const writeAttrs = (obj, attrs, path) => {
    for (const [key, attr] of Object.entries(attrs ?? {})) {
      const { value, dtype, shape } = attr;
      try {
        if (typeof value === 'string') obj.create_attribute(key, value);
        else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
          if (value.length === 0) obj.create_attribute(key, new Float64Array(0), [0], '<d');
          else obj.create_attribute(key, value, [value.length]);
        } else {
          const code = WRITE_DTYPES[dtype ?? 'float64'];
          if (!code) throw new H5CoreError('write', `unsupported attribute dtype ${dtype}`);
          obj.create_attribute(key, value, shape ?? [value.length], code);
        }
      } catch (e) {
        if (e instanceof H5CoreError) throw e;
        throw fail(`cannot write attribute '${key}' of ${path}`, e);
      }
      if (!(key in obj.attrs)) throw fail(`cannot write attribute '${key}' of ${path}`);
    }
  };
  const writeGroup = (group, node, path) => {
    writeAttrs(group, node.attrs, path);
    for (const [key, child] of Object.entries(node.children ?? {})) {
      const childPath = path === '/' ? `/${key}` : `${path}/${key}`;
      if (key.includes('/')) throw new H5CoreError('write', `object name '${key}' in ${path} contains '/'`);
      if (child.kind === 'group') {
        let g;
        try {
          g = group.create_group(key);
        } catch (e) {
          throw fail(`cannot create group ${childPath}`, e);
        }
        if (!g) throw fail(`cannot create group ${childPath}`);
        writeGroup(g, child, childPath);
      } else {
        const code = WRITE_DTYPES[child.dtype];
        if (!code) throw new H5CoreError('write', `unsupported dataset dtype ${child.dtype} for ${childPath}`);
        let ds;
        try {
          ds = group.create_dataset({ name: key, data: child.data, shape: child.shape, dtype: code });
        } catch (e) {
          throw fail(`cannot write dataset ${childPath}`, e);
        }
        if (!ds || !(group.get(key) instanceof h5.Dataset)) throw fail(`cannot write dataset ${childPath}`);
        writeAttrs(ds, child.attrs, childPath);
      }
    }
  };
  try {
    diagnostics = '';
    file = new h5.File(name, 'w');
    writeGroup(file, tree, '/');
    file.flush?.();
    file.close();
    file = null;
    const out = FS.readFile(name);
    return out;
  } finally {
    if (file) {
      try {
        file.close();
      } catch (e) {
        noteFatal(e); // otherwise nothing more to release
      }
    }
    try {
      FS.unlink(name);
    } catch {
      // not created
    }
    diagnostics = '';
  }
}

/** True when an error means the WebAssembly instance itself is broken (an abort or a trap). */
export function isFatal(e) {
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) return true;
  const msg = String(e && e.message ? e.message : e);
  return /Aborted|RuntimeError|unreachable|out of memory|memory access out of bounds/i.test(msg);
}

/** Bytes of WebAssembly memory the instance holds (it grows with what HDF5 leaks on errors). */
export async function heapBytes(h5) {
  const m = await h5.ready;
  return m.HEAPU8 ? m.HEAPU8.length : 0;
}
