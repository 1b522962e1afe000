// Domain names, paths and libvirt messages come from outside and may carry
// terminal escape sequences. Anything printed to a terminal goes through
// here so a hostile name can't move the cursor or retitle the window.
// Bidirectional overrides and invisible characters are shown as escapes too:
// a terminal that does bidi would reorder the rest of the row around an
// override, and a zero-width space makes "web-01" and "web​-01" look alike.

// C0 controls, DEL and C1 controls (0x80-0x9f, which some terminals treat as ESC [ etc.).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

// Bidi marks, embeddings, overrides and isolates (U+061C, U+200E-F,
// U+202A-E, U+2066-9); soft hyphen, zero-width and other invisible format
// characters (U+00AD, U+180E, U+200B-D, U+2060-F, U+FEFF, U+FFF9-B).
// eslint-disable-next-line no-misleading-character-class
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

export function sanitizeForTerminal(s: string): string {
  return s
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
