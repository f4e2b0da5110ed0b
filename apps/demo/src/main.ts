/**
 * The demo page: wires the form, the trainer, the charts, the inspection views, the drawing pad
 * and the model files together. On the CPU backend training runs in a Web Worker by default
 * (@tessera/worker: the page's thread stays free, and the worker's GEMM uses two threads when the
 * page is cross-origin isolated); on WebGPU, and on the CPU when chosen, on the page's thread,
 * where `fit` yields to the event loop after every batch.
 */
import type { Logs, Sequential } from '@tessera/layers';
import { memory, setRandomSeed, tensor, type Tensor } from '@tessera/tensor';
import { chooseBackend, type BackendPreference } from './backend.js';
import { CurveChart } from './charts.js';
import { imagesTensor, loadCifarArchive, loadIdxFiles, loadServed, servedDatasets, TITLES, type DatasetId, type DemoDataset } from './data.js';
import { DrawingPad, showProbabilities } from './draw.js';
import { downloadModel, loadModelFrom, saveToBrowser, storedModels } from './files.js';
import { paint } from './images.js';
import { evaluateModel, showActivations, showConfusion, showFilters, showMistakes } from './inspect.js';
import { buildModel, DEFAULT_SPECS, MODEL_TITLES, parseUnits, type ModelKind, type ModelSpec } from './models.js';
import { Trainer, type OptimizerId, type TrainSettings } from './trainer.js';
import { byId, input, numberField, select, testEl } from './dom.js';
import { FitWorker } from '@tessera/worker';

type State = 'idle' | 'loading' | 'training' | 'stopped' | 'done' | 'error';

let dataset: DemoDataset | null = null;
let served: Partial<Record<DatasetId, string>> = {};
let trainer: Trainer | null = null;
let state: State = 'idle';
let fitWorker: FitWorker | null = null;

/** The training worker (started once), when the CPU backend runs and the form says so; else none. */
async function trainingWorker(): Promise<FitWorker | undefined> {
  const where = testEl('where');
  if (testEl('backend').dataset.backend !== 'cpu' || select('cpu-thread').value !== 'worker') {
    where.dataset.where = 'page';
    where.textContent = "fit: the page's thread";
    return undefined;
  }
  fitWorker ??= new FitWorker(new Worker(new URL('./fit.worker.ts', import.meta.url), { type: 'module' }));
  const info = await fitWorker.ready();
  where.dataset.where = 'worker';
  where.dataset.threads = info.gemmThreads ? '2' : '1';
  where.textContent = `fit: Web Worker, ${info.gemmThreads ? '2 GEMM threads' : '1 GEMM thread'}`;
  where.title = info.whyNoThreads || 'cross-origin isolated: the GEMM runs on two threads';
  return fitWorker;
}

const lossChart = new CurveChart(byId('loss-chart'), 'loss');
const accChart = new CurveChart(byId('acc-chart'), 'accuracy');
const pad = new DrawingPad(byId('pad-host'), () => schedulePrediction());

// ---------------------------------------------------------------- status and errors

function setState(next: State, text: string = next): void {
  state = next;
  const el = testEl('state');
  el.dataset.state = next;
  el.textContent = text;
  updateControls();
}

function showError(e: unknown): void {
  const el = testEl('error');
  el.textContent = e instanceof Error ? e.message : String(e);
  el.hidden = false;
  console.error(e);
}

function clearError(): void {
  testEl('error').hidden = true;
}

/** Runs an event handler, showing its error on the page instead of losing it. */
function guarded(fn: () => Promise<void> | void): () => void {
  return () => {
    clearError();
    Promise.resolve()
      .then(fn)
      .catch((e) => {
        showError(e);
        if (state === 'loading' || state === 'training') setState('error', 'error');
      });
  };
}

