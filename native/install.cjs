// npm's install hook for the packed virtop (scripts/package.sh): keep the
// prebuilt addon when it loads on this host; build from source only where
// none fits (another architecture or libc), with node-gyp as npm ships it.
'use strict';
const { spawnSync } = require('node:child_process');

try {
  require('node-gyp-build')(__dirname);
  process.exit(0);
} catch (e) {
  process.stderr.write(`virtop: no prebuilt libvirt addon loads here (${e.message.split('\n')[0]}); building it (needs libvirt-dev, g++, make, python3)\n`);
}
const gyp = process.env.npm_config_node_gyp;
const r = gyp
  ? spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: __dirname, stdio: 'inherit' })
  : spawnSync('node-gyp', ['rebuild'], { cwd: __dirname, stdio: 'inherit' });
if (r.error) process.stderr.write(`virtop: cannot run node-gyp: ${r.error.message}\n`);
process.exit(r.status ?? 1);
