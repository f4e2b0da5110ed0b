#!/usr/bin/env node
// tessera-scale: make a job bundle from a .keras file and train it on Ray, locally, or just write it.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeJobBundle } from './bundle.js';
import { parseData } from './cli_data.js';
import { ScaleError } from './errors.js';
import { runLocally } from './local.js';
import { submitToRay } from './ray.js';
import type { TrainResult } from './results.js';

const USAGE = `usage:
  tessera-scale submit MODEL.keras --data DATA --address http://HEAD:8265 [options]
  tessera-scale local  MODEL.keras --data DATA [--python PY] [--devices N] [options]
  tessera-scale bundle MODEL.keras --data DATA --dir FOLDER [options]

DATA: mnist:PATH_OR_URL | fashion_mnist:PATH_OR_URL | cifar10:PATH_OR_URL | a .json file holding a data description
options: --epochs N --batch-size N --validation-split F --seed N
         --out DIR (results; default ./tessera-scale-results) --dir FOLDER (keep the bundle there)
         --no-pip (submit: the cluster's Python already has Keras 3 and JAX) --timeout SECONDS`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      address: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      'validation-split': { type: 'string' },
      seed: { type: 'string' },
      dir: { type: 'string' },
      out: { type: 'string' },
      python: { type: 'string' },
      devices: { type: 'string' },
      timeout: { type: 'string' },
      'no-pip': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, model] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  if (!['submit', 'local', 'bundle'].includes(command) || !model || !values.data) throw new ScaleError('bad_spec', `expected a command, a model file and --data\n${USAGE}`);
  if (command === 'submit' && !values.address) throw new ScaleError('bad_spec', `submit needs --address (the Ray dashboard, e.g. http://127.0.0.1:8265)\n${USAGE}`);
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const bundle = await makeJobBundle(model, {
    data: parseData(values.data),
    epochs: num(values.epochs),
    batchSize: num(values['batch-size']),
    validationSplit: num(values['validation-split']),
    seed: num(values.seed),
    dir: values.dir,
  });
  if (values.dir || command === 'bundle') console.log(`bundle: ${bundle.dir}`);
  if (command === 'bundle') return;
  const timeoutMs = values.timeout ? Number(values.timeout) * 1000 : undefined;
  const onLog = (line: string) => console.log(line);
  const outDir = values.out ?? (values.dir ? undefined : resolve('tessera-scale-results'));
  let result: TrainResult;
  try {
    result =
      command === 'submit'
        ? await submitToRay(bundle, { address: values.address!, onLog, timeoutMs, pip: !values['no-pip'], outDir })
        : await runLocally(bundle, { python: values.python, devices: num(values.devices), onLog, timeoutMs, outDir });
  } finally {
    // A bundle in a temporary folder is only the vehicle: the results are in outDir.
    if (!values.dir) rmSync(bundle.dir, { recursive: true, force: true });
  }
  console.log(`trained model: ${result.modelPath}`);
  console.log(`history: ${result.historyPath}${result.history.evaluate ? ` (test ${JSON.stringify(result.history.evaluate)})` : ''}`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof ScaleError ? `tessera-scale: ${e.message}` : e);
  process.exitCode = 1;
});