function updateControls(): void {
  const busy = state === 'loading' || state === 'training';
  const hasModel = trainer !== null;
  (byId('train') as HTMLButtonElement).disabled = busy || !dataset;
  (byId('train') as HTMLButtonElement).textContent = hasModel && !trainer!.finished && trainer!.stepsDone > 0 ? 'Resume' : 'Train';
  (byId('stop') as HTMLButtonElement).disabled = state !== 'training';
  (byId('reset') as HTMLButtonElement).disabled = busy || !hasModel;
  for (const id of ['download-h5', 'download-keras', 'save-idb']) (byId(id) as HTMLButtonElement).disabled = busy || !hasModel;
  (byId('load-idb') as HTMLButtonElement).disabled = busy || select('stored').options.length === 0;
  (byId('model-file') as HTMLInputElement).disabled = busy || !dataset;
  // What shapes the model and its data is fixed while a model exists: Reset to change it.
  for (const id of ['dataset', 'model-kind', 'hidden', 'filters', 'kernel', 'dense-units', 'rnn-units', 'dropout', 'train-count', 'val-count']) {
    (byId(id) as HTMLInputElement).disabled = busy || hasModel;
  }
  for (const id of ['optimizer', 'lr', 'batch', 'epochs', 'cpu-thread']) (byId(id) as HTMLInputElement).disabled = busy;
}

setInterval(() => {
  testEl('tensors').textContent = `tensors: ${memory().numTensors}`;
}, 300);

// ---------------------------------------------------------------- the form

function readSpec(): ModelSpec {
  const kind = select('model-kind').value as ModelKind;
  return {
    ...DEFAULT_SPECS[kind],
    hidden: kind === 'mlp' ? parseUnits(input('hidden').value) : DEFAULT_SPECS.mlp.hidden,
    filters: numberField('filters', 'filters', 1, 256, true),
    kernelSize: numberField('kernel', 'kernel size', 1, 9, true),
    denseUnits: numberField('dense-units', 'dense units', 1, 4096, true),
    rnnUnits: numberField('rnn-units', 'LSTM units', 1, 1024, true),
    dropout: numberField('dropout', 'dropout', 0, 0.9, false),
  };
}

function readSettings(): TrainSettings {
  return {
    optimizer: select('optimizer').value as OptimizerId,
    learningRate: numberField('lr', 'learning rate', 1e-7, 10, false),
    batchSize: numberField('batch', 'batch size', 1, 4096, true),
    epochs: numberField('epochs', 'epochs', 1, 1000, true),
    trainCount: numberField('train-count', 'training images', 1, 1e6, true),
    valCount: numberField('val-count', 'validation images', 1, 1e6, true),
  };
}

function showModelFields(): void {
  const kind = select('model-kind').value as ModelKind;
  byId('model-title').textContent = MODEL_TITLES[kind];
  for (const row of document.querySelectorAll<HTMLElement>('[data-kind]')) row.hidden = !row.dataset.kind!.split(' ').includes(kind);
  if (kind === 'cnn' || kind === 'cnn2') input('kernel').value = String(DEFAULT_SPECS[kind].kernelSize);
}

// ---------------------------------------------------------------- data

function describeData(d: DemoDataset): string {
  const [h, w, c] = d.imageShape;
  return `${d.title}: ${d.train.count.toLocaleString('en-US')} training and ${d.test.count.toLocaleString('en-US')} test images, ${h}x${w}x${c}, ${d.classNames.length} classes`;
}

function setDataset(d: DemoDataset): void {
  dataset = d;
  testEl('data-status').textContent = describeData(d);
  input('train-count').value = String(Math.min(Number(input('train-count').value) || d.train.count, d.train.count));
  input('val-count').value = String(Math.min(Number(input('val-count').value) || d.test.count, d.test.count));
  byId('pad-host').closest('section')!.classList.toggle('disabled', d.imageShape[0] !== 28 || d.imageShape[2] !== 1);
}

async function chooseDataset(): Promise<void> {
  const id = select('dataset').value as DatasetId;
  byId('idx-files').hidden = !(id === 'fashion-mnist' && !served[id]);
  byId('cifar-file').hidden = id !== 'cifar10';
  dataset = null;
  if (id === 'cifar10' || !served[id]) {
    testEl('data-status').textContent = `${TITLES[id]}: choose the file${id === 'cifar10' ? '' : 's'} above.`;
    updateControls();
    return;
  }
  setState('loading', `loading ${TITLES[id]}`);
  testEl('data-status').textContent = `Loading ${TITLES[id]}…`;
  try {
    setDataset(await loadServed(id, served[id]!));
  } finally {
    setState('idle');
  }
}

