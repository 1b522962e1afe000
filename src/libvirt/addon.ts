// The only place that loads the compiled addon: native/build/Release/
// virtop_libvirt.node when built here, else the prebuilt one shipped in
// native/prebuilds/linux-x64/ (Node-API, so one file serves every Node from
// 20.19), found by node-gyp-build.
//
// Loading is lazy (first Connection.open) so that importing this package
// never fails on a machine without the addon; the error then says how to
// build it.

import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { packageRoot } from '../util/paths.js';

import type { NativeAddonConnection, ParamValue } from './types.js';

/** virTypedParameterType numbers, for the test-only round-trip helper. */
export const TypedParamType = {
  Int: 1,
  UInt: 2,
  LLong: 3,
  ULLong: 4,
  Double: 5,
  Boolean: 6,
  String: 7,
} as const;

export interface NativeAddon {
  Connection: new () => NativeAddonConnection;
  /** virDomainMemoryStats' tag names by tag number (domainsDetail's packed answer carries numbers) */
  memoryStatNames(): string[];
  /** fd 2 appends to the file at path (see src/libvirt/stderr.ts) */
  redirectStderr(path: string): void;
  /** fd 2 is the original again */
  restoreStderr(): void;
  /** calls on all connections begun and not yet settled */
  pendingCalls(): number;
  /** the libvirt library loaded in this process: major * 1e6 + minor * 1e3 + release */
  libvirtVersion(): number;
  /** Test-only: builds a real virTypedParameter array with libvirt's
   *  virTypedParamsAdd* and converts it back through the same C++ path
   *  stats results take. LLONG/ULLONG values must be bigints. */
  _typedParamRoundTrip(params: Array<[name: string, type: number, value: ParamValue]>): Record<string, ParamValue>;
}

/** Where the addon is looked for: native/build/Release (built here) first, then native/prebuilds/<platform>-<arch> (shipped). */
function nativeDir(): string {
  return join(packageRoot(), 'native');
}

let cached: NativeAddon | undefined;
let loadedFrom: string | null = null;

/**
 * The addon file that loads on this machine, found by node-gyp-build: one
 * built here (npm run build:native) wins over a prebuilt one. Throws with
 * what to do when there is neither.
 */
export function addonPath(): string {
  if (loadedFrom) return loadedFrom;
  const require = createRequire(import.meta.url);
  const gypBuild = require('node-gyp-build') as { path(dir: string): string };
  try {
    return gypBuild.path(nativeDir());
  } catch {
    throw new Error(
      `virtop: no libvirt addon for ${process.platform}-${process.arch} in ${nativeDir()} (neither built nor prebuilt); ` +
        'run `npm run build:native` (needs libvirt development headers and a C++ toolchain)',
    );
  }
}

/** How the addon that loads was made: 'prebuilt' (shipped in the package), 'local' (built on this machine) or an embedded copy. */
export function addonOrigin(path: string): 'prebuilt' | 'local' | 'embedded' {
  if (path.includes(`${sep}prebuilds${sep}`)) return 'prebuilt';
  if (path.includes(`${sep}build${sep}`)) return 'local';
  return 'embedded';
}

/** Loads the addon from `path` (a one-file executable extracts its embedded copy and calls this first). */
export function loadAddonFrom(path: string): NativeAddon {
  const require = createRequire(import.meta.url);
  try {
    cached = require(path) as NativeAddon;
    loadedFrom = path;
  } catch (err) {
    throw new Error(
      `virtop: failed to load the libvirt addon ${path}: ${(err as Error).message}; ` +
        'is libvirt (libvirt0) installed? A locally built addon needs rebuilding after a libvirt or Node upgrade (`npm run build:native`)',
      { cause: err },
    );
  }
  return cached;
}

export function loadAddon(): NativeAddon {
  return cached ?? loadAddonFrom(addonPath());
}

let statNames: readonly string[] | undefined;

/** virDomainMemoryStats' tag names by tag number, from the addon (asked once). */
export function memoryStatNames(): readonly string[] {
  return (statNames ??= Object.freeze(loadAddon().memoryStatNames()));
}
