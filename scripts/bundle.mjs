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
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');

/** "yargs" for …/node_modules/yargs/lib/x.mjs, "@a/b" for …/node_modules/@a/b/y.js */
function packageOf(file) {
  const parts = file.split(sep);
  const i = parts.lastIndexOf('node_modules');
  if (i < 0) return null;
  return parts[i + 1].startsWith('@') ? `${parts[i + 1]}/${parts[i + 2]}` : parts[i + 1];
}

// yargs finds its locale files and the app's package.json from its own
// import.meta.url; in a bundle that would be the bundle's. Each such package
// file gets the URL it has when loaded unbundled, found at run time from the
// package's entry point, so a different node_modules layout on install works.
const ownMetaUrl = {
  name: 'package-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.(m?js|cjs)$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return null;
      const pkg = packageOf(args.path);
      // Resolved as the bundle will resolve it (this script sits beside dist/ in the package).
      const entry = fileURLToPath(import.meta.resolve(pkg));
      const rel = relative(dirname(entry), args.path).split(sep).join('/');
      const url = `new URL(${JSON.stringify(rel)}, import.meta.resolve(${JSON.stringify(pkg)})).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

// string-width (three copies, in yargs, cliui and wrap-ansi) builds large
// Unicode regular expressions and an Intl.Segmenter when it is loaded: a
// tenth of the bundle's load time, yet only help and usage text measure
// strings. Each import of it gets a stand-in that loads the real one (the
// copy that import would have resolved to) on its first call.
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'real' });
      if (real.errors.length) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-string-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      contents: [
        'let real;',
        'export default function stringWidth(...args) {',
        `  real ??= require(${JSON.stringify(args.path)}).default;`,
        '  return real(...args);',
        '}',
      ].join('\n'),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

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
  plugins: [ownMetaUrl, lazyStringWidth],
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
