// The conformance suite against our CPU backend: every kernel, full coverage table.
import '@tessera/cpu-backend';
import { describeBackend } from '../src/index.js';

describeBackend('cpu');
