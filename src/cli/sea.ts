// Entry point of the one-file executable (scripts/sea.mjs bundles from here):
// the same as bin/virtop, after the executable's files are unpacked.

// libvirt calls run on the addon's threads; /proc reads on libuv's pool,
// sized before its first use (as bin/virtop does).
process.env.UV_THREADPOOL_SIZE ??= '32';

import { unpackSea } from '../app/sea.js';
import { main } from './main.js';

try {
  unpackSea();
} catch (e) {
  process.stderr.write(`virtop: cannot unpack the executable's files: ${(e as Error).message}\n`);
  process.exit(1);
}
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`virtop: ${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
