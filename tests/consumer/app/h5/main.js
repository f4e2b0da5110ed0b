// The HDF5 page: a Keras .h5 file written and read back in the browser, through io's HDF5
// worker where the bundler emits it (Vite, webpack), else in-process with a warning.
import * as io from 'tessera-ml/io';
import * as layers from 'tessera-ml/layers';
import { tensor } from 'tessera-ml';

const warnings = [];
const warn = console.warn;
console.warn = (...args) => {
  warnings.push(args.join(' '));
  warn(...args);
};

async function roundTrip() {
  const model = new layers.Sequential([new layers.Dense({ units: 3, activation: 'relu', inputShape: [2] }), new layers.Dense({ units: 1 })]);
  const x = tensor([[0.5, -1], [2, 3]]);
  const before = await model.predict(x).data();
  const bytes = await io.saveModel(model, null, { format: 'h5' });
  const loaded = await io.loadModel(bytes);
  const after = await loaded.predict(x).data();
  await io.stopH5Worker();
  const same = before.length === after.length && before.every((v, i) => v === after[i]);
  const inProcess = warnings.some((w) => w.includes('the HDF5 worker'));
  return { bytes: bytes.length, layers: loaded.layers.length, same, hdf5: inProcess ? 'in-process' : 'worker' };
}

roundTrip().then(
  (result) => {
    console.log(`TESSERA_H5 ${JSON.stringify(result)}`);
    document.title = `done ${JSON.stringify(result)}`;
  },
  (error) => {
    console.error(error);
    document.title = `error ${error && error.stack ? error.stack : error}`;
  },
);
