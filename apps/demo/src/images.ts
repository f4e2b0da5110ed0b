/** Pictures of arrays: images, filters and activation maps painted on canvases. */

/** Paints `values` (`h * w * channels`, row-major, channels last; 1 or 3 channels) scaled from [lo, hi]. */
export function paint(canvas: HTMLCanvasElement, values: ArrayLike<number>, h: number, w: number, channels: 1 | 3, lo = 0, hi = 255): void {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(w, h);
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  for (let p = 0; p < h * w; p++) {
    for (let c = 0; c < 3; c++) {
      const v = values[p * channels + (channels === 3 ? c : 0)];
      img.data[p * 4 + c] = Math.max(0, Math.min(255, (v - lo) * scale));
    }
    img.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** The smallest and largest of `values`. */
export function range(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  return [lo, hi];
}

/** A canvas that shows a small image enlarged with crisp pixels. */
export function pixelCanvas(title: string, size: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.className = 'pixels';
  canvas.style.width = canvas.style.height = `${size}px`;
  canvas.title = title;
  return canvas;
}

/** A labelled tile: the canvas with a caption under it. */
export function tile(canvas: HTMLCanvasElement, caption: string, testId?: string): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'tile';
  if (testId) figure.dataset.testid = testId;
  const cap = document.createElement('figcaption');
  cap.textContent = caption;
  figure.append(canvas, cap);
  return figure;
}
