import { BackendError } from '@tessera/tensor';

/**
 * The most axes a shader indexes: shapes and strides travel in uniforms as
 * `array<vec4<T>, 2>`. Kernels merge adjacent axes first (see `collapse.ts`), so
 * tensors of higher rank still run unless more than 8 axes stay distinct.
 */
export const MAX_RANK = 8;

/** Scalar uniform fields, and `MAX_RANK`-long arrays (`vec` = 8 entries packed as two vec4s). */
export type UniformType = 'u32' | 'i32' | 'f32' | 'uvec' | 'ivec';

/** One uniform field: a name and its type. */
export type UniformField = readonly [name: string, type: UniformType];

/** The values of a layout's fields, by name: a number, or up to {@link MAX_RANK} numbers for a vec. */
export type UniformValues = Record<string, number | readonly number[]>;

const WGSL_TYPE: Record<UniformType, string> = {
  u32: 'u32',
  i32: 'i32',
  f32: 'f32',
  uvec: `array<vec4<u32>, ${MAX_RANK / 4}>`,
  ivec: `array<vec4<i32>, ${MAX_RANK / 4}>`,
};

/**
 * The layout of one shader's uniform struct `U`: the WGSL declaration and the packing
 * of values into bytes. Arrays come first (16-byte aligned), scalars after, and the
 * size is rounded up to 16 bytes, so WGSL's layout rules and ours agree.
 *
 * @example
 * ```ts
 * const layout = new UniformLayout([['shape', 'uvec'], ['size', 'u32']]);
 * layout.struct;                    // 'struct U { shape: array<vec4<u32>, 2>, size: u32, }'
 * layout.pack({ shape: [2, 3], size: 6 }); // 48 bytes
 * ```
 */
export class UniformLayout {
  /** The WGSL declaration of `struct U`. */
  readonly struct: string;
  /** Bytes of one packed struct (a multiple of 16). */
  readonly byteSize: number;
  private readonly offsets: ReadonlyArray<{ name: string; type: UniformType; offset: number }>;

  constructor(fields: readonly UniformField[]) {
    const arrays = fields.filter(([, t]) => t === 'uvec' || t === 'ivec');
    const scalars = fields.filter(([, t]) => t !== 'uvec' && t !== 'ivec');
    let offset = 0;
    const offsets: Array<{ name: string; type: UniformType; offset: number }> = [];
    for (const [name, type] of [...arrays, ...scalars]) {
      offsets.push({ name, type, offset });
      offset += type === 'uvec' || type === 'ivec' ? MAX_RANK * 4 : 4;
    }
    this.offsets = offsets;
    this.byteSize = Math.max(16, Math.ceil(offset / 16) * 16);
    const body = offsets.map(({ name, type }) => `  ${name}: ${WGSL_TYPE[type]},`).join('\n');
    // A struct needs at least one member; a layout without fields gets a placeholder.
    this.struct = `struct U {\n${body || '  unused: u32,'}\n}`;
  }

  /** Packs values (every field must be given) into a new buffer of {@link byteSize} bytes. */
  pack(values: UniformValues): ArrayBuffer {
    const bytes = new ArrayBuffer(this.byteSize);
    const view = new DataView(bytes);
    for (const { name, type, offset } of this.offsets) {
      const v = values[name];
      if (v === undefined) throw new BackendError(`webgpu: uniform '${name}' has no value`);
      if (type === 'uvec' || type === 'ivec') {
        const list = typeof v === 'number' ? [v] : v;
        if (list.length > MAX_RANK) {
          throw new BackendError(`webgpu: uniform '${name}' holds ${list.length} values but shaders take at most ${MAX_RANK} axes`);
        }
        list.forEach((x, i) => (type === 'uvec' ? view.setUint32(offset + 4 * i, x, true) : view.setInt32(offset + 4 * i, x, true)));
      } else {
        const x = typeof v === 'number' ? v : v[0];
        if (type === 'f32') view.setFloat32(offset, x, true);
        else if (type === 'i32') view.setInt32(offset, x, true);
        else view.setUint32(offset, x, true);
      }
    }
    return bytes;
  }
}

/** WGSL text that reads entry `i` (a constant) of a vec field: `u.shape[0][2]`. */
export function at(field: string, i: number): string {
  return `u.${field}[${i >> 2}][${i & 3}]`;
}
