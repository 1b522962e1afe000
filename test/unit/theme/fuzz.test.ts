// Theme files are user input: generated garbage (broken JSON, wrong types,
// odd keys, deep nesting, extends loops) must come back as a typed error or a
// theme, never an exception.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTheme, ThemeError, type ThemeFs } from '../../../src/theme/load.js';

const THEMES = join(import.meta.dirname, '../../../themes');
const base = JSON.parse(readFileSync(join(THEMES, 'default.json'), 'utf8')) as Record<string, unknown>;

function memFs(files: Record<string, string>): ThemeFs {
  return {
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT: ${p}`);
      return files[p];
    },
    exists: (p) => p in files,
    list: () => Object.keys(files).map((p) => p.split('/').pop() as string),
  };
}

describe('theme loader on generated garbage', () => {
  it('returns a theme or a ThemeError naming the file for 1500 mutated inputs', () => {
    let seed = 1234;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const values: unknown[] = [null, 0, -1, 1e309, 'red', '#zzz', '#ffffff bold', 'black on yellow', '', [], {}, [1, 2], { a: 1 }, true, '\u001b[31m', 'x'.repeat(5000)];
    const keys = Object.keys(base);
    let themes = 0;
    let errors = 0;
    for (let i = 0; i < 1500; i++) {
      let text: string;
      const mode = i % 4;
      if (mode === 0) {
        // truncated JSON, as a crash mid-write leaves it
        const full = JSON.stringify(base);
        text = full.slice(0, Math.floor(rnd() * full.length));
      } else if (mode === 1) {
        const t: Record<string, unknown> = JSON.parse(JSON.stringify(base));
        const k = keys[Math.floor(rnd() * keys.length)];
        t[k] = values[Math.floor(rnd() * values.length)];
        if (rnd() < 0.3) t[`bogus.${i}`] = 'red';
        text = JSON.stringify(t);
      } else if (mode === 2) {
        text = JSON.stringify({ extends: rnd() < 0.5 ? 'fuzz' : '../../etc/passwd', styles: values[Math.floor(rnd() * values.length)] });
      } else {
        text = Array.from({ length: Math.floor(rnd() * 40) }, () => '{}[]",:\\ntrue#0'[Math.floor(rnd() * 15)]).join('');
      }
      const fs = memFs({ '/t/fuzz.json': text, [join(THEMES, 'default.json')]: JSON.stringify(base) });
      let r: ReturnType<typeof loadTheme>;
      try {
        r = loadTheme('/t/fuzz.json', { themesDir: THEMES, fs });
      } catch (e) {
        throw new Error(`loadTheme threw on input ${JSON.stringify(text).slice(0, 200)}: ${(e as Error).message}`);
      }
      if ('theme' in r) themes++;
      else {
        errors++;
        expect(r.error).toBeInstanceOf(ThemeError);
        expect(r.error.message).toContain('/t/fuzz.json');
      }
    }
    expect(errors).toBeGreaterThan(500);
  });
});
