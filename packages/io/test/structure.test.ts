import '@tessera/cpu-backend';
import { readFileSync } from 'node:fs';
import { clearSession } from '@tessera/layers';
import { describe, expect, it } from 'vitest';
import { attrStrings, getPath, type H5Group, type H5Node } from '../src/h5/tree.js';
import { loadModel, loadWeights, modelFromJSON, readH5, saveModel, saveWeights } from '../src/index.js';
import { readZip } from '../src/zip.js';
import { haveKerasModels, sharedFile, skipReason } from './helpers.js';

/**
 * The structure of an HDF5 file, one line per object: groups with their attribute names,
 * datasets with dtype, shape and attribute names. The same function reads Keras's files
 * and Tessera's.
 */
export function structure(node: H5Node, path = ''): string[] {
  const attrs = Object.keys(node.attrs).sort().join(',');
  if (node.kind === 'dataset') return [`D ${path} ${node.dtype} [${node.shape.join(',')}] {${attrs}}`];
  const lines = [`G ${path || '/'} {${attrs}}`];
  for (const key of Object.keys(node.children).sort()) lines.push(...structure(node.children[key], `${path}/${key}`));
  return lines;
}

/**
 * The logical structure of a legacy weights group: per layer (in `layer_names` order) its
 * datasets found through `weight_names`, as dtype and shape. Keras 2 nests datasets as
 * `dense_1/kernel:0`, Keras 3 names them `kernel`: the paths differ, this does not.
 */
function legacyLayout(g: H5Group): string[] {
  return (attrStrings(g, 'layer_names') ?? []).map((name) => {
    const lg = getPath(g, name) as H5Group;
    const ds = (attrStrings(lg, 'weight_names') ?? []).map((wn) => {
      const d = getPath(lg, wn);
      return d?.kind === 'dataset' ? `${d.dtype}[${d.shape.join(',')}]` : 'missing';
    });
    return `${name}: ${ds.join(' ')} {${Object.keys(lg.attrs).sort().join(',')}}`;
  });
}

describe.skipIf(!haveKerasModels)(`Tessera's files have the structure of Keras's ${haveKerasModels ? '' : skipReason}`, () => {
  it('legacy .h5 full save (Keras 3.1.1 CNN with Adam state): identical structure', async () => {
    clearSession();
    const kerasBytes = new Uint8Array(readFileSync(sharedFile('keras3.1.1_mnist_cnn.h5')));
    const model = await loadModel(kerasBytes, { compile: true });
    const ours = await saveModel(model, null, { format: 'h5' });
    const a = structure(await readH5(kerasBytes));
    const b = structure(await readH5(ours));
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThan(30);
    model.dispose();
  });

  it('.keras (Keras 3.1.1 CNN): same entries, same config keys, identical model.weights.h5 structure', async () => {
    clearSession();
    const kerasBytes = new Uint8Array(readFileSync(sharedFile('keras3.1.1_mnist_cnn.keras')));
    const model = await loadModel(kerasBytes, { compile: true });
    const ours = await saveModel(model, null, { format: 'keras' });
    const ka = readZip(kerasBytes);
    const kb = readZip(ours);
    expect([...kb.keys()]).toEqual([...ka.keys()]);
    const json = (m: Map<string, Uint8Array>, k: string) => JSON.parse(new TextDecoder().decode(m.get(k)));
    expect(Object.keys(json(kb, 'metadata.json')).sort()).toEqual(Object.keys(json(ka, 'metadata.json')).sort());
    const ca = json(ka, 'config.json');
    const cb = json(kb, 'config.json');
    expect(Object.keys(cb).sort()).toEqual(Object.keys(ca).sort());
    expect(cb.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual(ca.config.layers.map((l: { class_name: string }) => l.class_name));
    for (let i = 0; i < ca.config.layers.length; i++) {
      expect(Object.keys(cb.config.layers[i]).sort(), `layer entry ${i}`).toEqual(Object.keys(ca.config.layers[i]).sort());
    }
    expect(Object.keys(cb.compile_config).sort()).toEqual(Object.keys(ca.compile_config).sort());
    const a = structure(await readH5(ka.get('model.weights.h5')!));
    const b = structure(await readH5(kb.get('model.weights.h5')!));
    expect(b).toEqual(a);
    model.dispose();
  });

  it('legacy save_weights .h5 (Keras 2.0.6 MLP): same layers, attributes and weight datasets', async () => {
    clearSession();
    const kerasBytes = new Uint8Array(readFileSync(sharedFile('keras2.0.6_mnist_mlp.weights.h5')));
    const model = modelFromJSON(readFileSync(sharedFile('keras2.0.6_mnist_mlp.json'), 'utf8'));
    await loadWeights(model, kerasBytes);
    const ours = await readH5(await saveWeights(model, null, { format: 'h5' }));
    const theirs = await readH5(kerasBytes);
    expect(legacyLayout(ours)).toEqual(legacyLayout(theirs));
    expect(Object.keys(ours.attrs).sort()).toEqual(Object.keys(theirs.attrs).sort());
    // Keras 3 adds an empty top_level_model_weights group; everything else is the same set of groups.
    expect(Object.keys(ours.children).filter((k) => k !== 'top_level_model_weights').sort()).toEqual(Object.keys(theirs.children).sort());
    model.dispose();
  });
});
