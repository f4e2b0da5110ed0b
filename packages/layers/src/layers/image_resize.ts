// Keras 3's `ops.image.resize` as its JAX backend computes it (`jax.image.resize`), built
// from tensor ops so it runs and differentiates on every backend. Nearest, and bilinear
// without a widened (antialiasing) kernel, are TensorFlow 2's half-pixel resizes, which
// give JAX's numbers, so they use the resize kernels; the other methods multiply by JAX's
// separable weight matrices.
import { gather, matMul, pad, reshape, resizeBilinear, resizeNearestNeighbor, slice, tensor, transpose, type Tensor } from '@tessera/tensor';

/** The interpolations Keras 3 supports on JAX (`'bicubic'` is JAX's Keys cubic, a = -0.5). */
export const RESIZE_INTERPOLATIONS = ['bilinear', 'nearest', 'bicubic', 'lanczos3', 'lanczos5'] as const;
export type ResizeInterpolation = (typeof RESIZE_INTERPOLATIONS)[number];

type Kernel = (x: number) => number;

const f32 = Math.fround;

function lanczos(radius: number): Kernel {
  return (x) => {
    if (x > radius) return 0;
    if (!(x > 1e-3)) return 1;
    return (radius * Math.sin(Math.PI * x) * Math.sin((Math.PI * x) / radius)) / (Math.PI * Math.PI * x * x);
  };
}

const KERNELS: Record<Exclude<ResizeInterpolation, 'nearest'>, Kernel> = {
  bilinear: (x) => Math.max(0, 1 - Math.abs(x)),
  bicubic: (x) => (x >= 2 ? 0 : x >= 1 ? ((-0.5 * x + 2.5) * x - 4) * x + 2 : ((1.5 * x - 2.5) * x) * x + 1),
  lanczos3: /* @__PURE__ */ lanczos(3),
  lanczos5: /* @__PURE__ */ lanczos(5),
};

/**
 * JAX's `compute_weight_mat` (no translation, no edge padding), transposed: row `j` holds
 * the weights of the input samples that make output sample `j`.
 */
function weightMatrix(inSize: number, outSize: number, kernel: Kernel, antialias: boolean): Float32Array {
  const invScale = f32(1 / f32(outSize / inSize));
  const kernelScale = antialias ? Math.max(invScale, 1) : 1;
  const w = new Float32Array(outSize * inSize);
  const tiny = 1000 * 1.1920928955078125e-7;
  for (let j = 0; j < outSize; j++) {
    const sample = f32(f32(f32(j + 0.5) * invScale) - 0.5);
    const row = new Float64Array(inSize);
    let total = 0;
    for (let i = 0; i < inSize; i++) {
      row[i] = f32(kernel(f32(Math.abs(sample - i) / kernelScale)));
      total += row[i];
    }
    if (!(sample >= -0.5 && sample <= inSize - 0.5) || !(Math.abs(total) > tiny)) continue;
    for (let i = 0; i < inSize; i++) w[j * inSize + i] = row[i] / total;
  }
  return w;
}

/** Moves `axis` first, applies `m` ([out, in]) along it, and moves it back. */
function alongAxis(x: Tensor, axis: number, m: Tensor): Tensor {
  const perm = [axis, ...x.shape.map((_, i) => i).filter((i) => i !== axis)];
  const moved = transpose(x, perm);
  const flat = reshape(moved, [x.shape[axis], -1]);
  const out = reshape(matMul(m, flat), [m.shape[0], ...moved.shape.slice(1)]);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return transpose(out, inverse);
}

/** JAX's nearest resize along one axis: input index `floor((j + 0.5) * in / out)` in float32. */
function nearestIndices(inSize: number, outSize: number): Int32Array {
  const idx = new Int32Array(outSize);
  const ratio = f32(inSize / outSize);
  for (let j = 0; j < outSize; j++) idx[j] = Math.min(inSize - 1, Math.floor(f32(f32(j + 0.5) * ratio)));
  return idx;
}

/** Resizes the spatial axes `[hAxis, hAxis + 1]` (1: NHWC, 2: NCHW) of `x` to `[height, width]` as `jax.image.resize`. */
export function resizeImages(x: Tensor, hAxis: number, height: number, width: number, interpolation: ResizeInterpolation, antialias: boolean): Tensor {
  // Antialiasing widens the kernel only when an axis shrinks.
  const widened = antialias && (x.shape[hAxis] > height || x.shape[hAxis + 1] > width);
  if (interpolation === 'nearest' || (interpolation === 'bilinear' && !widened)) {
    const nhwc = hAxis === 1 ? x : transpose(x, [0, 2, 3, 1]);
    const resize = interpolation === 'nearest' ? resizeNearestNeighbor : resizeBilinear;
    const out = resize(nhwc, [height, width], { halfPixelCenters: true });
    return hAxis === 1 ? out : transpose(out, [0, 3, 1, 2]);
  }
  return resizeSeparable(x, hAxis, height, width, interpolation, antialias);
}

/** The general path: gathers (nearest) or JAX's weight matrices, one spatial axis at a time. */
export function resizeSeparable(x: Tensor, hAxis: number, height: number, width: number, interpolation: ResizeInterpolation, antialias: boolean): Tensor {
  let y = x;
  const targets: [number, number][] = [
    [hAxis, height],
    [hAxis + 1, width],
  ];
  for (const [axis, size] of targets) {
    const inSize = y.shape[axis];
    if (inSize === size) continue;
    if (interpolation === 'nearest') {
      y = gather(y, tensor(nearestIndices(inSize, size), [size], 'int32'), axis);
    } else {
      y = alongAxis(y, axis, tensor(weightMatrix(inSize, size, KERNELS[interpolation], antialias), [size, inSize]));
    }
  }
  return y;
}

/** Keras's crop box for `crop_to_aspect_ratio` and `smart_resize`: the largest centered window of the target's aspect ratio. */
export function aspectCrop(x: Tensor, hAxis: number, height: number, width: number): Tensor {
  const h = x.shape[hAxis];
  const w = x.shape[hAxis + 1];
  const cropH = Math.max(Math.min(h, Math.trunc((w * height) / width)), 1);
  const cropW = Math.max(Math.min(w, Math.trunc((h * width) / height)), 1);
  if (cropH === h && cropW === w) return x;
  const begin = x.shape.map(() => 0);
  const size = [...x.shape];
  begin[hAxis] = Math.trunc((h - cropH) / 2);
  begin[hAxis + 1] = Math.trunc((w - cropW) / 2);
  size[hAxis] = cropH;
  size[hAxis + 1] = cropW;
  return slice(x, begin, size);
}

/**
 * Keras's `pad_to_aspect_ratio` on JAX: `fillValue` bands of equal size on both sides of
 * the short direction (the height first), so the image has about the target's aspect ratio.
 */
export function aspectPad(x: Tensor, hAxis: number, height: number, width: number, fillValue: number): Tensor {
  const h = x.shape[hAxis];
  const w = x.shape[hAxis + 1];
  const padH = Math.max(h, Math.trunc((w * height) / width));
  const padW = Math.max(w, Math.trunc((h * width) / height));
  const top = Math.trunc((padH - h) / 2);
  const left = Math.trunc((padW - w) / 2);
  const paddings = x.shape.map(() => [0, 0] as [number, number]);
  if (top > 0) paddings[hAxis] = [top, top];
  else if (left > 0) paddings[hAxis + 1] = [left, left];
  else return x;
  return pad(x, paddings, fillValue);
}
