// The layers, checked: which folder of src/ may import which, written once
// here and drawn in docs/architecture.md. Data flows one way (binding →
// collector → model → views); actions go view → actions → the HostControl
// port (types/control.ts), which libvirt/ implements; app/ wires it all and
// cli/ only turns argv into Options. Static and dynamic imports both count,
// type-only ones too: a type import is still a dependency a reader follows.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Folder → the folders it may import (besides itself). */
export const ALLOWED: Record<string, readonly string[]> = {
  types: [],
  util: ['types'],
  libvirt: ['types', 'util'],
  procfs: ['types', 'util'],
  collector: ['libvirt', 'procfs', 'types', 'util'],
  demo: ['collector', 'libvirt', 'types', 'util'],
  model: ['types', 'util'],
  actions: ['model', 'types', 'util'],
  output: ['model', 'types', 'util'],
  export: ['model', 'types', 'util'],
  record: ['types', 'util'],
  config: ['model', 'util'],
  theme: ['types', 'util'],
  ui: ['actions', 'config', 'model', 'output', 'theme', 'types', 'util'],
  app: ['actions', 'collector', 'config', 'demo', 'export', 'libvirt', 'model', 'output', 'procfs', 'record', 'theme', 'types', 'ui', 'util'],
  cli: ['app', 'config', 'export', 'model', 'util'],
};

/** npm packages only some folders may load: blessed is the screen's (and loaded on demand), the addon libvirt's. */
const PACKAGES_ONLY_IN: Record<string, readonly string[]> = {
  blessed: ['app'],
  'blessed-contrib': ['app'],
  'prom-client': ['export'],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const folderOf = (file: string) => relative(SRC, file).split('/')[0];

/** Every module specifier a file imports: `from '…'`, `import('…')`, `import '…'`, `export … from '…'`. */
function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)'([^']+)'/g)].map((m) => m[1]);
}

const ALL = files(SRC);

describe('layers of src/', () => {
  it('every folder of src/ is in the table', () => {
    expect([...new Set(ALL.map(folderOf))].sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it('imports only point the allowed ways', () => {
    const bad: string[] = [];
    for (const f of ALL) {
      const from = folderOf(f);
      for (const spec of specifiers(readFileSync(f, 'utf8'))) {
        if (spec.startsWith('.')) {
          const to = folderOf(resolve(dirname(f), spec));
          if (to !== from && !ALLOWED[from].includes(to)) bad.push(`${relative(SRC, f)} imports ${to}/ (${spec})`);
        } else {
          const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
          const only = PACKAGES_ONLY_IN[pkg];
          if (only && !only.includes(from)) bad.push(`${relative(SRC, f)} loads ${pkg}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('no import cycles between files', () => {
    const graph = new Map<string, string[]>();
    for (const f of ALL) {
      graph.set(
        f,
        specifiers(readFileSync(f, 'utf8'))
          .filter((s) => s.startsWith('.'))
          .map((s) => resolve(dirname(f), s).replace(/\.js$/, '.ts')),
      );
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      path.push(f);
      for (const g of graph.get(f) ?? []) {
        if (state.get(g) === 'open') cycles.push([...path.slice(path.indexOf(g)), g].map((x) => relative(SRC, x)).join(' → '));
        else if (!state.has(g)) visit(g);
      }
      path.pop();
      state.set(f, 'done');
    };
    for (const f of ALL) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('only src/libvirt/addon.ts loads the native addon', () => {
    const loaders = ALL.filter((f) => /virtop_libvirt\.node|build\/Release/.test(readFileSync(f, 'utf8')));
    expect(loaders.map((f) => relative(SRC, f))).toEqual(['libvirt/addon.ts']);
  });
});
