/**
 * Keras's addition_rnn: sequence to sequence learning for performing addition.
 * Input: "535+61", output: "596". Padding is handled by a repeated sentinel character (space); the input is
 * reversed, which shortens the dependencies between source and target ("Learning to Execute",
 * "Sequence to Sequence Learning with Neural Networks").
 * Run: pnpm --filter @tessera-examples/addition-rnn start [--epochs 30] [--samples 50000] [--seed 1337]
 */
import { enableRelaxedSimd } from '@tessera/cpu-backend';
import { dispose, gather, tensor, type Tensor } from '@tessera/tensor';
import { ctable, DIGITS, generateData, MAXLEN, REVERSE, rng } from './data.js';
import { additionRnn } from './model.js';

// Node 20/21: fused multiply-adds in the products, as Node 22+ and browsers have by default.
enableRelaxedSimd();

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isFinite(n)) throw new Error(`--${name} expects a number but got '${process.argv[i + 1]}'`);
  return n;
}

const TRAINING_SIZE = flag('samples', 50000);
const epochs = flag('epochs', 30);
const batchSize = 32;

console.log('Generating data...');
const data = generateData(TRAINING_SIZE, flag('seed', 1337));
console.log('Total questions:', data.questions.length);
console.log('Training Data:');
console.log(data.xTrain.shape);
console.log(data.yTrain.shape);
console.log('Validation Data:');
console.log(data.xVal.shape);
console.log(data.yVal.shape);

console.log('Build model...');
const model = additionRnn();
model.compile({ loss: 'categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
model.summary();

// Train the model each generation and show predictions against the validation dataset.
const pick = rng(7);
for (let epoch = 1; epoch < epochs + 1; epoch++) {
  console.log();
  console.log('Iteration', epoch);
  await model.fit(data.xTrain, data.yTrain, { batchSize, epochs: 1, verbose: 1, validationData: [data.xVal, data.yVal] });
  // Select 10 samples from the validation set at random so we can visualize errors.
  for (let i = 0; i < 10; i++) {
    const ind = Math.floor(pick() * data.valQuestions.length);
    const index = tensor([ind], [1], 'int32');
    const rowx = gather(data.xVal, index);
    const probs = model.predict(rowx) as Tensor;
    const guess = ctable.decode(await probs.data());
    dispose([index, rowx, probs]);
    const q = data.valQuestions[ind]!;
    const correct = data.valExpected[ind]!;
    const question = REVERSE ? [...q].reverse().join('') : q;
    console.log('Q', question.padEnd(MAXLEN), 'T', correct.padEnd(DIGITS + 1), correct === guess ? `☑ ${guess}` : `☒ ${guess}`);
  }
}
