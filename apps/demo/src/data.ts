/**
 * The demo's data sets as raw bytes (images 0..255, labels 0..9), loaded through
 * `@tessera/datasets`: MNIST and Fashion-MNIST from the files the app serves, or IDX files and
 * the CIFAR-10 archive that the user picks. Tensors are made only for the examples trained on.
 */
import { cifar10, fashionMnist, mnist, readIdx, toCategorical } from '@tessera/datasets';
import { div, tensor, type Tensor } from '@tessera/tensor';

export type DatasetId = 'mnist' | 'fashion-mnist' | 'cifar10';

export interface RawSplit {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface DemoDataset {
  id: DatasetId;
  title: string;
  /** `[height, width, channels]` of one image. */
  imageShape: [number, number, number];
  classNames: readonly string[];
  train: RawSplit;
  test: RawSplit;
}

export const TITLES: Record<DatasetId, string> = {
  mnist: 'MNIST digits',
  'fashion-mnist': 'Fashion-MNIST',
  cifar10: 'CIFAR-10',
};

const DIGITS = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
const FASHION = Object.freeze(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);

/** Which data sets the app serves (written by scripts/prepare_data.ts): id -> URL prefix. */
export async function servedDatasets(): Promise<Partial<Record<DatasetId, string>>> {
  const res = await fetch(new URL('data/index.json', document.baseURI));
  if (!res.ok) throw new Error(`expected data/index.json to be served (run the demo's build) but got HTTP ${res.status}`);
  return (await res.json()) as Partial<Record<DatasetId, string>>;
}

/** MNIST or Fashion-MNIST from the URL prefix the app serves them under. */
export async function loadServed(id: 'mnist' | 'fashion-mnist', prefix: string): Promise<DemoDataset> {
  const source = new URL(prefix, document.baseURI).href;
  // The served MNIST was re-written from the bundled copy (same bytes, other gzip), so the
  // content is checked by the IDX headers and sizes rather than the published .gz md5s.
  const raw = id === 'mnist' ? await mnist.loadRaw({ source, verify: false }) : await fashionMnist.loadRaw({ source, verify: false });
  return { id, title: TITLES[id], imageShape: [28, 28, 1], classNames: id === 'mnist' ? DIGITS : FASHION, train: raw.train, test: raw.test };
}

const IDX_ROLES = {
  trainImages: /train-images/,
  trainLabels: /train-labels/,
  testImages: /t10k-images/,
  testLabels: /t10k-labels/,
} as const;

/** Fashion-MNIST (or MNIST) from the four IDX files the user picked (`.gz` or raw). */
export async function loadIdxFiles(id: 'mnist' | 'fashion-mnist', files: readonly File[]): Promise<DemoDataset> {
  const byRole = {} as Record<keyof typeof IDX_ROLES, File>;
  for (const [role, pattern] of Object.entries(IDX_ROLES) as Array<[keyof typeof IDX_ROLES, RegExp]>) {
    const file = files.find((f) => pattern.test(f.name));
    if (!file) {
      throw new Error(`expected the four IDX files (train-images, train-labels, t10k-images, t10k-labels) but none is named like ${pattern.source} among: ${files.map((f) => f.name).join(', ') || 'no files'}`);
    }
    byRole[role] = file;
  }
  const read = async (f: File) => readIdx(new Uint8Array(await f.arrayBuffer()), f.name);
  const [ti, tl, vi, vl] = await Promise.all([read(byRole.trainImages), read(byRole.trainLabels), read(byRole.testImages), read(byRole.testLabels)]);
  const split = (images: typeof ti, labels: typeof tl, what: string): RawSplit => {
    if (images.shape.length !== 3 || images.shape[1] !== 28 || images.shape[2] !== 28) {
      throw new Error(`${what} images: expected shape [n, 28, 28] but found [${images.shape.join(', ')}]`);
    }
    if (labels.shape[0] !== images.shape[0]) throw new Error(`${what}: expected as many labels as images (${images.shape[0]}) but found ${labels.shape[0]}`);
    return { images: images.data, labels: labels.data, count: images.shape[0] };
  };
  return {
    id,
    title: TITLES[id],
    imageShape: [28, 28, 1],
    classNames: id === 'mnist' ? DIGITS : FASHION,
    train: split(ti, tl, 'training'),
    test: split(vi, vl, 'test'),
  };
}

/** CIFAR-10 from the official binary archive the user picked (`cifar-10-binary.tar.gz`). */
export async function loadCifarArchive(file: File, limit: { train: number; test: number }): Promise<DemoDataset> {
  const raw = await cifar10.loadRaw({ source: new Uint8Array(await file.arrayBuffer()), limit });
  return { id: 'cifar10', title: TITLES.cifar10, imageShape: [32, 32, 3], classNames: raw.classNames, train: raw.train, test: raw.test };
}

/** The pixels of examples `[start, start + count)` of a split, scaled to [0, 1], shaped `[count, h, w, c]`. */
export function imagesTensor(data: DemoDataset, split: RawSplit, start: number, count: number): Tensor {
  const [h, w, c] = data.imageShape;
  const size = h * w * c;
  const pixels = Float32Array.from(split.images.subarray(start * size, (start + count) * size));
  const t = tensor(pixels, [count, h, w, c]);
  const scaled = div(t, 255);
  t.dispose();
  return scaled;
}

/** One-hot labels of examples `[start, start + count)`, `[count, classes]`. */
export function labelsTensor(data: DemoDataset, split: RawSplit, start: number, count: number): Tensor {
  return toCategorical(split.labels.subarray(start, start + count), data.classNames.length);
}
