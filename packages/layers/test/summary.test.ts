import '@tessera/cpu-backend';
import { beforeEach, describe, expect, it } from 'vitest';
import { Activation, Concatenate, Dense, Dropout, Input, Model, Sequential, clearSession, type SymbolicTensor } from '../src/index.js';

const lines: string[] = [];
const capture = { printFn: (s: string) => lines.push(s) };

/** The tutorials' MLPs, built exactly as the Keras originals. */
export const tutorialMlps = {
  a: () => new Sequential([new Dense({ units: 10, inputDim: 784 }), new Activation({ activation: 'relu' }), new Dense({ units: 10 }), new Activation({ activation: 'softmax' })]),
  b: () => new Sequential([new Dense({ units: 500, inputDim: 784, activation: 'relu' }), new Dense({ units: 10, activation: 'softmax' })]),
  c: () =>
    new Sequential([
      new Dense({ units: 500, inputShape: [784], activation: 'relu' }),
      new Dropout({ rate: 0.4 }),
      new Dense({ units: 300, activation: 'relu' }),
      new Dropout({ rate: 0.4 }),
      new Dense({ units: 10, activation: 'softmax' }),
    ]),
  d: () =>
    new Sequential([
      new Dense({ units: 512, activation: 'relu', inputShape: [784] }),
      new Dropout({ rate: 0.2 }),
      new Dense({ units: 512, activation: 'relu' }),
      new Dropout({ rate: 0.2 }),
      new Dense({ units: 512, activation: 'relu' }),
      new Dropout({ rate: 0.2 }),
      new Dense({ units: 10, activation: 'softmax' }),
    ]),
};

describe('summary', () => {
  beforeEach(() => {
    clearSession();
    lines.length = 0;
  });

  it.each([
    ['a', '7,960'],
    ['b', '397,510'],
    ['c', '545,810'],
    ['d', '932,362'],
  ] as const)('tutorial MLP (%s) has %s parameters, as Keras reports', (key, total) => {
    const model = tutorialMlps[key]();
    const text = model.summary(capture);
    expect(text).toContain(`Total params: ${total}`);
    expect(text).toContain(`Trainable params: ${total}`);
    expect(text).toContain('Non-trainable params: 0');
    model.dispose();
  });

  it('prints the per-layer rows in Keras layout', () => {
    const model = tutorialMlps.d();
    const text = model.summary(capture);
    expect(text).toBe(
      [
        'Model: "sequential"',
        '_________________________________________________________________',
        'Layer (type)                 Output Shape              Param #   ',
        '=================================================================',
        'dense (Dense)                (None, 512)               401920    ',
        '_________________________________________________________________',
        'dropout (Dropout)            (None, 512)               0         ',
        '_________________________________________________________________',
        'dense_1 (Dense)              (None, 512)               262656    ',
        '_________________________________________________________________',
        'dropout_1 (Dropout)          (None, 512)               0         ',
        '_________________________________________________________________',
        'dense_2 (Dense)              (None, 512)               262656    ',
        '_________________________________________________________________',
        'dropout_2 (Dropout)          (None, 512)               0         ',
        '_________________________________________________________________',
        'dense_3 (Dense)              (None, 10)                5130      ',
        '=================================================================',
        'Total params: 932,362',
        'Trainable params: 932,362',
        'Non-trainable params: 0',
        '_________________________________________________________________',
      ].join('\n'),
    );
    expect(lines).toHaveLength(1);
    model.dispose();
  });

  it('shows the Connected to column for a branching functional model, and frozen layers as non-trainable', () => {
    const a = Input({ shape: [4] });
    const b = Input({ shape: [3] });
    const ha = new Dense({ units: 2, name: 'ha' }).apply(a) as SymbolicTensor;
    const hb = new Dense({ units: 2, name: 'hb', trainable: false }).apply(b) as SymbolicTensor;
    const merged = new Concatenate().apply([ha, hb]) as SymbolicTensor;
    const model = new Model({ inputs: [a, b], outputs: merged });
    const text = model.summary(capture);
    expect(text).toContain('Connected to');
    expect(text).toMatch(/concatenate \(Concatenate\)\s+\(None, 4\)\s+0\s+ha\[0\]\[0\]/);
    expect(text).toContain('Trainable params: 10');
    expect(text).toContain('Non-trainable params: 8');
    expect(text).toMatch(/input_layer \(InputLayer\)\s+\[\(None, 4\)\]\s+0/);
    model.dispose();
  });
});
