// virtop --version: what this virtop is and what it runs on, for bug reports
// and for admins checking what a package put on a host: virtop's version and
// the git revision it was built from, the libvirt library loaded at run
// time, whether the addon was prebuilt or built on this machine, and Node.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addonOrigin, addonPath, loadAddon } from '../libvirt/addon.js';
import { packageRoot } from '../util/paths.js';

/** What the build wrote beside the code (scripts/bundle.mjs): the revision and when. */
export interface BuildInfo {
  revision: string | null;
  builtAt: string | null;
}

let version: string | null = null;

/** package.json's version ("unknown" if it cannot be read). */
export function virtopVersion(): string {
  if (version === null) {
    try {
      version = String((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown');
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

export function buildInfo(): BuildInfo {
  try {
    const raw = JSON.parse(readFileSync(join(packageRoot(), 'dist', 'build-info.json'), 'utf8')) as Record<string, unknown>;
    return {
      revision: typeof raw.revision === 'string' ? raw.revision : null,
      builtAt: typeof raw.builtAt === 'string' ? raw.builtAt : null,
    };
  } catch {
    return { revision: null, builtAt: null };
  }
}

/** 9000000 → "9.0.0" */
export function libvirtVersionText(v: number): string {
  return `${Math.floor(v / 1e6)}.${Math.floor((v % 1e6) / 1e3)}.${v % 1e3}`;
}

export function versionReport(): string {
  const b = buildInfo();
  const made = [b.revision ? `git ${b.revision}` : 'git revision unknown', ...(b.builtAt ? [`built ${b.builtAt}`] : [])].join(', ');
  const lines = [`virtop ${virtopVersion()} (${made})`];
  try {
    const path = addonPath();
    const addon = loadAddon();
    lines.push(`libvirt ${libvirtVersionText(addon.libvirtVersion())} (the library loaded at run time)`);
    const origin = { prebuilt: 'prebuilt', local: 'built on this machine', embedded: 'embedded in this executable' }[addonOrigin(path)];
    lines.push(`addon: ${origin} (${path})`);
  } catch (e) {
    lines.push(`addon: cannot be loaded: ${(e as Error).message}`);
  }
  lines.push(`node ${process.versions.node} (Node-API ${process.versions.napi})`);
  return lines.join('\n');
}
