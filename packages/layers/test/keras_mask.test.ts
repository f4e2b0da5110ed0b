// Keras masks tied to tensors (Keras's `x._keras_mask`): layers called one after another,
// outside a model, pass the mask of Embedding(maskZero) or Masking on to the recurrent
// layers, as Keras's eager calls and a custom layer's `call` do; the mask lives as long as
// its tensor.
import '@tessera/cpu-backend';
import { cast, dispose, memory, tensor, tidy, type Tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { Dense, Dropout, Embedding, Flatten, getKerasMask, Input, Layer, LSTM, Masking, Model, setKerasMask, type CallArgs, type Tensors } from '../src/index.js';

const values = (t: Tensor | undefined) => Array.from(t!.dataSync());

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol);
}

/** Embedding(maskZero) then LSTM in one `call`: the Keras masking guide's custom layer. */
class EmbedAndEncode extends Layer {
  static override readonly className = 'EmbedAndEncode';
  readonly embedding = new Embedding({ inputDim: 6, outputDim: 3, maskZero: true });
  readonly lstm = new LSTM({ units: 4 });

  override build(): void {
    this.embedding.build([null, null]);
    this.lstm.build([null, null, 3]);
    super.build([null, null]); // any number of steps
  }

  override call(inputs: Tensors, _args: CallArgs): Tensors {
    return this.lstm.apply(this.embedding.apply(inputs));
  }

  protected override sublayers() {
    return [{ layer: this.embedding }, { layer: this.lstm }];
  }
}

describe('masks tied to tensors', () => {
  it('reach the LSTM through a chain of calls: trailing padding gives the unpadded output', () => {
    const layer = new EmbedAndEncode();
    const [padded, short] = [tensor([[3, 1, 4, 0, 0]], [1, 5], 'int32'), tensor([[3, 1, 4]], [1, 3], 'int32')];
    const [a, b] = [padded, short].map((ids) => tidy(() => layer.apply(ids) as Tensor));
    close(a.dataSync(), b.dataSync());
    // Without the mask the padded steps do change the output: the test can fail.
    const unmasked = tidy(() => {
      const e = layer.embedding.apply(padded) as Tensor;
      expect(values(getKerasMask(e))).toEqual([1, 1, 1, 0, 0]);
      setKerasMask(e, undefined);
      return layer.lstm.apply(e) as Tensor;
    });
    expect(Math.max(...values(a).map((v, i) => Math.abs(v - unmasked.dataSync()[i])))).toBeGreaterThan(1e-4);
    dispose([padded, short, a, b, unmasked]);
    layer.dispose();
  });

  it('pass through layers that support masking, end at those that do not, and a given mask wins', () => {
    const x = tensor([1, 2, 0, 0, 5, 6], [1, 3, 2]);
    tidy(() => {
      const masked = new Masking({ maskValue: 0 }).apply(x) as Tensor;
      expect(values(getKerasMask(masked))).toEqual([1, 0, 1]);
      const dense = new Dense({ units: 2 }).apply(masked) as Tensor;
      const dropped = new Dropout({ rate: 0.5 }).apply(dense) as Tensor;
      expect(values(getKerasMask(dense))).toEqual([1, 0, 1]);
      expect(values(getKerasMask(dropped))).toEqual([1, 0, 1]);
      expect(getKerasMask(new Flatten().apply(dropped) as Tensor)).toBeUndefined();
      // An explicit mask is the one used and passed on.
      const given = cast(tensor([0, 1, 1], [1, 3]), 'bool');
      expect(values(getKerasMask(new Dense({ units: 2 }).apply(masked, { mask: given }) as Tensor))).toEqual([0, 1, 1]);
    });
    x.dispose();
  });

  it('are used by a model called on a tensor that carries one', () => {
    const inp = Input({ batchShape: [null, null, 3] });
    const lstm = new LSTM({ units: 2 });
    const model = new Model({ inputs: inp, outputs: lstm.apply(inp) });
    const embed = new Embedding({ inputDim: 5, outputDim: 3, maskZero: true });
    const ids = tensor([[2, 4, 0, 0]], [1, 4], 'int32');
    const [viaModel, direct] = tidy(() => {
      const e = embed.apply(ids) as Tensor;
      return [model.apply(e) as Tensor, lstm.apply(e, { mask: embed.computeMask(ids) as Tensor }) as Tensor];
    });
    close(viaModel.dataSync(), direct.dataSync());
    dispose([ids, viaModel, direct]);
    model.dispose();
    embed.dispose();
  });

  it('live exactly as long as their tensor: a tidy keeps the mask of what it returns, dispose frees both', () => {
    const embed = new Embedding({ inputDim: 5, outputDim: 3, maskZero: true });
    const ids = tensor([[2, 0]], [1, 2], 'int32');
    (embed.apply(ids) as Tensor).dispose(); // builds it
    const start = memory().numTensors;
    const e = tidy(() => embed.apply(ids) as Tensor);
    expect(memory().numTensors).toBe(start + 2); // the output and its mask
    expect(values(getKerasMask(e))).toEqual([1, 0]);
    e.dispose();
    expect(memory().numTensors).toBe(start);
    expect(tidy(() => void embed.apply(ids))).toBeUndefined();
    expect(memory().numTensors).toBe(start);
    // A tied mask is a handle of its own: the caller's may go.
    const t = tensor([1, 2], [1, 2]);
    const m = tidy(() => cast(tensor([1, 0], [1, 2]), 'bool'));
    setKerasMask(t, m);
    m.dispose();
    expect(values(getKerasMask(t))).toEqual([1, 0]);
    t.dispose();
    expect(memory().numTensors).toBe(start);
    dispose(ids);
    embed.dispose();
  });
});
