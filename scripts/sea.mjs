// Builds the one-file executable: out/virtop-VERSION-linux-x64, Node's own
// binary with virtop injected as a single executable application (Node 20's
// SEA, with assets). It needs nothing on the host but glibc and libvirt0.
//
//   node scripts/sea.mjs OUT_DIR ADDON      (scripts/package.sh runs it)
//
// The code is bundled into one CommonJS file (SEA runs CommonJS and loads no
// file of its own); the addon, demo host, themes, package.json and build
// facts ride along as assets that src/app/sea.ts unpacks at start.

import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// src/ui/blessed.ts loads blessed's parts with a require made by
// createRequire, which a bundler cannot see through. Here that require
// becomes the bundle's own, so the parts are bundled; nothing else changes.
//
// blessed also reads files of its own (terminfo for xterm when the system
// has none for $TERM, fonts) from __dirname + '/../usr'. Those files are
// assets, unpacked to node_modules/blessed/usr under the package root, and
// blessed's __dirname becomes the matching place there.
const pathsModule = join(root, 'src', 'util', 'paths.ts');
const blessedStatically = {
  name: 'blessed-statically',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]blessed[\\/]lib[\\/].*\.js$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('__dirname')) return null;
      const rel = relative(join(root, 'node_modules'), dirname(args.path)).split(sep).join('/');
      const dir = `require('node:path').join(require(${JSON.stringify(pathsModule)}).packageRoot(), 'node_modules', ${JSON.stringify(rel)})`;
      return { contents: source.replaceAll('__dirname', `(${dir})`), loader: 'js', resolveDir: dirname(args.path) };
    });
    b.onLoad({ filter: /[\\/]src[\\/]ui[\\/]blessed\.ts$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const made = 'const require = createRequire(import.meta.url);';
      if (!source.includes(made)) throw new Error(`${args.path} no longer has '${made}': update scripts/sea.mjs`);
      return { contents: source.replace(made, ''), loader: 'ts' };
    });
  },
};
const [outDir, addon] = process.argv.slice(2);
if (!outDir || !addon || !existsSync(addon)) {
  process.stderr.write('usage: node scripts/sea.mjs OUT_DIR ADDON (an existing .node file)\n');
  process.exit(2);
}
/** Runs a step, showing its output only when it fails (postject warns about every ELF note section it passes). */
function quietly(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `status ${r.status}`})`);
  }
}

const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const work = mkdtempSync(join(tmpdir(), 'virtop-sea-'));

try {
  // import.meta.url has no meaning in a CommonJS bundle: each use gets the
  // executable's own file URL (src/app/sea.ts points package files elsewhere).
  const shim = join(work, 'import-meta-url.js');
  writeFileSync(shim, "export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;\n");
  await build({
    entryPoints: [join(root, 'src', 'cli', 'sea.ts')],
    outfile: join(work, 'virtop.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    inject: [shim],
    define: { 'import.meta.url': 'importMetaUrl' },
    // blessed's terminal widget tries these optional packages inside try/catch
    external: ['term.js', 'pty.js'],
    plugins: [blessedStatically],
    logLevel: 'error',
  });

  // Assets by their path in the package, so the unpacked directory looks like one.
  const assets = { 'native/virtop_libvirt.node': addon };
  for (const f of ['package.json', 'dist/build-info.json', 'demo/host.xml']) if (existsSync(join(root, f))) assets[f] = join(root, f);
  for (const f of readdirSync(join(root, 'themes'))) assets[`themes/${f}`] = join(root, 'themes', f);
  const blessedUsr = join(root, 'node_modules', 'blessed', 'usr');
  for (const f of readdirSync(blessedUsr, { recursive: true, withFileTypes: true })) {
    if (!f.isFile()) continue;
    const abs = join(f.parentPath ?? f.path, f.name);
    assets[`node_modules/blessed/usr/${relative(blessedUsr, abs).split(sep).join('/')}`] = abs;
  }
  const manifest = { files: Object.keys(assets), addon: 'native/virtop_libvirt.node' };
  // the unpack directory is named after this: new content, new directory
  const hash = createHash('sha256');
  for (const [k, f] of Object.entries(assets)) hash.update(k).update(readFileSync(f));
  writeFileSync(join(work, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(work, 'content-hash'), hash.digest('hex'));
  const config = {
    main: join(work, 'virtop.cjs'),
    output: join(work, 'virtop.blob'),
    disableExperimentalSEAWarning: true,
    useCodeCache: true,
    assets: { ...assets, 'manifest.json': join(work, 'manifest.json'), 'content-hash': join(work, 'content-hash') },
  };
  writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config));
  quietly(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')]);

  const exe = join(outDir, `virtop-${version}-linux-x64`);
  copyFileSync(process.execPath, exe);
  chmodSync(exe, 0o755);
  quietly(join(root, 'node_modules', '.bin', 'postject'), [
    exe,
    'NODE_SEA_BLOB',
    join(work, 'virtop.blob'),
    '--sentinel-fuse',
    'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  ]);
  process.stdout.write(`${exe}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
