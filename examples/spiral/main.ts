/**
 * Fits a two-layer network (2 -> 100 ReLU -> 3 softmax) to the three-armed spiral of
 * CS231n with plain tensor ops, `variableGrads` and gradient descent, printing the
 * loss as it falls and the final training accuracy.
 *
 * Run: pnpm main
 */
import {
  Prng,
  add,
  argMax,
  cast,
  dispose,
  equal,
  getBackend,
  logSoftmax,
  matMul,
  mean,
  memory,
  mul,
  neg,
  oneHot,
  randomNormal,
  relu,
  sub,
  sum,
  square,
  tensor,
  tidy,
  variable,
  variableGrads,
  zeros,
  type Tensor,
} from 'tessera-ml';

const POINTS_PER_CLASS = 100;
const CLASSES = 3;
const HIDDEN = 100;
const STEPS = 1500;
const LEARNING_RATE = 1.0;
const L2 = 1e-3;

/** The spiral data set: each class is an arm with angular noise. */
function makeSpiral(seed: number): { x: Tensor; y: Tensor } {
  const rng = new Prng(seed);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let c = 0; c < CLASSES; c++) {
    for (let i = 0; i < POINTS_PER_CLASS; i++) {
      const r = i / (POINTS_PER_CLASS - 1);
      const t = (c * 4 + (4 * i) / (POINTS_PER_CLASS - 1)) + rng.nextNormal() * 0.2;
      xs.push(r * Math.sin(t), r * Math.cos(t));
      ys.push(c);
    }
  }
  return { x: tensor(xs, [xs.length / 2, 2]), y: tensor(ys, [ys.length], 'int32') };
}

const { x, y } = makeSpiral(0);
const yOneHot = oneHot(y, CLASSES);

const w1 = variable(mul(randomNormal([2, HIDDEN], { seed: 1 }), 0.01), { name: 'w1' });
const b1 = variable(zeros([HIDDEN]), { name: 'b1' });
const w2 = variable(mul(randomNormal([HIDDEN, CLASSES], { seed: 2 }), 0.01), { name: 'w2' });
const b2 = variable(zeros([CLASSES]), { name: 'b2' });
const params = [w1, b1, w2, b2];

const logits = (input: Tensor) => add(matMul(relu(add(matMul(input, w1), b1)), w2), b2);

const loss = () =>
  tidy(() => {
    const crossEntropy = neg(mean(sum(mul(yOneHot, logSoftmax(logits(x))), -1)));
    const l2 = mul(add(sum(square(w1)), sum(square(w2))), 0.5 * L2);
    return add(crossEntropy, l2);
  });

console.log(`backend: ${getBackend()} · ${x.shape[0]} points · ${STEPS} steps of gradient descent`);
const start = performance.now();
const tensorsBefore = memory().numTensors;
for (let step = 0; step <= STEPS; step++) {
  const { value, grads } = variableGrads(loss, params);
  tidy(() => {
    for (const p of params) p.assign(sub(p, mul(grads[p.name], LEARNING_RATE)));
  });
  if (step % 150 === 0) console.log(`step ${String(step).padStart(4)}  loss ${value.dataSync()[0].toFixed(4)}`);
  dispose([value, grads]);
}
const accuracy = tidy(() => mean(cast(equal(argMax(logits(x), 1), y), 'float32')).dataSync()[0]);
const seconds = (performance.now() - start) / 1000;
console.log(`training accuracy: ${(accuracy * 100).toFixed(1)}% in ${seconds.toFixed(1)} s`);
console.log(`live tensors before/after training: ${tensorsBefore}/${memory().numTensors}`);
