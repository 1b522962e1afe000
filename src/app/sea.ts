// A one-file executable (Node's single executable application, built by
// scripts/sea.mjs) carries the package's files as assets: the addon, the
// demo host, the themes, package.json and the build facts. libvirt needs the
// demo host as a real file and dlopen() needs the addon as one, so they are
// unpacked once into a directory named after their content, and everything
// that looks for package files is pointed there.
//
// Where: $XDG_CACHE_HOME/virtop (or ~/.cache/virtop), the user's own. With
// neither HOME nor XDG_CACHE_HOME (env -i, a bare systemd unit), a private
// directory under the system temp dir, made for this run and removed at exit:
// a fixed name in a shared directory could be planted by another user.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { loadAddonFrom } from '../libvirt/addon.js';
import { setPackageRoot } from '../util/paths.js';

/** What scripts/sea.mjs stores as the asset "manifest.json": every other asset by its path in the package. */
export interface SeaManifest {
  files: string[];
  /** where the addon is among them */
  addon: string;
}

interface SeaApi {
  isSea(): boolean;
  getAsset(key: string): ArrayBuffer;
  getAsset(key: string, encoding: string): string;
}

/** node:sea, or null outside an executable (and on a Node without it). */
function seaApi(): SeaApi | null {
  try {
    const sea = createRequire(import.meta.url)('node:sea') as SeaApi;
    return sea.isSea() ? sea : null;
  } catch {
    return null;
  }
}

/** A manifest path that stays inside the unpack directory; throws on anything else (the blob is ours, but say so if it is not). */
function safeRelative(path: string): string {
  const n = normalize(path);
  if (isAbsolute(n) || n.startsWith('..') || n.includes('\0')) throw new Error(`virtop: bad asset path '${path}' in the executable`);
  return n;
}

function cacheBase(env: NodeJS.ProcessEnv): string | null {
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'virtop');
  if (env.HOME && isAbsolute(env.HOME)) return join(env.HOME, '.cache', 'virtop');
  return null;
}

/**
 * Inside a one-file executable: unpacks its files (once per content), points
 * the package root there and loads the addon from it. Returns the directory,
 * or null when not running as one.
 */
export function unpackSea(env: NodeJS.ProcessEnv = process.env): string | null {
  const sea = seaApi();
  if (!sea) return null;
  const manifestText = sea.getAsset('manifest.json', 'utf8');
  const manifest = JSON.parse(manifestText) as SeaManifest;
  const id = createHash('sha256').update(manifestText).update(sea.getAsset('content-hash', 'utf8')).digest('hex').slice(0, 16);
  const base = cacheBase(env);
  let dir: string;
  if (base) {
    dir = join(base, `files-${id}`);
    if (!existsSync(join(dir, '.complete'))) {
      mkdirSync(base, { recursive: true, mode: 0o700 });
      const staging = mkdtempSync(join(base, `.unpack-`));
      writeAll(sea, manifest, staging);
      writeFileSync(join(staging, '.complete'), '');
      try {
        renameSync(staging, dir);
      } catch {
        // another virtop unpacked the same files first: use theirs
        rmSync(staging, { recursive: true, force: true });
      }
    }
  } else {
    dir = mkdtempSync(join(tmpdir(), 'virtop-run-'));
    writeAll(sea, manifest, dir);
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  setPackageRoot(dir);
  loadAddonFrom(join(dir, safeRelative(manifest.addon)));
  return dir;
}

function writeAll(sea: SeaApi, manifest: SeaManifest, dir: string): void {
  for (const file of manifest.files) {
    const rel = safeRelative(file);
    mkdirSync(dirname(join(dir, rel)), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, rel), Buffer.from(sea.getAsset(file)), { mode: rel.endsWith('.node') ? 0o700 : 0o600 });
  }
}
