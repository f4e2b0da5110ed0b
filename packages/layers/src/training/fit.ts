import { dispose, randomFloat, ValueError, type Tensor } from '@tessera/tensor';
import { TerminateOnNaN } from '../callbacks/terminate_on_nan.js';
import { TrainingDivergedError } from '../errors.js';
import { assertFinite, checkedData, checkFitOptions, requireSamples } from './checks.js';
import { exclusive } from './exclusive.js';
import { Callback, CallbackList, type Logs } from '../callbacks/callback.js';
import { History } from '../callbacks/history.js';
import { ProgbarLogger } from '../callbacks/progbar.js';
import type { Data, Model } from '../engine/model.js';
import { asList, gatherRows, permutation, sampleCount, sliceRows, yieldToEventLoop } from './data.js';
import { evaluateLogs } from './evaluate.js';
import { StatsFolder, logNames, requireCompiled, trainStep } from './train_step.js';

/** Arguments of `fit` (Keras's, camelCase). */
export interface FitArgs {
  /** Samples per gradient step (default 32). */
  batchSize?: number;
  /** Passes over the data (default 1). */
  epochs?: number;
  /** 0: silent, 1: progress bar (default), 2: one line per epoch. */
  verbose?: 0 | 1 | 2;
  callbacks?: Callback[];
  /** Fraction of the data (the last samples, before shuffling) held out for validation. */
  validationSplit?: number;
  /** `[xVal, yVal]` evaluated at the end of each epoch. */
  validationData?: [Data, Data];
  /** Shuffle the training samples before each epoch (default true). */
  shuffle?: boolean;
  /** Epoch to start counting from (to resume training). */
  initialEpoch?: number;
  /** Batch size for validation (default: batchSize). */
  validationBatchSize?: number;
  /** Random source for shuffling (default: the global one, reproducible after `setRandomSeed`). */
  random?: () => number;
  /** Batches per epoch (default: enough to see every sample once); at most that many. */
  stepsPerEpoch?: number;
  /** Run the validation every this many epochs (default 1). */
  validationFreq?: number;
  /**
   * Check `x`, `y` and the validation data for NaN and Infinity before training (default
   * true: one pass over the values; the error names the array and the first bad index).
   */
  checkFinite?: boolean;
}

/** Stops `fit` after the current batch on Ctrl-C in Node; returns a function that removes the handler. */
function onInterrupt(model: Model, state: { interrupted: boolean }): () => void {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (!proc?.on || !proc.versions?.node) return () => undefined;
  const handler = () => {
    if (state.interrupted) proc.exit(130);
    state.interrupted = true;
    model.stopTraining = true;
    proc.stderr.write('\nInterrupted: stopping after the current batch (Ctrl-C again to exit now)\n');
  };
  proc.on('SIGINT', handler);
  return () => proc.off('SIGINT', handler);
}

/**
 * The training loop behind `model.fit`. Options are checked before anything runs; a
 * model runs one fit at a time; a loss that becomes NaN or infinite stops training with a
 * {@link TrainingDivergedError} (unless a `TerminateOnNaN` callback is given: then, as in
 * Keras, training stops and `fit` resolves).
 */
export function fitModel(model: Model, x: Data, y: Data, args: FitArgs): Promise<History> {
  return exclusive(model, 'fit', () => fitLoop(model, x, y, args ?? {}));
}

