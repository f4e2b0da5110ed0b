/**
 * A live learning curve drawn with uPlot: the training value per batch (Keras's running mean
 * over the epoch) and the validation value per epoch, against epochs.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export class CurveChart {
  private x: number[] = [];
  private train: Array<number | null> = [];
  private val: Array<number | null> = [];
  private readonly plot: uPlot;
  private pending = false;

  constructor(el: HTMLElement, label: string) {
    const axis = { stroke: '#555', grid: { stroke: '#e4e4e7', width: 1 }, ticks: { stroke: '#e4e4e7', width: 1 } };
    this.plot = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height: 200,
        scales: { x: { time: false } },
        legend: { live: false },
        axes: [
          { ...axis, label: 'epoch', labelSize: 20, size: 36 },
          { ...axis, label, labelSize: 20 },
        ],
        series: [
          { label: 'epoch' },
          { label, stroke: '#3e63dd', width: 2, spanGaps: true, points: { show: false } },
          { label: `val_${label}`, stroke: '#e5484d', width: 2, dash: [6, 4], spanGaps: true, points: { show: true, size: 6 } },
        ],
      },
      [[], [], []],
      el,
    );
    new ResizeObserver(() => this.plot.setSize({ width: Math.max(300, el.clientWidth), height: 200 })).observe(el);
  }

  reset(): void {
    this.x = [];
    this.train = [];
    this.val = [];
    this.redraw();
  }

  /** The training value after `position` epochs' worth of batches (fractional). */
  addTrain(position: number, value: number): void {
    this.x.push(position);
    this.train.push(Number.isFinite(value) ? value : null);
    this.val.push(null);
    this.scheduleRedraw();
  }

  /** The validation value at the end of an epoch, `position` epochs' worth of batches in. */
  addVal(position: number, value: number): void {
    this.x.push(position);
    this.train.push(null);
    this.val.push(Number.isFinite(value) ? value : null);
    this.scheduleRedraw();
  }

  /** At most one redraw per frame, however fast batches arrive. */
  private scheduleRedraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.redraw();
    });
  }

  private redraw(): void {
    this.plot.setData([this.x, this.train, this.val]);
  }
}
