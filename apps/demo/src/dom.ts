/** Typed look-ups of the page's elements; a missing one is a bug in index.html, said plainly. */

export function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo: expected an element #${id} in index.html`);
  return el;
}

export function testEl(testId: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  if (!el) throw new Error(`demo: expected an element [data-testid=${testId}] in index.html`);
  return el;
}

export const input = (id: string) => byId(id) as HTMLInputElement;
export const select = (id: string) => byId(id) as HTMLSelectElement;

/** The number in field `id`, checked to lie in [min, max] (and be whole when asked). */
export function numberField(id: string, what: string, min: number, max: number, integer: boolean): number {
  const text = input(id).value;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new Error(`${what}: expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} but found ${JSON.stringify(text)}`);
  }
  return v;
}
