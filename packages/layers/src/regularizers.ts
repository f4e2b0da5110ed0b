import { abs, add, mul, square, sum, ValueError, type Tensor } from '@tessera/tensor';

/** A weight penalty added to the loss. */
export interface Regularizer {
  readonly className: string;
  call(x: Tensor): Tensor;
  getConfig(): Record<string, unknown>;
}

class L1L2 implements Regularizer {
  constructor(
    readonly l1: number,
    readonly l2: number,
    readonly className: 'L1' | 'L2' | 'L1L2',
  ) {
    if (!(l1 >= 0 && l2 >= 0)) throw new ValueError(`${className}: expected non-negative factors but got l1=${l1}, l2=${l2}`);
  }
  call(x: Tensor): Tensor {
    const parts: Tensor[] = [];
    if (this.l1) parts.push(mul(sum(abs(x)), this.l1));
    if (this.l2) parts.push(mul(sum(square(x)), this.l2));
    return parts.length === 2 ? add(parts[0], parts[1]) : parts[0] ?? mul(sum(x), 0);
  }
  getConfig(): Record<string, unknown> {
    if (this.className === 'L1') return { l1: this.l1 };
    if (this.className === 'L2') return { l2: this.l2 };
    return { l1: this.l1, l2: this.l2 };
  }
}

/**
 * Keras's weight regularizers: `l1`, `l2` (default factor 0.01) and `l1l2` (default 0).
 * @example
 * ```ts
 * new Dense({ units: 64, kernelRegularizer: regularizers.l2(1e-4) });
 * ```
 */
export const regularizers = {
  l1: (l1 = 0.01): Regularizer => new L1L2(l1, 0, 'L1'),
  l2: (l2 = 0.01): Regularizer => new L1L2(0, l2, 'L2'),
  l1l2: (o: { l1?: number; l2?: number } = {}): Regularizer => new L1L2(o.l1 ?? 0, o.l2 ?? 0, 'L1L2'),
};

/** Anything `getRegularizer` resolves. */
export type RegularizerIdentifier = 'l1' | 'l2' | 'l1_l2' | Regularizer | { class_name: string; config?: Record<string, unknown> };

/**
 * Resolves a regularizer from an id, a serialized `{class_name, config}` or an instance.
 * @example
 * ```ts
 * getRegularizer({ class_name: 'L2', config: { l2: 0.001 } });
 * ```
 */
export function getRegularizer(id: RegularizerIdentifier | null | undefined): Regularizer | undefined {
  if (id === null || id === undefined) return undefined;
  if (typeof id === 'string') {
    if (id === 'l1') return regularizers.l1();
    if (id === 'l2') return regularizers.l2();
    if (id === 'l1_l2') return regularizers.l1l2({ l1: 0.01, l2: 0.01 });
    throw new ValueError(`Unknown regularizer '${id}'. Valid: l1, l2, l1_l2`);
  }
  if ('call' in id && typeof id.call === 'function') return id as Regularizer;
  const { class_name: cls, config = {} } = id as { class_name: string; config?: Record<string, unknown> };
  if (cls === 'L1') return regularizers.l1(config.l1 as number);
  if (cls === 'L2') return regularizers.l2(config.l2 as number);
  if (cls === 'L1L2') return regularizers.l1l2(config as { l1?: number; l2?: number });
  throw new ValueError(`Unknown regularizer class '${cls}'. Valid: L1, L2, L1L2`);
}

/**
 * Keras's serialized regularizer, `{class_name, config}`, or `null` for none (as configs write it).
 * @example
 * ```ts
 * serializeRegularizer(regularizers.l2(1e-4)); // { class_name: 'L2', config: { l2: 0.0001 } }
 * ```
 */
export function serializeRegularizer(r: Regularizer | undefined): { class_name: string; config: Record<string, unknown> } | null {
  return r ? { class_name: r.className, config: r.getConfig() } : null;
}
