// The suite on a backend that cannot read synchronously (as WebGPU): the CPU's
// kernels behind a backend without `readSync`. Every declared kernel must still be
// checked, through `await t.data()` only.
import '@tessera/cpu-backend';
import { describeBackend } from '../src/index.js';
import { registerWrappedCpu } from './support/wrapped_cpu.js';

registerWrappedCpu('async-cpu', { sync: false });

describeBackend('async-cpu', {
  // Conv2D without its gradient kernels: its gradient cases are skipped as needing them, not failed.
  kernels: ['Add', 'Exp', 'Sum', 'Tile', 'Mul', 'MatMul', 'Gather', 'Transpose', 'UnsortedSegmentSum', 'Cast', 'Conv2D', 'AvgPool', 'AvgPoolGrad'],
});
