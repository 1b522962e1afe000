// virt-top's init file (~/.virt-toprc): one "key value" per line, blank
// lines and lines starting with # ignored, the key up to the first space.
// Pure: the caller reads the file.

export interface RcEntry {
  line: number;
  key: string;
  value: string;
}

export function parseVirtTopRc(text: string): RcEntry[] {
  const out: RcEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (/^\s*(#|$)/.test(line)) return;
    const sp = line.indexOf(' ');
    const key = (sp < 0 ? line : line.slice(0, sp)).trim();
    const value = sp < 0 ? '' : line.slice(sp + 1).trim();
    out.push({ line: i + 1, key, value });
  });
  return out;
}
