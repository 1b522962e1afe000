// The UI reads the model and sends commands through interfaces: it never
// reaches for libvirt, /proc or the collector itself.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const UI = fileURLToPath(new URL('../../../src/ui', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('src/ui imports', () => {
  it('never import libvirt, procfs or the collector, and load blessed only on demand', () => {
    const bad: string[] = [];
    for (const f of files(UI)) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/from '([^']+)'/g)) {
        if (/\/(libvirt|procfs|collector)\//.test(m[1]) || m[1] === 'blessed' || m[1].startsWith('blessed-contrib')) bad.push(`${f}: ${m[1]}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
