// Small readers over fast-xml-parser's output (attributes prefixed '@',
// text as '#text' when an element has attributes too), shared by the domain,
// pool and network XML parsers.

export type Node = Record<string, unknown>;

export function obj(v: unknown): Node | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : null;
}

export function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  const o = obj(v);
  if (o && typeof o['#text'] === 'string') return o['#text'];
  if (o && typeof o['#text'] === 'number') return String(o['#text']);
  return null;
}

export function attr(v: unknown, name: string): string | null {
  const o = obj(v);
  const a = o?.[`@${name}`];
  return typeof a === 'string' ? a : typeof a === 'number' ? String(a) : null;
}

/** An element that may appear once or many times, as an array. */
export function list(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}
