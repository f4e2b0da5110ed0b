/**
 * `tessera-ml/layers`: everything `@tessera/layers` exports, the same as the `layers` namespace of
 * `tessera-ml`. Import it as a namespace from this subpath in app bundles: esbuild keeps the
 * whole of a namespace re-exported as an object (`import { layers } from 'tessera-ml'`), whereas
 * `import * as layers` from a module drops what the app does not use. The subpath registers no
 * backend: import something from `tessera-ml` too, as the example does.
 *
 * @example
 * ```ts
 * import * as layers from 'tessera-ml/layers';
 * import { tensor } from 'tessera-ml';
 * const model = new layers.Sequential([new layers.Dense({ units: 1, inputShape: [2] })]);
 * model.compile({ optimizer: 'adam', loss: 'mse' });
 * await model.fit(tensor([[1, 2]]), tensor([[3]]), { epochs: 1, verbose: 0 });
 * ```
 *
 * @packageDocumentation
 */
export * from '@tessera/layers';
