// The whole conformance suite on WebGPU in a real browser (navigator.gpu), as in Node.
import { describeBackend } from '@tessera/conformance';
import { registerWebGPUBackend } from '../../src/index.js';

registerWebGPUBackend();
describeBackend('webgpu');
