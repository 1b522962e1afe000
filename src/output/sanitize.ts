// Domain names, paths and libvirt messages come from outside and may carry
// terminal escape sequences. Anything printed to a terminal goes through
// here so a hostile name can't move the cursor or retitle the window.

// C0 controls, DEL and C1 controls (0x80-0x9f, which some terminals treat as ESC [ etc.).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function sanitizeForTerminal(s: string): string {
  return s.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