async function loadPickedFiles(kind: 'idx' | 'cifar'): Promise<void> {
  const files = [...(byId(kind === 'idx' ? 'idx-input' : 'cifar-input') as HTMLInputElement).files!];
  if (files.length === 0) return;
  setState('loading', 'reading files');
  try {
    setDataset(kind === 'idx' ? await loadIdxFiles('fashion-mnist', files) : await loadCifarArchive(files[0], { train: 50000, test: 10000 }));
  } finally {
    setState('idle');
  }
}

// ---------------------------------------------------------------- training

function startSession(model: Sequential): Trainer {
  if (!dataset) throw new Error('choose a data set first');
  const t = new Trainer(model, dataset, readSettings());
  trainer = t;
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line) });
  testEl('summary').textContent = lines.join('\n');
  fillLayerSelect(model);
  return t;
}

function fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(4);
}

async function train(): Promise<void> {
  if (!dataset) throw new Error('choose a data set first');
  const settings = readSettings();
  const t = trainer ?? startSession(buildModel(readSpec(), dataset.imageShape, dataset.classNames.length));
  if (t.settings.optimizer !== settings.optimizer || t.settings.learningRate !== settings.learningRate) {
    // A new optimizer (its slots start afresh); a model loaded with its own keeps it otherwise.
    Object.assign(t.settings, { optimizer: settings.optimizer, learningRate: settings.learningRate });
    t.compile();
  }
  Object.assign(t.settings, { batchSize: settings.batchSize, epochs: settings.epochs });
  if (t.finished) throw new Error(`the model has trained ${t.epochsDone} of ${t.settings.epochs} epochs: raise Epochs to train more`);
  const worker = await trainingWorker();
  setState('training', `training on ${testEl('backend').dataset.backend}${worker ? ' in a Web Worker' : ''}`);
  await t.train({
    batch: ({ epoch, position, logs, progress, samplesPerSecond }) => {
      testEl('progress').textContent = `Epoch ${epoch + 1}/${t.settings.epochs}\n${progress}`;
      testEl('epoch').textContent = `${epoch + 1} / ${t.settings.epochs}`;
      testEl('loss').textContent = fmt(logs.loss);
      testEl('accuracy').textContent = fmt(logs.accuracy);
      if (Number.isFinite(samplesPerSecond)) testEl('speed').textContent = Math.round(samplesPerSecond).toLocaleString('en-US');
      lossChart.addTrain(position, logs.loss);
      accChart.addTrain(position, logs.accuracy);
    },
    epoch: async (epoch: number, logs: Logs, progress: string, position: number) => {
      testEl('progress').textContent = `Epoch ${epoch + 1}/${t.settings.epochs}\n${progress}`;
      testEl('val-loss').textContent = fmt(logs.val_loss);
      testEl('val-accuracy').textContent = fmt(logs.val_accuracy);
      lossChart.addVal(position, logs.val_loss);
      accChart.addVal(position, logs.val_accuracy);
      await refreshInsights();
    },
  }, worker);
  if (worker && t.workerRun) {
    const where = testEl('where');
    where.dataset.workerSpeed = t.workerRun.samplesPerSecond.toFixed(0);
    where.dataset.splitProducts = String(t.workerRun.splitProducts);
  }
  const stoppedEarly = !t.finished;
  setState(stoppedEarly ? 'stopped' : 'done', stoppedEarly ? `stopped: ${t.epochsDone} of ${t.settings.epochs} epochs done` : `done: ${t.epochsDone} epochs`);
  if (stoppedEarly) await refreshInsights();
}

function reset(): void {
  if (!trainer) return;
  trainer.model.dispose();
  trainer.dispose();
  trainer = null;
  lossChart.reset();
  accChart.reset();
  for (const id of ['epoch', 'loss', 'accuracy', 'val-loss', 'val-accuracy', 'speed', 'test-accuracy', 'prediction']) testEl(id).textContent = '–';
  testEl('progress').textContent = 'Press Train.';
  testEl('summary').textContent = 'No model yet.';
  testEl('filters-caption').textContent = 'Train or load a model.';
  for (const id of ['filters', 'activations', 'mistakes', 'confusion', 'probs']) testEl(id).replaceChildren();
  select('act-layer').replaceChildren();
  showModelFields();
  setState('idle');
}

