import { DatasetError } from './errors.js';

/** Image side: CIFAR-10 images are 32x32. */
export const SIDE = 32;
/** Colour channels (red, green, blue). */
export const CHANNELS = 3;
/** Bytes of one colour plane: 32x32, row-major. */
export const PLANE = SIDE * SIDE;
/** Bytes of one image: 3072. */
export const IMAGE_BYTES = PLANE * CHANNELS;
/** Bytes of one record: the label byte, then the red, green and blue planes. */
export const RECORD_BYTES = 1 + IMAGE_BYTES;
/** Records in each official batch file. */
export const RECORDS_PER_BATCH = 10000;
/** Bytes of each official batch file: 30,730,000. */
export const BATCH_BYTES = RECORDS_PER_BATCH * RECORD_BYTES;
/** Labels are 0..9. */
export const NUM_CLASSES = 10;

/** The folder the official archive holds its files in. */
export const FOLDER = 'cifar-10-batches-bin';
/** The training batches, in the order Keras concatenates them. */
export const TRAIN_FILES: readonly string[] = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
/** The test batch. */
export const TEST_FILE = 'test_batch.bin';
/** The class names, one per line (optional: the standard list is used without it). */
export const META_FILE = 'batches.meta.txt';

/**
 * The number of records in a batch file, after checking that it holds whole 3073-byte
 * records and at most 10,000 of them. The official files hold 10,000 records (30,730,000
 * bytes); a file with fewer whole records is accepted (a subset, a test fixture). A file
 * cut inside a record, or one with more than 10,000 records or bytes past them, is an
 * error naming the file and the byte offset where the trouble starts: loading it would
 * change the number of examples silently.
 *
 * @param bytes - the batch file's bytes.
 * @param location - its path, URL or archive member, for error messages.
 * @throws {@link DatasetError} for an empty file, a partial record, or more than 10,000 records.
 * @example
 * ```ts
 * countRecords(await readFile('data_batch_1.bin'), 'data_batch_1.bin'); // 10000
 * ```
 */
export function countRecords(bytes: Uint8Array, location: string): number {
  const n = bytes.length;
  if (n === 0) {
    throw new DatasetError(`${location}: expected ${RECORD_BYTES}-byte records (1 label byte + ${IMAGE_BYTES} pixel bytes) but the file is empty (0 bytes)`);
  }
  const whole = Math.floor(n / RECORD_BYTES);
  const over = n % RECORD_BYTES;
  if (n > BATCH_BYTES) {
    if (over === 0) {
      throw new DatasetError(
        `${location}: expected at most ${RECORDS_PER_BATCH} records (${BATCH_BYTES} bytes) but found ${whole} records (${n} bytes); ` +
          `the extra data starts at byte offset ${BATCH_BYTES}: it is not one CIFAR-10 binary batch`,
      );
    }
    throw new DatasetError(
      `${location}: expected a whole number of ${RECORD_BYTES}-byte records (1 label byte + ${IMAGE_BYTES} pixel bytes) but found ${n} bytes: ` +
        `${whole} whole records and ${over} bytes over, from byte offset ${whole * RECORD_BYTES}; it is not a CIFAR-10 binary batch`,
    );
  }
  if (over === 0) return whole;
  throw new DatasetError(
    `${location}: expected ${BATCH_BYTES} bytes (${RECORDS_PER_BATCH} records of ${RECORD_BYTES} bytes) but found ${n} bytes: ` +
      `${whole} whole records and ${over} bytes over; the file is truncated: record ${whole} starts at byte offset ${whole * RECORD_BYTES} ` +
      `and holds ${over} of its ${RECORD_BYTES} bytes (a batch with fewer records is accepted only when its size is a multiple of ${RECORD_BYTES})`,
  );
}

