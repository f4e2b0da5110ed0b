/** Tiny flag parsing shared by the tutorials: `--epochs 10 --plot out.svg --limit 10000`. */
export function flag(name: string, fallback: number): number;
export function flag(name: string, fallback: string): string;
export function flag(name: string, fallback: number | string): number | string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) return fallback;
  const raw = process.argv[i + 1];
  if (typeof fallback === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new Error(`--${name} expects a number but got '${raw}'`);
    return n;
  }
  return raw;
}
