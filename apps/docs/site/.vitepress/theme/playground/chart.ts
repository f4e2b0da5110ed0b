/** The live loss curve: training loss per batch and validation loss per epoch, drawn with uPlot. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export class LossChart {
  private x: number[] = [];
  private loss: Array<number | null> = [];
  private valLoss: Array<number | null> = [];
  private readonly plot: uPlot;

  constructor(private readonly el: HTMLElement) {
    const css = getComputedStyle(el);
    const text = css.getPropertyValue('--vp-c-text-2').trim() || '#666';
    const grid = css.getPropertyValue('--vp-c-divider').trim() || '#ddd';
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    this.plot = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: 220,
        scales: { x: { time: false } },
        legend: { live: false },
        axes: [
          { ...axis, label: 'epoch', labelSize: 20, size: 36 },
          { ...axis, label: 'loss', labelSize: 20 },
        ],
        series: [
          { label: 'epoch' },
          { label: 'loss (running mean of the epoch)', stroke: '#3e63dd', width: 2, spanGaps: true, points: { show: false } },
          { label: 'val_loss', stroke: '#e5484d', width: 2, dash: [6, 4], spanGaps: true, points: { show: true, size: 6 } },
        ],
      },
      [[], [], []],
      el,
    );
  }

  reset(): void {
    this.x = [];
    this.loss = [];
    this.valLoss = [];
    this.redraw();
  }

  /** Training loss at `x` epochs (fractional within an epoch). */
  addLoss(x: number, loss: number): void {
    this.x.push(x);
    this.loss.push(Number.isFinite(loss) ? loss : null);
    this.valLoss.push(null);
  }

  /** Validation loss at the end of epoch `x` (1-based). */
  addValLoss(x: number, valLoss: number): void {
    const i = this.x.lastIndexOf(x);
    if (i >= 0) this.valLoss[i] = valLoss;
    else {
      this.x.push(x);
      this.loss.push(null);
      this.valLoss.push(valLoss);
    }
  }

  /** Number of points drawn (for tests and the status line). */
  get points(): number {
    return this.x.length;
  }

  redraw(): void {
    this.plot.setData([this.x, this.loss, this.valLoss]);
  }

  resize(): void {
    this.plot.setSize({ width: Math.max(280, this.el.clientWidth), height: 220 });
  }

  destroy(): void {
    this.plot.destroy();
  }
}
