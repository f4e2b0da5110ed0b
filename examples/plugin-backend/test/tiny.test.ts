// The plugin proof: an out-of-tree backend passes the public conformance suite on
// exactly the kernels it declares.
import { describeBackend } from '@tessera/conformance';
import { TINY_KERNELS } from '../src/index.js';

describeBackend('tiny', { kernels: TINY_KERNELS });
