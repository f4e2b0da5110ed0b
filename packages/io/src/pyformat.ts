import { ValueError } from '@tessera/tensor';

/**
 * Python's `str.format` for named fields, as Keras formats checkpoint paths:
 * `'weights.{epoch:02d}-{val_loss:.2f}.keras'` with `{epoch: 3, val_loss: 0.4321}`
 * gives `'weights.03-0.43.keras'`. Supports `[[fill]align][sign][0][width][,][.precision][type]`
 * with types `d`, `f`, `F`, `e`, `E`, `g`, `G`, `%`, `s`; `{{` and `}}` are braces.
 * @throws ValueError for a field missing from `values` or a bad spec.
 */
export function pyFormat(template: string, values: Record<string, number | string>): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '{' && template[i + 1] === '{') {
      out += '{';
      i++;
    } else if (c === '}' && template[i + 1] === '}') {
      out += '}';
      i++;
    } else if (c === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) throw new ValueError(`format: unclosed '{' in '${template}'`);
      const field = template.slice(i + 1, end);
      const colon = field.indexOf(':');
      const name = colon < 0 ? field : field.slice(0, colon);
      const spec = colon < 0 ? '' : field.slice(colon + 1);
      if (!(name in values)) throw new ValueError(`format: '${template}' names '${name}', which is not among ${Object.keys(values).join(', ')}`);
      out += formatValue(values[name], spec);
      i = end;
    } else out += c;
  }
  return out;
}

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?(,)?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

function formatValue(value: number | string, spec: string): string {
  const m = SPEC.exec(spec);
  if (!m) throw new ValueError(`format: bad format spec '${spec}'`);
  const [, fillChar, alignChar, sign, , zero, widthStr, comma, precStr, type] = m;
  const width = widthStr ? Number(widthStr) : 0;
  const precision = precStr !== undefined ? Number(precStr) : undefined;
  let body: string;
  let negative = false;
  if (typeof value === 'string' || type === 's') body = precision !== undefined ? String(value).slice(0, precision) : String(value);
  else {
    negative = value < 0 || Object.is(value, -0);
    const v = Math.abs(value);
    switch (type) {
      case 'd':
        body = String(Math.trunc(v));
        break;
      case 'f':
      case 'F':
        body = v.toFixed(precision ?? 6);
        break;
      case 'e':
      case 'E':
        body = expo(v, precision ?? 6);
        if (type === 'E') body = body.toUpperCase();
        break;
      case '%':
        body = `${(v * 100).toFixed(precision ?? 6)}%`;
        break;
      case 'g':
      case 'G':
      case undefined: {
        const p = precision === undefined ? (type ? 6 : undefined) : Math.max(precision, 1);
        body = p === undefined ? pyRepr(v) : general(v, p);
        if (type === 'G') body = body.toUpperCase();
        break;
      }
      default:
        throw new ValueError(`format: type '${type}' is not supported`);
    }
    if (!Number.isFinite(v)) body = Number.isNaN(v) ? 'nan' : 'inf';
    if (comma) {
      const [int, frac] = body.split('.');
      body = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac !== undefined ? `.${frac}` : '');
    }
  }
  const signStr = negative ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '';
  const fill = fillChar ?? (zero && !alignChar ? '0' : ' ');
  const align = alignChar ?? (zero ? '=' : typeof value === 'string' ? '<' : '>');
  const len = signStr.length + body.length;
  const pad = Math.max(0, width - len);
  if (align === '=') return signStr + fill.repeat(pad) + body;
  if (align === '<') return signStr + body + fill.repeat(pad);
  if (align === '^') return fill.repeat(Math.floor(pad / 2)) + signStr + body + fill.repeat(Math.ceil(pad / 2));
  return fill.repeat(pad) + signStr + body;
}

/** Python's `e` format: mantissa, `e`, a sign and at least two exponent digits. */
function expo(v: number, precision: number): string {
  const [mant, exp] = v.toExponential(precision).split('e');
  const n = Number(exp);
  return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

/** Python's `g` format. */
function general(v: number, p: number): string {
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(v));
  const rounded = Number(v.toPrecision(p));
  const e = rounded === 0 ? exp : Math.floor(Math.log10(rounded));
  if (e < -4 || e >= p) return expo(v, p - 1).replace(/\.?0+e/, 'e');
  const fixed = rounded.toFixed(Math.max(0, p - 1 - e));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** Python's `str()` of a number (JavaScript's shortest round-trip form is the same for floats). */
function pyRepr(v: number): string {
  return String(v);
}
