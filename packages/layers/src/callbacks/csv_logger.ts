import { ValueError } from '@tessera/tensor';
import { Callback, type Logs } from './callback.js';

type Fs = typeof import('node:fs/promises');

/**
 * Node's `fs/promises`, fetched at run time with `process.getBuiltinModule` (Node 20.16+):
 * there is no import of a Node built-in for a browser bundler to resolve or polyfill.
 */
function nodeFs(): Fs | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:fs/promises') as Fs | undefined;
}

/**
 * Appends one row per epoch (`epoch,loss,accuracy,...`) to a CSV file (Node only).
 * @example
 * ```ts
 * new CSVLogger('training.log');
 * ```
 */
export class CSVLogger extends Callback {
  private keys: string[] | undefined;
  private fs: Fs | undefined;

  constructor(
    readonly filename: string,
    private readonly separator = ',',
    private readonly append = false,
  ) {
    super();
  }

  override async onTrainBegin(): Promise<void> {
    this.fs = nodeFs();
    if (!this.fs) throw new ValueError('CSVLogger writes files and needs Node (20.16 or later); use a LambdaCallback in browsers');
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