// ---------------------------------------------------------------- looking inside

function fillLayerSelect(model: Sequential): void {
  const sel = select('act-layer');
  sel.replaceChildren(
    ...model.layers.map((layer, i) => {
      const option = document.createElement('option');
      option.value = String(i);
      option.textContent = `${layer.name} (${layer.className})`;
      return option;
    }),
  );
}

async function refreshInsights(): Promise<void> {
  if (!trainer || !dataset) return;
  const { model } = trainer;
  testEl('filters-caption').textContent = await showFilters(testEl('filters'), model, dataset);
  await refreshActivations();
  const count = trainer.xVal.shape[0];
  const evaluation = await evaluateModel(model, trainer.xVal, dataset.test.labels.subarray(0, count), dataset.classNames.length, 256);
  testEl('test-accuracy').textContent = `${(100 * evaluation.accuracy).toFixed(2)}% of ${count.toLocaleString('en-US')} (${evaluation.wrong.length} wrong)`;
  testEl('test-accuracy').dataset.value = String(evaluation.accuracy);
  showConfusion(testEl('confusion') as HTMLTableElement, evaluation, dataset.classNames);
  showMistakes(testEl('mistakes'), evaluation, dataset);
  schedulePrediction();
}

async function refreshActivations(): Promise<void> {
  if (!trainer || !dataset) return;
  const layer = trainer.model.layers[Number(select('act-layer').value) || 0];
  const count = trainer.xVal.shape[0];
  const index = Math.min(Math.max(0, Math.floor(Number(input('act-image').value) || 0)), count - 1);
  const [h, w, c] = dataset.imageShape;
  paint(byId('act-preview') as HTMLCanvasElement, dataset.test.images.subarray(index * h * w * c, (index + 1) * h * w * c), h, w, c === 3 ? 3 : 1);
  const image = imagesTensor(dataset, dataset.test, index, 1);
  try {
    testEl('act-caption').textContent = `${await showActivations(testEl('activations'), trainer.model, layer, image)} — image ${index}, a ${dataset.classNames[dataset.test.labels[index]]}`;
  } finally {
    image.dispose();
  }
}

// ---------------------------------------------------------------- drawing

let predicting = false;
let predictAgain = false;

function schedulePrediction(): void {
  if (predicting) {
    predictAgain = true;
    return;
  }
  predicting = true;
  requestAnimationFrame(() => {
    predictDrawing()
      .catch(showError)
      .finally(() => {
        predicting = false;
        if (predictAgain) {
          predictAgain = false;
          schedulePrediction();
        }
      });
  });
}

async function predictDrawing(): Promise<void> {
  const pixels = pad.toMnistPixels();
  paint(byId('pad-preview') as HTMLCanvasElement, pixels, 28, 28, 1, 0, 1);
  if (!trainer || !dataset || pad.isEmpty || dataset.imageShape[0] !== 28 || dataset.imageShape[2] !== 1) {
    testEl('prediction').textContent = '–';
    testEl('probs').replaceChildren();
    return;
  }
  const x = tensor(pixels, [1, 28, 28, 1]);
  let probs: Tensor | undefined;
  try {
    probs = trainer.model.predict(x) as Tensor;
    const values = await probs.data();
    const best = showProbabilities(testEl('probs'), values, dataset.classNames);
    testEl('prediction').textContent = `${dataset.classNames[best]} (${(100 * values[best]).toFixed(1)}%)`;
    testEl('prediction').dataset.value = String(best);
  } finally {
    x.dispose();
    probs?.dispose();
  }
}

// ---------------------------------------------------------------- files

function fileStatus(text: string): void {
  testEl('file-status').textContent = text;
}

async function refreshStored(selected?: string): Promise<void> {
  const names = await storedModels().catch(() => [] as string[]);
  const sel = select('stored');
  sel.replaceChildren(...names.map((n) => Object.assign(document.createElement('option'), { value: n, textContent: n })));
  if (selected) sel.value = selected;
  updateControls();
}

function fileName(): string {
  return `tessera-${dataset?.id ?? 'model'}-${select('model-kind').value}`;
}

