import { DOMParser, type Element } from '@xmldom/xmldom';

/** Parses an SVG document strictly: any XML error or warning fails the test. */
export function parseSvg(svg: string): Element {
  const doc = new DOMParser({
    onError: (level, message) => {
      throw new Error(`SVG is not well-formed (${level}): ${message}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement;
  if (!root || root.tagName !== 'svg') throw new Error(`expected an <svg> root but got <${root?.tagName}>`);
  return root;
}

/** Descendants with a tag name, as an array. */
export function byTag(root: Element, tag: string): Element[] {
  return Array.from(root.getElementsByTagName(tag));
}

/** Descendants whose class attribute contains `cls`. */
export function byClass(root: Element, cls: string): Element[] {
  return byTag(root, '*').filter((e) => (e.getAttribute('class') ?? '').split(/\s+/).includes(cls));
}

/** The text of every <text> element under `root`. */
export function texts(root: Element): string[] {
  return byTag(root, 'text').map((t) => t.textContent ?? '');
}
