export { ScaleError, type ScaleErrorCode } from './errors.js';
export { makeJobBundle, readBundle, BUNDLE_REQUIREMENTS, type BundleOptions, type JobBundle, type JobDescription } from './bundle.js';
export { isUrl, type DataSpec, type DataRef, type DataCommon, type IdxData, type Cifar10Data, type NpyData, type NpySplit } from './data.js';
export { kerasCallback, type KerasCallbackSpec, type KerasCallbackClass } from './callbacks.js';
export { submitToRay, zipBundle, type SubmitOptions } from './ray.js';
export { runLocally, type LocalOptions } from './local.js';
export { splitResults, type KerasHistory, type TrainResult } from './results.js';
export { encodeNpy, writeNpy, type NpyTypedArray } from './npy.js';
export { TRAIN_PY } from './train_py.js';