async function fitLoop(model: Model, x: Data, y: Data, args: FitArgs): Promise<History> {
  const where = `${model.name}.fit`;
  checkFitOptions(where, args);
  const c = requireCompiled(model, 'fit', x);
  const batchSize = args.batchSize ?? 32;
  const epochs = args.epochs ?? 1;
  const verbose = args.verbose ?? 1;
  const validationFreq = args.validationFreq ?? 1;
  const checkFinite = args.checkFinite ?? true;
  const data = await checkedData(where, model, x, y, checkFinite);
  let { xs, ys } = data;
  const total = data.n;
  if (xs.length !== model.inputs.length && model.inputs.length > 0) {
    throw new ValueError(`${model.name}.fit: the model has ${model.inputs.length} input(s) but x has ${xs.length} array(s)`);
  }
  if (ys.length !== c.outputNames.length) {
    throw new ValueError(`${model.name}.fit: the model has ${c.outputNames.length} output(s) (${c.outputNames.join(', ')}) but y has ${ys.length} array(s)`);
  }

  // Validation data: given, or the last samples split off (before shuffling, as Keras).
  const owned: Tensor[] = [];
  let val: [Tensor[], Tensor[]] | undefined;
  if (args.validationData) {
    val = [asList(args.validationData[0], 'validationData x', model.name), asList(args.validationData[1], 'validationData y', model.name)];
    sampleCount({ 'validation x': val[0], 'validation y': val[1] }, model.name);
    requireSamples(where, { 'validationData x': val[0], 'validationData y': val[1] });
    if (checkFinite) await assertFinite(where, { 'validationData x': val[0], 'validationData y': val[1] });
  } else if (args.validationSplit) {
    const split = args.validationSplit;
    const nTrain = Math.floor(total * (1 - split));
    if (nTrain === 0 || nTrain === total) throw new ValueError(`${model.name}.fit: validationSplit ${split} of ${total} samples leaves an empty set`);
    val = [sliceRows(xs, nTrain, total), sliceRows(ys, nTrain, total)];
    xs = sliceRows(xs, 0, nTrain);
    ys = sliceRows(ys, 0, nTrain);
    owned.push(...val[0], ...val[1], ...xs, ...ys);
  }
  const n = xs[0].shape[0];
  const steps = Math.min(Math.ceil(n / batchSize), args.stepsPerEpoch ?? Infinity);
  // With TerminateOnNaN given, a bad loss stops training quietly, as in Keras.
  const quietOnNaN = (args.callbacks ?? []).some((cb) => cb instanceof TerminateOnNaN);
  let lastFinite: { loss: number; epoch: number; batch: number } | undefined;

  const history = new History();
  const callbacks = [...(args.callbacks ?? [])];
  if (verbose > 0) callbacks.push(new ProgbarLogger({ verbose: verbose as 1 | 2 }));
  callbacks.push(history);
  const list = new CallbackList(callbacks);
  const names = logNames(c);
  list.setModel(model);
  list.setParams({ epochs, steps, verbose, metrics: [...names, ...(val ? names.map((k) => `val_${k}`) : [])] });

  model.stopTraining = false;
  const interrupt = { interrupted: false };
  const removeHandler = onInterrupt(model, interrupt);
  const folder = new StatsFolder(c);
  try {
    await list.call('onTrainBegin', {});
    for (let epoch = args.initialEpoch ?? 0; epoch < epochs && !model.stopTraining; epoch++) {
      await list.call('onEpochBegin', epoch, {});
      folder.reset();
      const order = args.shuffle === false ? undefined : permutation(n, args.random ?? randomFloat);
      let logs: Logs = {};
      for (let step = 0; step < steps; step++) {
        await list.call('onTrainBatchBegin', step, { batch: step, size: Math.min(batchSize, n - step * batchSize) });
        const start = step * batchSize;
        const end = Math.min(n, start + batchSize);
        const xb = order ? gatherRows(xs, order.subarray(start, end)) : sliceRows(xs, start, end);
        const yb = order ? gatherRows(ys, order.subarray(start, end)) : sliceRows(ys, start, end);
        let result;
        try {
          result = trainStep(model, c, xb, yb);
        } finally {
          dispose([xb, yb]);
        }
        const values = await result.stats.data();
        result.stats.dispose();
        folder.fold(values, result.sizes, end - start);
        logs = folder.logs();
        await list.call('onTrainBatchEnd', step, logs);
        const loss = values[0];
        if (Number.isFinite(loss)) lastFinite = { loss, epoch, batch: step };
        else if (!quietOnNaN && !model.stopTraining) throw diverged(where, loss, epoch, epochs, step, steps, lastFinite, history);
        await yieldToEventLoop();
        if (model.stopTraining) break;
      }
      if (interrupt.interrupted) break;
      const epochLogs: Logs = { ...logs };
      if (val && (epoch + 1) % validationFreq === 0) Object.assign(epochLogs, await evaluateLogs(model, c, val[0], val[1], args.validationBatchSize ?? batchSize, 'val_'));
      await list.call('onEpochEnd', epoch, epochLogs);
    }
    await list.call('onTrainEnd', {});
  } finally {
    removeHandler();
    dispose(owned);
  }
  return history;
}

function diverged(
  where: string,
  loss: number,
  epoch: number,
  epochs: number,
  step: number,
  steps: number,
  lastFinite: { loss: number; epoch: number; batch: number } | undefined,
  history: History,
): TrainingDivergedError {
  const last = lastFinite
    ? `the last finite loss was ${lastFinite.loss} at ${lastFinite.epoch === epoch ? '' : `epoch ${lastFinite.epoch + 1}, `}batch ${lastFinite.batch + 1}`
    : 'no batch had a finite loss';
  return new TrainingDivergedError(
    `${where} stopped: the loss became ${loss} at epoch ${epoch + 1}/${epochs}, batch ${step + 1}/${steps} (${last}); ` +
      'the weights are no longer usable. Lower the learning rate, check the data and the loss, or add a ' +
      'TerminateOnNaN callback to stop without an error',
    epoch + 1,
    step + 1,
    lastFinite?.loss,
    history,
  );
}
