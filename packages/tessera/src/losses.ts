/**
 * `tessera-ml/losses`: everything `@tessera/losses` exports, the same as the `losses` namespace of
 * `tessera-ml`. Import it as a namespace from this subpath in app bundles: esbuild keeps the
 * whole of a namespace re-exported as an object (`import { losses } from 'tessera-ml'`), whereas
 * `import * as losses` from a module drops what the app does not use. The subpath registers no
 * backend: import something from `tessera-ml` too, as the example does.
 *
 * @example
 * ```ts
 * import * as losses from 'tessera-ml/losses';
 * import { tensor } from 'tessera-ml';
 * const mse = losses.getLoss('mse');
 * mse.compute(tensor([[1, 2]]), tensor([[1, 3]])); // 0.5
 * ```
 *
 * @packageDocumentation
 */
export * from '@tessera/losses';
