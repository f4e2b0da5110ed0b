/**
 * `tessera-ml/optimizers`: everything `@tessera/optimizers` exports, the same as the `optimizers` namespace of
 * `tessera-ml`. Import it as a namespace from this subpath in app bundles: esbuild keeps the
 * whole of a namespace re-exported as an object (`import { optimizers } from 'tessera-ml'`), whereas
 * `import * as optimizers` from a module drops what the app does not use. The subpath registers no
 * backend: import something from `tessera-ml` too, as the example does.
 *
 * @example
 * ```ts
 * import * as optimizers from 'tessera-ml/optimizers';
 * import * as layers from 'tessera-ml/layers';
 * import 'tessera-ml';
 * const model = new layers.Sequential([new layers.Dense({ units: 1, inputShape: [2] })]);
 * model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.01 }), loss: 'mse' });
 * ```
 *
 * @packageDocumentation
 */
export * from '@tessera/optimizers';
