/**
 * Keras's `naming.to_snake_case`, which `.keras` files use for their weight paths
 * (`layers/<snake_case class name>[_k]/vars/<i>`): `Conv2D` -> `conv2d`,
 * `MaxPooling2D` -> `max_pooling2d`, `Conv2DTranspose` -> `conv2d_transpose`.
 */
export function kerasSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Unique names in order: repeated ones get `_1`, `_2`, ... as Keras counts per class. */
export class NameCounter {
  private readonly used = new Map<string, number>();

  next(base: string): string {
    const n = this.used.get(base);
    if (n === undefined) {
      this.used.set(base, 0);
      return base;
    }
    this.used.set(base, n + 1);
    return `${base}_${n + 1}`;
  }
}
