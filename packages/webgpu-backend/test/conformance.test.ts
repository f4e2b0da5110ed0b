// The public conformance suite on real WebGPU (Dawn in Node; SwiftShader on machines
// without a GPU): every kernel's values, gradients, memory accounting and errors,
// read through `await t.data()` only (the backend has no readSync).
import './setup.js';
import { describeBackend } from '@tessera/conformance';

describeBackend('webgpu');
