import h5wasm from 'h5wasm';
import { describe, expect, it } from 'vitest';
import { findSignature, readTree, writeTree } from '../src/h5_core.js';
import { dataset, group, stringAttr, stringsAttr, type H5Group } from '../src/h5/tree.js';

// The code the worker runs, here in-process (what happens where no worker can start).
describe('h5_core in-process', () => {
  it('writes and reads back groups, attributes and datasets', async () => {
    const tree = group({ note: stringAttr('héllo'), names: stringsAttr(['a', 'bb']), empty: stringsAttr([]) });
    const sub = group();
    sub.children.w = dataset(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    sub.children.step = dataset(BigInt64Array.of(7n) as never, [], 'int64');
    tree.children.sub = sub;
    const bytes = await writeTree(h5wasm, tree);
    expect(findSignature(bytes)).toBe(0);
    const back = (await readTree(h5wasm, bytes)) as H5Group;
    expect(back.attrs.note.value).toBe('héllo');
    expect(back.attrs.names.value).toEqual(['a', 'bb']);
    expect(back.attrs.empty).toMatchObject({ dtype: 'float64', shape: [0] });
    const w = (back.children.sub as H5Group).children.w;
    expect(w).toMatchObject({ kind: 'dataset', dtype: 'float32', shape: [2, 3] });
    expect(Array.from((w as unknown as { data: Float32Array }).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((back.children.sub as H5Group).children.step).toMatchObject({ dtype: 'int64', shape: [] });
    const skipped = (await readTree(h5wasm, bytes, { skip: ['/sub'] })) as H5Group;
    expect(Object.keys(skipped.children)).toEqual([]);
  });

  it('refuses what is not HDF5 and bounds what a file may claim', async () => {
    await expect(readTree(h5wasm, new Uint8Array(100))).rejects.toMatchObject({ code: 'not_hdf5' });
    const tree = group();
    tree.children.big = dataset(new Float32Array(1 << 16), [1 << 16]);
    const bytes = await writeTree(h5wasm, tree);
    await expect(readTree(h5wasm, bytes, { maxDataBytes: 1000 })).rejects.toMatchObject({ code: 'limit' });
  });
});
