// The only place that loads the compiled addon (native/build/Release/virtop_libvirt.node).
//
// Loading is lazy (first Connection.open) so that importing this package
// never fails on a machine without the addon; the error then says how to
// build it. The path is found by walking up from this file to the directory
// holding package.json, which works both from src/ (vitest, tsx) and from
// dist/libvirt/ (after tsc).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { NativeConnection, ParamValue } from './types.js';

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
  Connection: new () => NativeConnection;
  /** fd 2 appends to the file at path (see src/libvirt/stderr.ts) */
  redirectStderr(path: string): void;
  /** fd 2 is the original again */
  restoreStderr(): void;
  /** Test-only: builds a real virTypedParameter array with libvirt's
   *  virTypedParamsAdd* and converts it back through the same C++ path
   *  stats results take. LLONG/ULLONG values must be bigints. */
  _typedParamRoundTrip(params: Array<[name: string, type: number, value: ParamValue]>): Record<string, ParamValue>;
}

const ADDON_RELATIVE = join('native', 'build', 'Release', 'virtop_libvirt.node');

let cached: NativeAddon | undefined;

/** Directory containing package.json, searching upwards from this file. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`virtop: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export function addonPath(): string {
  return join(packageRoot(), ADDON_RELATIVE);
}

export function loadAddon(): NativeAddon {
  if (cached) return cached;
  const path = addonPath();
  if (!existsSync(path)) {
    throw new Error(
      `virtop: the libvirt addon is not built (${path} is missing); run \`npm run build:native\` ` +
        '(needs libvirt development headers and a C++ toolchain)',
    );
  }
  const require = createRequire(import.meta.url);
  try {
    cached = require(path) as NativeAddon;
  } catch (err) {
    throw new Error(
      `virtop: failed to load the libvirt addon ${path}: ${(err as Error).message}; ` +
        'is libvirt installed, and was the addon built for this Node version? (run `npm run build:native`)',
      { cause: err },
    );
  }
  return cached;
}
