import { add, gather, mul, reshape, sum, tensor, ValueError, type Tensor } from '@tessera/tensor';

/** How points outside the image are filled (Keras's `fill_mode`). */
export type FillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';
/** How a point between pixels is read (Keras's `interpolation`). */
export type Interpolation = 'nearest' | 'bilinear';

export const FILL_MODES: readonly FillMode[] = ['reflect', 'wrap', 'constant', 'nearest'];
export const INTERPOLATIONS: readonly Interpolation[] = ['nearest', 'bilinear'];

/**
 * A projective transform from output to input pixel coordinates, as Keras's
 * `affine_transform` takes it: `[a0, a1, a2, b0, b1, b2, c0, c1]` maps output
 * `(x, y)` to input `((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)` with
 * `k = c0 x + c1 y + 1`.
 */
export type Transform = readonly [number, number, number, number, number, number, number, number];

/** Checks a fill mode, naming the supported ones. */
export function checkFillMode(mode: string, layer: string): FillMode {
  if (!FILL_MODES.includes(mode as FillMode)) {
    throw new ValueError(`${layer}: unsupported fillMode '${mode}'; supported: ${FILL_MODES.map((m) => `'${m}'`).join(', ')}`);
  }
  return mode as FillMode;
}

/** Checks an interpolation, naming the supported ones. */
export function checkInterpolation(mode: string, layer: string): Interpolation {
  if (!INTERPOLATIONS.includes(mode as Interpolation)) {
    throw new ValueError(`${layer}: unsupported interpolation '${mode}'; supported: ${INTERPOLATIONS.map((m) => `'${m}'`).join(', ')}`);
  }
  return mode as Interpolation;
}

/** Maps an integer index into `[0, size)` by the fill mode, or -1 where `constant` fills. */
function fixIndex(i: number, size: number, mode: FillMode): number {
  if (i >= 0 && i < size) return i;
  switch (mode) {
    case 'constant':
      return -1;
    case 'nearest':
      return i < 0 ? 0 : size - 1;
    case 'wrap':
      return ((i % size) + size) % size;
    case 'reflect': {
      // d c b a | a b c d | d c b a: period 2n, mirrored about the outer pixel edges.
      const period = 2 * size;
      const m = ((i % period) + period) % period;
      return m < size ? m : period - 1 - m;
    }
  }
}

/**
 * Resamples NHWC images by one transform per image (to `outputSize`, default the input size) (computed in JS: only shapes are
 * read, never values). Each output pixel gathers its 1 (nearest) or 4 (bilinear)
 * source pixels from the flattened batch and mixes them; with `constant` fill the
 * weight of samples outside the image goes to `fillValue`. Built from gather, mul and
 * sum, so it runs on every backend and has a gradient with respect to the images.
 */
export function affineTransform(
  images: Tensor,
  transforms: readonly Transform[],
  interpolation: Interpolation,
  fillMode: FillMode,
  fillValue = 0,
  outputSize?: readonly [number, number],
): Tensor {
  const [n, h, w, c] = images.shape;
  const [oh, ow] = outputSize ?? [h, w];
  if (transforms.length !== n) throw new ValueError(`affineTransform: expected ${n} transforms but got ${transforms.length}`);
  const taps = interpolation === 'nearest' ? 1 : 4;
  const pixels = n * oh * ow;
  const index = new Int32Array(pixels * taps);
  const weight = new Float32Array(pixels * taps);
  const fill = new Float32Array(pixels);
  let filled = false;
  for (let b = 0; b < n; b++) {
    const [a0, a1, a2, b0, b1, b2, c0, c1] = transforms[b];
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const p = (b * oh + y) * ow + x;
        const k = c0 * x + c1 * y + 1;
        const sx = (a0 * x + a1 * y + a2) / k;
        const sy = (b0 * x + b1 * y + b2) / k;
        const put = (t: number, ix: number, iy: number, wt: number) => {
          const fx = fixIndex(ix, w, fillMode);
          const fy = fixIndex(iy, h, fillMode);
          if (fx < 0 || fy < 0) {
            fill[p] += wt;
            filled = true;
            return; // index 0, weight 0
          }
          index[p * taps + t] = (b * h + fy) * w + fx;
          weight[p * taps + t] = wt;
        };
        if (taps === 1) put(0, Math.round(sx), Math.round(sy), 1);
        else {
          const x0 = Math.floor(sx);
          const y0 = Math.floor(sy);
          const dx = sx - x0;
          const dy = sy - y0;
          put(0, x0, y0, (1 - dx) * (1 - dy));
          put(1, x0 + 1, y0, dx * (1 - dy));
          put(2, x0, y0 + 1, (1 - dx) * dy);
          put(3, x0 + 1, y0 + 1, dx * dy);
        }
      }
    }
  }
  const flat = reshape(images, [n * h * w, c]);
  const picked = gather(flat, tensor(index, [pixels * taps], 'int32'));
  let out = mul(reshape(picked, [pixels, taps, c]), tensor(weight, [pixels, taps, 1]));
  out = taps === 1 ? reshape(out, [pixels, c]) : sum(out, 1);
  if (filled && fillValue !== 0) out = add(out, mul(tensor(fill, [pixels, 1]), fillValue));
  return reshape(out, [n, oh, ow, c]);
}

/**
 * Rearranges the pixels of NHWC images: output pixel `p` (flat over batch, rows,
 * columns) takes source pixel `source[p]`. Exact (no arithmetic on values).
 */
export function permutePixels(images: Tensor, source: Int32Array): Tensor {
  const [n, h, w, c] = images.shape;
  const picked = gather(reshape(images, [n * h * w, c]), tensor(source, [source.length], 'int32'));
  return reshape(picked, [n, h, w, c]);
}
