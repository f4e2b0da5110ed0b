// The Web Worker the demo trains in on the CPU (see @tessera/worker): it rebuilds the page's
// model on the CPU backend, runs fit, and streams the progress back.
import { serveFit } from '@tessera/worker/serve';

serveFit();
