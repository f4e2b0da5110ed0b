/**
 * A small terminal in a `<pre>`: `'\n'` ends a line and `'\r'` returns to the start of the
 * current one, which is how ProgbarLogger redraws its live bar (`dynamic: true`).
 */
export class Terminal {
  private lines: string[] = [''];

  constructor(private readonly el: HTMLElement) {}

  readonly write = (text: string): void => {
    for (const part of text.split(/(\r|\n)/)) {
      if (part === '\n') this.lines.push('');
      else if (part === '\r') this.lines[this.lines.length - 1] = '';
      else this.lines[this.lines.length - 1] += part;
    }
    this.render();
  };

  /** One line, as `console.log` would print the values. */
  readonly print = (...values: unknown[]): void => {
    const last = this.lines[this.lines.length - 1];
    this.write(`${last ? '\n' : ''}${values.map(show).join(' ')}\n`);
  };

  clear(): void {
    this.lines = [''];
    this.render();
  }

  text(): string {
    return this.lines.join('\n');
  }

  private render(): void {
    this.el.textContent = this.text();
    this.el.scrollTop = this.el.scrollHeight;
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return v.stack ?? `${v.name}: ${v.message}`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
