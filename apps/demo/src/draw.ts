/**
 * The drawing pad: the user draws a digit with the mouse, a finger or a pen, and the pad turns
 * it into a 28x28 image prepared as MNIST's were: the ink's bounding box scaled to fit 20x20
 * (antialiased), then placed in 28x28 with its center of mass at the center.
 */

const SIZE = 280;
const STROKE = 20;

export class DrawingPad {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private drawing = false;
  private last: { x: number; y: number } | null = null;
  private inked = false;

  /** `onChange` runs after each stroke segment and after clearing. */
  constructor(host: HTMLElement, private readonly onChange: () => void) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = this.canvas.height = SIZE;
    this.canvas.className = 'pad';
    this.canvas.dataset.testid = 'pad';
    host.append(this.canvas);
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    this.canvas.addEventListener('pointerdown', (e) => {
      this.canvas.setPointerCapture(e.pointerId);
      this.drawing = true;
      this.last = this.point(e);
      this.segment(this.last, this.last);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!this.drawing) return;
      const p = this.point(e);
      this.segment(this.last ?? p, p);
      this.last = p;
    });
    const end = () => {
      this.drawing = false;
      this.last = null;
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
  }

  get isEmpty(): boolean {
    return !this.inked;
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, SIZE, SIZE);
    this.inked = false;
    this.onChange();
  }

  /** The drawing as MNIST pixels in [0, 1], 28x28 row-major; all zeros when nothing is drawn. */
  toMnistPixels(): Float32Array {
    const out = new Float32Array(28 * 28);
    const box = this.inkBox();
    if (!box) return out;
    const scale = 20 / Math.max(box.w, box.h);
    const w = Math.max(1, Math.round(box.w * scale));
    const h = Math.max(1, Math.round(box.h * scale));
    const small = document.createElement('canvas');
    small.width = small.height = 28;
    const sctx = small.getContext('2d', { willReadFrequently: true })!;
    sctx.fillStyle = '#000';
    sctx.fillRect(0, 0, 28, 28);
    sctx.imageSmoothingEnabled = true;
    sctx.imageSmoothingQuality = 'high';
    sctx.drawImage(this.canvas, box.x, box.y, box.w, box.h, (28 - w) / 2, (28 - h) / 2, w, h);
    const rgba = sctx.getImageData(0, 0, 28, 28).data;
    const gray = new Float32Array(28 * 28);
    let mass = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < 28 * 28; i++) {
      const v = rgba[i * 4] / 255;
      gray[i] = v;
      mass += v;
      cx += v * (i % 28);
      cy += v * Math.floor(i / 28);
    }
    // Shift so the center of mass lands on the image center (13.5, 13.5), as MNIST did.
    const dx = Math.round(13.5 - cx / mass);
    const dy = Math.round(13.5 - cy / mass);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const sx = x - dx;
        const sy = y - dy;
        if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) out[y * 28 + x] = gray[sy * 28 + sx];
      }
    }
    return out;
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * SIZE) / r.width, y: ((e.clientY - r.top) * SIZE) / r.height };
  }

  private segment(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const ctx = this.ctx;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = STROKE;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x + 0.01, b.y);
    ctx.stroke();
    this.inked = true;
    this.onChange();
  }

  /** The bounding box of the ink, or null when the pad is empty. */
  private inkBox(): { x: number; y: number; w: number; h: number } | null {
    if (!this.inked) return null;
    const data = this.ctx.getImageData(0, 0, SIZE, SIZE).data;
    let x0 = SIZE;
    let y0 = SIZE;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        if (data[(y * SIZE + x) * 4] > 16) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
  }
}

/** Bars of class probabilities, the most likely class highlighted. */
export function showProbabilities(container: HTMLElement, probabilities: ArrayLike<number>, classNames: readonly string[]): number {
  let best = 0;
  for (let k = 1; k < probabilities.length; k++) if (probabilities[k] > probabilities[best]) best = k;
  container.replaceChildren(
    ...classNames.map((name, k) => {
      const row = document.createElement('div');
      row.className = `prob${k === best ? ' best' : ''}`;
      row.dataset.testid = `prob-${k}`;
      const p = probabilities[k];
      row.innerHTML = `<span class="name"></span><span class="bar"><span style="width:${(100 * p).toFixed(1)}%"></span></span><span class="value">${(100 * p).toFixed(1)}%</span>`;
      row.querySelector('.name')!.textContent = name;
      return row;
    }),
  );
  return best;
}
