/** HDF5 content as plain data: what the reader returns and the writer takes. */

/** An attribute: a string, a list of strings, or numbers. */
export interface H5Attr {
  /** `string` (variable length), `string<n>` (fixed length n), `float64`, `int64`, ... */
  dtype: string;
  shape: number[];
  value: unknown;
}

/** A dataset with its values (numbers in a typed array, row-major). */
export interface H5Dataset {
  kind: 'dataset';
  attrs: Record<string, H5Attr>;
  shape: number[];
  /** `float32`, `float64`, `int64`, `float16` (read as float32 values), ... */
  dtype: string;
  data: ArrayLike<number>;
}

/** A group: attributes and named children. */
export interface H5Group {
  kind: 'group';
  attrs: Record<string, H5Attr>;
  children: Record<string, H5Node>;
}

export type H5Node = H5Group | H5Dataset;

/** A new, empty group. */
export function group(attrs: Record<string, H5Attr> = {}): H5Group {
  return { kind: 'group', attrs, children: {} };
}

/** A variable-length string attribute. */
export function stringAttr(value: string): H5Attr {
  return { dtype: 'string', shape: [], value };
}

/**
 * A list-of-strings attribute as Keras writes it; an empty list is stored as an empty
 * float64 array, as numpy turns `[]` into one.
 */
export function stringsAttr(values: string[]): H5Attr {
  return values.length === 0 ? { dtype: 'float64', shape: [0], value: new Float64Array(0) } : { dtype: 'string', shape: [values.length], value: values };
}

/** A float32 dataset. */
export function dataset(data: ArrayLike<number>, shape: readonly number[], dtype = 'float32'): H5Dataset {
  return { kind: 'dataset', attrs: {}, shape: [...shape], dtype, data };
}

/** The child at a `/`-separated path below a group, or undefined. */
export function getPath(root: H5Group, path: string): H5Node | undefined {
  let node: H5Node = root;
  for (const part of path.split('/').filter((p) => p.length > 0)) {
    if (node.kind !== 'group') return undefined;
    const next: H5Node | undefined = Object.prototype.hasOwnProperty.call(node.children, part) ? node.children[part] : undefined;
    if (!next) return undefined;
    node = next;
  }
  return node;
}

/** Puts a node at a `/`-separated path, creating the groups on the way (as h5py does). */
export function setPath(root: H5Group, path: string, node: H5Node): void {
  const parts = path.split('/').filter((p) => p.length > 0);
  let g = root;
  for (const part of parts.slice(0, -1)) {
    let next = g.children[part];
    if (!next) g.children[part] = next = group();
    if (next.kind !== 'group') throw new Error(`'${part}' in '${path}' is a dataset, not a group`);
    g = next;
  }
  g.children[parts[parts.length - 1]] = node;
}

/** A string attribute's value (bytes and one-element lists are accepted), or undefined. */
export function attrString(node: H5Node, name: string): string | undefined {
  const a = node.attrs[name];
  if (!a) return undefined;
  const v = a.value;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return undefined;
}

/**
 * A list-of-strings attribute as Keras reads it (`load_attributes_from_hdf5_group`):
 * `name`, or the chunks `name0`, `name1`, ... of a long list; an empty numeric array is
 * an empty list. Returns undefined when absent.
 */
export function attrStrings(node: H5Node, name: string): string[] | undefined {
  const read = (a: H5Attr): string[] | undefined => {
    const v = a.value;
    if (typeof v === 'string') return [v];
    if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
    if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<number>).length === 0) return [];
    return undefined;
  };
  if (node.attrs[name]) return read(node.attrs[name]);
  if (!node.attrs[`${name}0`]) return undefined;
  const out: string[] = [];
  for (let i = 0; node.attrs[`${name}${i}`]; i++) {
    const part = read(node.attrs[`${name}${i}`]);
    if (!part) return undefined;
    out.push(...part);
  }
  return out;
}
