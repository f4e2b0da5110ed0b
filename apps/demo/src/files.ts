/**
 * Saving and loading models in the page, through `@tessera/io`: downloads of Keras's `.h5` and
 * `.keras` files, IndexedDB (`indexeddb://name`), and files the user picks, including ones
 * saved by Keras itself.
 */
import { listStoredModels, loadModel, saveModel } from '@tessera/io';
import { Sequential, type Model } from '@tessera/layers';

export type FileFormat = 'h5' | 'keras';

/** Downloads the model as `name.h5` or `name.keras`; returns the file's size in bytes. */
export async function downloadModel(model: Model, name: string, format: FileFormat): Promise<number> {
  const bytes = await saveModel(model, `downloads://${name}.${format}`);
  return bytes.length;
}

/** Saves the model (with its optimizer state) in the browser's IndexedDB under `name`. */
export async function saveToBrowser(model: Model, name: string): Promise<number> {
  const bytes = await saveModel(model, `indexeddb://${name}`);
  return bytes.length;
}

/** The names of the models saved in this browser. */
export function storedModels(): Promise<string[]> {
  return listStoredModels();
}

/**
 * Loads a model from IndexedDB or from a file the user picked. With its training config it is
 * compiled as saved (optimizer state included, so training resumes); a file whose loss or
 * optimizer Tessera cannot rebuild is loaded for inference and compiled by the page instead.
 */
export async function loadModelFrom(source: string | File, onWarning: (message: string) => void): Promise<Sequential> {
  let model: Model;
  try {
    model = await loadModel(source, { compile: true, onWarning });
  } catch (e) {
    const message = (e as Error).message;
    if (!/training|optimizer|loss|metric/i.test(message)) throw e;
    onWarning(`loaded without its training config (${message})`);
    model = await loadModel(source, { onWarning });
  }
  if (!(model instanceof Sequential)) {
    model.dispose();
    throw new Error(`expected a Sequential model (the demo inspects layer by layer) but the file holds a functional model with ${model.layers.length} layers`);
  }
  return model;
}