async function adoptLoadedModel(model: Sequential, from: string): Promise<void> {
  if (!dataset) {
    model.dispose();
    throw new Error('choose a data set before loading a model');
  }
  const expected = [null, ...dataset.imageShape];
  const found = model.inputs[0].shape;
  if (found.length !== expected.length || found.some((d, i) => i > 0 && d !== expected[i])) {
    model.dispose();
    throw new Error(`${from}: expected a model for ${dataset.title} inputs [${expected.join(', ')}] but its input is [${found.join(', ')}]`);
  }
  const outputs = model.outputs[0].shape.at(-1);
  if (outputs !== dataset.classNames.length) {
    model.dispose();
    throw new Error(`${from}: expected ${dataset.classNames.length} outputs (one per class) but the model has ${outputs}`);
  }
  reset();
  startSession(model);
  byId('model-title').textContent = `Loaded from ${from}: the form's model settings apply after Reset.`;
  lossChart.reset();
  accChart.reset();
  await refreshInsights();
  setState('idle', `loaded ${from}`);
}

async function loadFrom(source: string | File, label: string): Promise<void> {
  setState('loading', `loading ${label}`);
  const warnings: string[] = [];
  try {
    const model = await loadModelFrom(source, (w) => warnings.push(w));
    await adoptLoadedModel(model, label);
    fileStatus(`Loaded ${label}${warnings.length ? ` (${warnings.join('; ')})` : ''}.`);
  } catch (e) {
    setState('idle');
    throw e;
  }
}

// ---------------------------------------------------------------- start

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const preference = (params.get('backend') ?? 'auto') as BackendPreference;
  // `?seed=N`: every model's initial weights and the page's shuffles from one seed (Keras's
  // set_random_seed): the same starting weights and batch order each run; the e2e test trains so.
  const seed = params.get('seed');
  if (seed !== null && /^\d+$/.test(seed)) setRandomSeed(Number(seed));
  const backend = await chooseBackend(preference);
  const badge = testEl('backend');
  badge.dataset.backend = backend.name;
  badge.textContent = `backend: ${backend.name}`;
  for (const el of document.querySelectorAll<HTMLElement>('[data-backend-only]')) el.hidden = el.dataset.backendOnly !== backend.name;
  if (backend.notice) {
    testEl('notice').textContent = backend.notice;
    testEl('notice').hidden = false;
  }
  served = await servedDatasets();
  showModelFields();
  await refreshStored();
  await chooseDataset();
}

select('dataset').addEventListener('change', guarded(chooseDataset));
select('model-kind').addEventListener('change', showModelFields);
byId('idx-input').addEventListener('change', guarded(() => loadPickedFiles('idx')));
byId('cifar-input').addEventListener('change', guarded(() => loadPickedFiles('cifar')));
byId('train').addEventListener('click', guarded(train));
byId('stop').addEventListener('click', () => trainer?.stop());
byId('reset').addEventListener('click', guarded(reset));
byId('clear-pad').addEventListener('click', () => pad.clear());
select('act-layer').addEventListener('change', guarded(refreshActivations));
input('act-image').addEventListener('change', guarded(refreshActivations));
byId('download-h5').addEventListener('click', guarded(async () => fileStatus(`Downloaded ${fileName()}.h5 (${await downloadModel(trainer!.model, fileName(), 'h5')} bytes).`)));
byId('download-keras').addEventListener('click', guarded(async () => fileStatus(`Downloaded ${fileName()}.keras (${await downloadModel(trainer!.model, fileName(), 'keras')} bytes).`)));
byId('save-idb').addEventListener('click', guarded(async () => {
  const name = fileName();
  const size = await saveToBrowser(trainer!.model, name);
  await refreshStored(name);
  fileStatus(`Saved ${name} in this browser (${size} bytes).`);
}));
byId('load-idb').addEventListener('click', guarded(() => loadFrom(`indexeddb://${select('stored').value}`, select('stored').value)));
byId('model-file').addEventListener('change', guarded(async () => {
  const file = (byId('model-file') as HTMLInputElement).files?.[0];
  if (file) await loadFrom(file, file.name);
}));

guarded(start)();
