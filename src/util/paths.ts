// Files shipped with virtop (demo host, themes) are found relative to the
// package root, which is two levels up from both src/util and dist/util.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/**
 * Where the package's files are when they are not beside the code: a
 * one-file executable unpacks them (src/app/sea.ts) and says where, before
 * anything asks.
 */
export function setPackageRoot(dir: string): void {
  cached = dir;
}

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'demo'))) {
      cached = dir;
      return dir;
    }
    dir = dirname(dir);
  }
  throw new Error(`cannot locate the virtop package root from ${fileURLToPath(import.meta.url)}`);
}

/** URI of the embedded demo host: libvirt's test driver with demo/host.xml. */
export function demoUri(): string {
  return `test://${join(packageRoot(), 'demo', 'host.xml')}`;
}

/** virtop's state directory: $XDG_STATE_HOME/virtop when absolute, else ~/.local/state/virtop. */
export function stateDir(env: NodeJS.ProcessEnv, home: string): string {
  const state = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(home, '.local', 'state');
  return join(state, 'virtop');
}
