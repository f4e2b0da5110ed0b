/**
 * Where a training step's time goes on the CPU backend: every kernel wrapped with a timer,
 * per kernel or (with `shapes`) per kernel and input shapes.
 *   tsx --conditions=@tessera/source bench/src/profile.ts [mlp|cnn|lstm|gru|gru-before|addition] [steps] [auto|off] [shapes]
 */
import './relaxed_simd.js';
import '@tessera/cpu-backend';
import { gemmThreadsReady, setGemmThreads, type GemmThreads } from '@tessera/cpu-backend';
import { getKernel, getKernelsForBackend, registerKernel, setBackend, tensor, unregisterKernel, type KernelConfig } from '@tessera/tensor';
import { mnistArrays } from './data.js';
import { tesseraLstmModel, tesseraModel } from './cases/models.js';
import { additionRnn } from '../../examples/addition-rnn/src/model.js';
import { Dense, GRU, Sequential } from '@tessera/layers';

const kind = (process.argv[2] ?? 'mlp') as 'mlp' | 'cnn' | 'lstm' | 'gru' | 'gru-before' | 'addition';
const steps = Number(process.argv[3] ?? 40);
await setBackend('cpu');
await gemmThreadsReady();
setGemmThreads((process.argv[4] ?? 'auto') as GemmThreads);
const data = await mnistArrays();
/** The LSTM case's model with a GRU(128) in its place (Keras 3's reset-after; `gru-before`: reset-before, the composite step). */
function gruModel(resetAfter: boolean): Sequential {
  const m = new Sequential();
  m.add(new GRU({ units: 128, resetAfter, batchInputShape: [null, 28, 28] }));
  m.add(new Dense({ units: 10, activation: 'softmax' }));
  return m;
}
const lstm = kind === 'lstm' ? tesseraLstmModel() : undefined;
if (typeof lstm === 'string') throw new Error(lstm);
// addition: examples/addition-rnn's model (batch 32, 7 steps of 12 in, 4 steps of 12 out) on stand-in values.
const recurrent = kind === 'addition' ? additionRnn() : kind === 'gru' || kind === 'gru-before' ? gruModel(kind === 'gru') : undefined;
const model = lstm ?? recurrent ?? tesseraModel(kind as 'mlp' | 'cnn');
if (recurrent) model.compile({ loss: 'categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
const shapes = { mlp: [128, 784], cnn: [128, 28, 28, 1], lstm: [128, 28, 28], gru: [128, 28, 28], 'gru-before': [128, 28, 28], addition: [32, 7, 12] };
const x = tensor(data.xTrain.subarray(0, shapes[kind].reduce((a, b) => a * b, 1)), shapes[kind]);
const y = kind === 'addition' ? tensor(data.yTrain.subarray(0, 32 * 48), [32, 4, 12]) : tensor(data.yTrain.subarray(0, 1280), [128, 10]);
for (let i = 0; i < 10; i++) await model.trainOnBatch(x, y);

const byShapes = process.argv[5] === 'shapes';
const spent = new Map<string, { ms: number; calls: number }>();
for (const name of getKernelsForBackend('cpu')) {
  const k = getKernel(name, 'cpu') as KernelConfig;
  unregisterKernel(name, 'cpu');
  registerKernel({
    ...k,
    kernelFunc: (args: never) => {
      const t0 = performance.now();
      const out = (k.kernelFunc as (a: never) => unknown)(args);
      const key = byShapes ? `${name} ${(args as { inputs: { shape: number[] }[] }).inputs.map((t) => `[${t.shape.join(',')}]`).join(' ')}` : name;
      const s = spent.get(key) ?? { ms: 0, calls: 0 };
      s.ms += performance.now() - t0;
      s.calls++;
      spent.set(key, s);
      return out;
    },
  } as KernelConfig);
}
const t0 = performance.now();
for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
const total = (performance.now() - t0) / steps;
let inKernels = 0;
const rows = [...spent].sort((a, b) => b[1].ms - a[1].ms);
for (const [, s] of rows) inKernels += s.ms / steps;
console.log(`${kind} (GEMM threads ${process.argv[4] ?? 'auto'}): ${total.toFixed(2)} ms/step (${((128 / total) * 1000).toFixed(0)} samples/s), kernels ${inKernels.toFixed(2)} ms, outside kernels ${(total - inKernels).toFixed(2)} ms`);
const width = byShapes ? 64 : 22;
for (const [name, s] of rows.slice(0, 18)) console.log(`  ${name.padEnd(width)} ${(s.ms / steps).toFixed(2).padStart(7)} ms  ${(s.calls / steps).toFixed(0).padStart(4)} calls`);
