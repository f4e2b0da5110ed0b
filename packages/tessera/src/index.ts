/**
 * Tessera: Keras-style deep learning for TypeScript.
 *
 * Importing this package registers the backends (the CPU backend, and WebGPU where a
 * hardware adapter exists: see {@link pickBackend}) and re-exports the tensor API, so one
 * import is enough:
 *
 * @example
 * ```ts
 * import * as layers from 'tessera-ml/layers';
 * import { tensor, matMul, pickBackend } from 'tessera-ml';
 * const { name, reason } = await pickBackend(); // 'cpu', 'this environment has no WebGPU ...'
 * const y = matMul(tensor([[1, 2]]), tensor([[3], [4]])); // [[11]]
 * const model = new layers.Sequential([new layers.Dense({ units: 1, inputShape: [2] })]);
 * ```
 */
export { pickBackend, type BackendChoice } from './backends.js';

export * from '@tessera/tensor';
export { CpuBackend } from '@tessera/cpu-backend';
/**
 * Keras's namespaces: `new layers.Dense({ units: 10 })`, `new optimizers.Adam()`, `losses.getLoss('mse')`.
 * Each is also a subpath (`import * as layers from 'tessera-ml/layers'`), the form to use in app
 * bundles: esbuild keeps the whole of a namespace re-exported here, even for one `Dense`.
 */
export * as layers from '@tessera/layers';
export * as optimizers from '@tessera/optimizers';
export * as losses from '@tessera/losses';
export * as datasets from '@tessera/datasets';
export * as io from '@tessera/io';
