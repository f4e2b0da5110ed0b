/**
 * `tessera-ml/io`: everything `@tessera/io` exports, the same as the `io` namespace of
 * `tessera-ml`. Import it as a namespace from this subpath in app bundles: esbuild keeps the
 * whole of a namespace re-exported as an object (`import { io } from 'tessera-ml'`), whereas
 * `import * as io` from a module drops what the app does not use. The subpath registers no
 * backend: import something from `tessera-ml` too, as the example does.
 *
 * @example
 * ```ts
 * import * as io from 'tessera-ml/io';
 * import * as layers from 'tessera-ml/layers';
 * import 'tessera-ml';
 * const model = new layers.Sequential([new layers.Dense({ units: 1, inputShape: [2] })]);
 * const bytes = await io.saveModel(model, null); // a .keras file's bytes
 * const again = await io.loadModel(bytes);
 * ```
 *
 * @packageDocumentation
 */
export * from '@tessera/io';
