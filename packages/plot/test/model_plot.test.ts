import '@tessera/cpu-backend';
import { Concatenate, Dense, Dropout, Input, Model, Sequential, clearSession, type SymbolicTensor } from '@tessera/layers';
import { ValueError } from '@tessera/tensor';
import { beforeEach, describe, expect, it } from 'vitest';
import { modelToDot, plotModel } from '../src/index.js';
import { byClass, byTag, parseSvg, texts } from './svg.js';

/** The MNIST MLP of the Keras tutorials, shortened. */
function mlp(): Sequential {
  return new Sequential([
    new Dense({ units: 512, activation: 'relu', inputShape: [784] }),
    new Dropout({ rate: 0.2 }),
    new Dense({ units: 10, activation: 'softmax' }),
  ]);
}

/** Two inputs merged, then two heads: the functional API guide's ticket model, shortened. */
function twoInTwoOut(): Model {
  const title = Input({ shape: [8], name: 'title' });
  const tags = Input({ shape: [4], name: 'tags' });
  const merged = new Concatenate().apply([title, tags]) as SymbolicTensor;
  const hidden = new Dense({ units: 16, activation: 'relu' }).apply(merged) as SymbolicTensor;
  const priority = new Dense({ units: 1, name: 'priority' }).apply(hidden) as SymbolicTensor;
  const department = new Dense({ units: 3, activation: 'softmax', name: 'department' }).apply(hidden) as SymbolicTensor;
  return new Model({ inputs: [title, tags], outputs: [priority, department] });
}

/** Boxes by their header text and edges as [from, to] header pairs, read back from Graphviz's SVG. */
function graphOf(svg: string) {
  const root = parseSvg(svg);
  const header = new Map<string, string>();
  for (const node of byClass(root, 'node')) {
    header.set(byTag(node, 'title')[0].textContent ?? '', texts(node)[0]);
  }
  const edges = byClass(root, 'edge').map((edge) => {
    const [from, to] = (byTag(edge, 'title')[0].textContent ?? '').split('->');
    return [header.get(from), header.get(to)];
  });
  return { root, boxes: [...header.values()], edges, text: texts(root) };
}

/** Distinct layer-to-layer links of the model's graph: what the diagram must draw. */
function graphLinks(model: Model): string[][] {
  const links = model.graphNodes.flatMap((n) => n.inputs.map((i) => `${i.sourceLayer.name}>${n.layer.name}`));
  return [...new Set(links)].map((l) => l.split('>'));
}

describe('plotModel', () => {
  beforeEach(() => clearSession());

  it('draws a Sequential as a chain of name: Class boxes with shape tables', async () => {
    const model = mlp();
    const svg = await plotModel(model);
    expect(svg.startsWith('<svg')).toBe(true);
    const g = graphOf(svg);
    expect(g.boxes).toEqual(['dense_input: InputLayer', 'dense: Dense', 'dropout: Dropout', 'dense_1: Dense']);
    expect(g.edges).toEqual([
      ['dense_input: InputLayer', 'dense: Dense'],
      ['dense: Dense', 'dropout: Dropout'],
      ['dropout: Dropout', 'dense_1: Dense'],
    ]);
    expect(g.edges).toHaveLength(graphLinks(model).length);
    expect(g.text).toEqual(expect.arrayContaining(['input:', 'output:', '[(None, 784)]', '(None, 784)', '(None, 512)', '(None, 10)']));
    for (const layer of model.layers) expect(svg).toContain(layer.name);
  });

  it('draws the real branches of a two-input, two-output functional model', async () => {
    const model = twoInTwoOut();
    const g = graphOf(await plotModel(model));
    expect(g.boxes).toHaveLength(6);
    const names = (pair: (string | undefined)[]) => pair.map((h) => h?.split(':')[0]);
    expect(g.edges.map(names).sort()).toEqual(graphLinks(model).sort());
    expect(g.edges.map(names).sort()).toEqual([
      ['concatenate', 'dense'],
      ['dense', 'department'],
      ['dense', 'priority'],
      ['tags', 'concatenate'],
      ['title', 'concatenate'],
    ]);
    expect(g.text).toEqual(expect.arrayContaining(['[(None, 8), (None, 4)]', '(None, 12)', '(None, 16)', '(None, 3)']));
  });

  it('hides shapes and names on request and lays out left to right', async () => {
    const model = mlp();
    const bare = graphOf(await plotModel(model, { showShapes: false, showLayerNames: false }));
    expect(bare.text).toEqual(['InputLayer', 'Dense', 'Dropout', 'Dense']);
    const tb = parseSvg(await plotModel(model));
    const lr = parseSvg(await plotModel(model, { rankdir: 'LR' }));
    const size = (svg: typeof tb) => [parseFloat(svg.getAttribute('width')!), parseFloat(svg.getAttribute('height')!)];
    expect(size(tb)[1]).toBeGreaterThan(size(tb)[0]);
    expect(size(lr)[0]).toBeGreaterThan(size(lr)[1]);
  });

  it('escapes names that DOT or XML would misread', async () => {
    const x = Input({ shape: [2], name: 'in "x" \\ y' });
    const y = new Dense({ units: 1, name: 'a<b>&c} | {d' }).apply(x) as SymbolicTensor;
    const model = new Model({ inputs: x, outputs: y, name: 'model "quoted"' });
    const g = graphOf(await plotModel(model));
    expect(g.boxes).toEqual(['in "x" \\ y: InputLayer', 'a<b>&c} | {d: Dense']);
    expect(g.edges).toHaveLength(1);
  });

  it('draws a layer called twice as one box with multiple shapes', async () => {
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ shape: [3], name: 'b' });
    const shared = new Dense({ units: 2, name: 'shared' });
    const merged = new Concatenate().apply([shared.apply(a) as SymbolicTensor, shared.apply(b) as SymbolicTensor]) as SymbolicTensor;
    const g = graphOf(await plotModel(new Model({ inputs: [a, b], outputs: merged })));
    expect([...g.boxes].sort()).toEqual(['a: InputLayer', 'b: InputLayer', 'concatenate: Concatenate', 'shared: Dense']);
    expect(g.edges).toHaveLength(3);
    expect(g.text).toContain('multiple');
  });

  it('writes DOT that names every layer once and every link once', () => {
    const dot = modelToDot(twoInTwoOut(), { rankdir: 'LR' });
    expect(dot).toMatch(/^digraph "functional" \{/);
    expect(dot).toContain('rankdir=LR');
    expect(dot.match(/ -> /g)).toHaveLength(5);
  });

  it('says what is wrong with a model it cannot draw', async () => {
    const unbuilt = new Sequential([new Dense({ units: 2 })]);
    await expect(plotModel(unbuilt)).rejects.toThrow(ValueError);
    await expect(plotModel(unbuilt)).rejects.toThrow(/has no layer graph yet; give its first layer an inputShape/);
    await expect(plotModel(mlp(), { rankdir: 'BT' as 'TB' })).rejects.toThrow(/rankdir must be 'TB' or 'LR' but is 'BT'/);
  });
});
