import '@tessera/cpu-backend';
import { clearSession } from '@tessera/layers';
import { dispose, memory } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { CharacterTable, ctable, generateData, MAXLEN } from '../src/data.js';
import { additionRnn } from '../src/model.js';

describe("Keras's addition_rnn", () => {
  it('generates padded, reversed, distinct questions with their sums', () => {
    const data = generateData(500, 3);
    expect(data.questions).toHaveLength(500);
    const keys = new Set<string>();
    data.questions.forEach((query, i) => {
      expect(query).toHaveLength(MAXLEN);
      const [a, b] = [...query].reverse().join('').trim().split('+').map(Number) as [number, number];
      expect(data.expected[i]).toBe(String(a + b).padEnd(4));
      keys.add([a, b].sort((x, y) => x - y).join(','));
    });
    expect(keys.size).toBe(500);
    expect(data.xTrain.shape).toEqual([450, 7, 12]);
    expect(data.yVal.shape).toEqual([50, 4, 12]);
    dispose([data.xTrain, data.yTrain, data.xVal, data.yVal]);
  });

  it('encodes and decodes through the character table', () => {
    expect(ctable.chars.join('')).toBe(' +0123456789');
    expect(ctable.decode(ctable.encode('12+3   ', 7))).toBe('12+3   ');
    expect(ctable.decode([3, 4, 0], false)).toBe('12 ');
    expect(() => new CharacterTable('01').encode('2', 1)).toThrow(/expects one of '01' but got '2'/);
  });

  it("has Keras's parameter counts and trains without leaking", async () => {
    clearSession();
    const model = additionRnn();
    const text = model.summary({ printFn: () => undefined });
    expect(text).toContain('Total params: 205,324');
    model.dispose();

    clearSession();
    const small = additionRnn(1, 32);
    small.compile({ loss: 'categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
    const data = generateData(640, 5);
    const start = memory().numTensors;
    const history = await small.fit(data.xTrain, data.yTrain, { batchSize: 32, epochs: 3, verbose: 0, validationData: [data.xVal, data.yVal] });
    const losses = history.history.loss as number[];
    expect(losses[2]).toBeLessThan(losses[0]);
    expect(memory().numTensors).toBe(start);
    dispose([data.xTrain, data.yTrain, data.xVal, data.yVal]);
    small.dispose();
  }, 60_000);
});
