import { ValueError } from '@tessera/tensor';
import { Callback, type Logs } from './callback.js';

/**
 * Appends one row per epoch (`epoch,loss,accuracy,...`) to a CSV file (Node only).
 * @example
 * ```ts
 * new CSVLogger('training.log');
 * ```
 */
export class CSVLogger extends Callback {
  private keys: string[] | undefined;
  private fs: typeof import('node:fs/promises') | undefined;

  constructor(
    readonly filename: string,
    private readonly separator = ',',
    private readonly append = false,
  ) {
    super();
  }

  override async onTrainBegin(): Promise<void> {
    const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
    if (!proc?.versions?.node) throw new ValueError('CSVLogger writes files and needs Node; use a LambdaCallback in browsers');
    this.fs = await import('node:fs/promises');
    this.keys = undefined;
    if (this.append) {
      const existing = await this.fs.readFile(this.filename, 'utf8').catch(() => '');
      const header = existing.split('\n')[0];
      if (header) this.keys = header.split(this.separator).slice(1);
    } else {
      await this.fs.writeFile(this.filename, '');
    }
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    let text = '';
    if (!this.keys) {
      this.keys = Object.keys(logs).sort();
      text += ['epoch', ...this.keys].join(this.separator) + '\n';
    }
    text += [String(epoch), ...this.keys.map((k) => (k in logs ? String(logs[k]) : 'NA'))].join(this.separator) + '\n';
    await this.fs!.appendFile(this.filename, text);
  }
}
