// Bundles the compiled CLI (dist/cli/main.js, from tsc) with the npm
// packages it imports into dist/bundle/, which bin/virtop prefers. In Node 20
// every ES module costs its own resolution, file read and compile, with no
// compile cache; loading a few files instead of ~140 took the CLI's module
// loading from about 200 ms to 40 ms of CPU on the 2-core bench VM.
//
// Left out of the bundle: blessed (CommonJS, reads its terminfo files next
// to its own sources; loaded with require), prom-client (CommonJS, only
// the exporter mode loads it), and yaml and bcryptjs (only the exporter's
// --web.config.file needs them; yaml's CommonJS build requires "process",
// which a bundled ES module cannot).

import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');

await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: join(root, 'dist', 'cli', 'main.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['blessed', 'prom-client', 'yaml', 'bcryptjs'],
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
});

// tsc rewrites every file of dist/ even when nothing changed, so bin/virtop
// cannot go by times alone: it compares these hashes of the tsc output the
// bundle was made from before deciding that the bundle is out of date.
const inputs = {};
for (const file of Object.keys(result.metafile.inputs).sort()) {
  if (!file.startsWith('dist/')) continue;
  inputs[file] = createHash('sha1').update(await readFile(join(root, file))).digest('hex');
}
await writeFile(join(outdir, 'inputs.json'), `${JSON.stringify(inputs, null, 1)}\n`);

// What `virtop --version` reports about the build: the git revision ("-dirty"
// with uncommitted changes) and the date. A build outside a checkout (a
// package's) keeps what the packaging script wrote, if anything.
const git = (...args) => spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
const head = git('rev-parse', '--short=12', 'HEAD');
if (head.status === 0) {
  const dirty = git('status', '--porcelain', '--untracked-files=no').stdout.trim() !== '';
  const info = { revision: `${head.stdout.trim()}${dirty ? '-dirty' : ''}`, builtAt: new Date().toISOString().slice(0, 10) };
  await writeFile(join(root, 'dist', 'build-info.json'), `${JSON.stringify(info)}\n`);
}