/**
 * Checks that the batch files of one source agree: when one of them is a full official batch
 * (10,000 records), all must be. A batch that is short by whole records beside full ones was
 * cut at a record boundary (records dropped silently otherwise); all-short batches are a
 * subset (a fixture, a sample) and are accepted.
 *
 * @param batches - each file read, with its record count.
 * @throws {@link DatasetError} naming the odd file, its record count and the byte offset where it ends.
 * @example
 * ```ts
 * checkBatchSizes([{ location: 'data_batch_1.bin', records: 10000 }, { location: 'data_batch_2.bin', records: 9999 }]);
 * // DatasetError: data_batch_2.bin: expected 10000 records (30730000 bytes), as data_batch_1.bin holds, but found 9999 ...
 * ```
 */
export function checkBatchSizes(batches: readonly { location: string; records: number }[]): void {
  const full = batches.find((b) => b.records === RECORDS_PER_BATCH);
  if (!full) return;
  for (const b of batches) {
    if (b.records !== RECORDS_PER_BATCH) {
      throw new DatasetError(
        `${b.location}: expected ${RECORDS_PER_BATCH} records (${BATCH_BYTES} bytes), as ${full.location} holds, but found ${b.records} ` +
          `(${b.records * RECORD_BYTES} bytes): the file ends at byte offset ${b.records * RECORD_BYTES}, ${RECORDS_PER_BATCH - b.records} records short; ` +
          'it was cut or replaced',
      );
    }
  }
}

/**
 * Decodes the first `count` records of a batch: labels are checked (0..9) and copied into
 * `labels[at ..]`, and each image is transposed from the file's channel-planar order
 * (1024 red, 1024 green, 1024 blue bytes, each row-major 32x32) to channels-last
 * `[32, 32, 3]` into `images[at * 3072 ..]`. Writing into a Float32Array directly spares
 * the training set's 154 MB intermediate copy.
 *
 * @param bytes - the batch file's bytes (whole records; see {@link countRecords}).
 * @param location - its path, URL or archive member, for error messages.
 * @param count - how many records to decode, from the first.
 * @param images - where the pixels go (HWC), `Uint8Array` or `Float32Array`.
 * @param labels - where the labels go.
 * @param at - the index of the first record in `images` and `labels`.
 * @throws {@link DatasetError} naming the record whose label is above 9.
 * @example
 * ```ts
 * const images = new Uint8Array(10000 * 3072), labels = new Uint8Array(10000);
 * decodeRecords(batch, 'test_batch.bin', 10000, images, labels, 0);
 * ```
 */
export function decodeRecords(
  bytes: Uint8Array,
  location: string,
  count: number,
  images: Uint8Array | Float32Array,
  labels: Uint8Array | Int32Array,
  at: number,
): void {
  for (let i = 0; i < count; i++) {
    const record = i * RECORD_BYTES;
    const label = bytes[record];
    if (label >= NUM_CLASSES) {
      throw new DatasetError(`${location}: expected labels 0..${NUM_CLASSES - 1} but record ${i} (byte ${record}) has label ${label}`);
    }
    labels[at + i] = label;
    const out = (at + i) * IMAGE_BYTES;
    for (let c = 0; c < CHANNELS; c++) {
      const plane = record + 1 + c * PLANE;
      for (let p = 0; p < PLANE; p++) images[out + p * CHANNELS + c] = bytes[plane + p];
    }
  }
}

/**
 * The class names of `batches.meta.txt`: one per line, by label; blank lines (the official
 * file ends with some) are left out.
 *
 * @param bytes - the file's bytes (UTF-8 text).
 * @param location - its path, URL or archive member, for error messages.
 * @throws {@link DatasetError} unless there are exactly 10 names.
 * @example
 * ```ts
 * parseClassNames(new TextEncoder().encode('airplane\nautomobile\n…\ntruck\n\n'), 'batches.meta.txt');
 * ```
 */
export function parseClassNames(bytes: Uint8Array, location: string): string[] {
  const names = new TextDecoder()
    .decode(bytes)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (names.length !== NUM_CLASSES) {
    const shown = names.length > 12 ? `${JSON.stringify(names.slice(0, 12)).slice(0, -1)}, …]` : JSON.stringify(names);
    throw new DatasetError(`${location}: expected ${NUM_CLASSES} class names, one per line, but found ${names.length}: ${shown}`);
  }
  return names;
}
