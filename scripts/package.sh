#!/usr/bin/env bash
# Builds what admins install on a hypervisor, into out/ (see README "Install"):
#   virtop-VERSION.tgz   npm package: the addon prebuilt for linux-x64 against
#                        Node-API (loads on any Node >= 20.19, no compiler),
#                        runtime dependencies bundled inside (no network).
#   virtop-VERSION-linux-x64
#                        one file: Node with virtop, its addon, themes and
#                        demo host inside; needs only glibc and libvirt0.
#   virtop_VERSION_amd64.deb
#                        that file as /usr/bin/virtop, virtop(1), bash
#                        completion, docs, and virtop-exporter.service
#                        (disabled); Depends: libvirt0. Built with dpkg-deb.
# This machine needs the developer setup (scripts/setup.sh); the hosts that
# install the results need only libvirt0 (and Node >= 20.19 for the tarball).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${VIRTOP_PACKAGE_OUT:-$ROOT/out}

log() { printf 'package: %s\n' "$*" >&2; }
die() { printf 'package: error: %s\n' "$*" >&2; exit 1; }

[[ -d node_modules ]] || die "run scripts/setup.sh first (no node_modules)"
VERSION=$(node -p 'require("./package.json").version')
mkdir -p "$OUT"

# VIRTOP_PACKAGE_SKIP_BUILD=1: dist/ and the addon are already built (the
# tests set it: rebuilding under other running tests would pull files from
# under them).
if [[ ${VIRTOP_PACKAGE_SKIP_BUILD:-0} != 1 ]]; then
  log "building the addon and the code"
  npm run --silent build >/dev/null
fi
[[ -f dist/bundle/main.js ]] || die "dist/bundle/main.js is missing: run npm run build"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# prebuildify builds the addon again for Node-API (tagged glibc) and strips
# it; node-gyp-build picks it at run time when none was built locally. It
# builds in a copy of native/, so native/build stays as it is. node-gyp finds
# Node's headers where Debian's nodejs puts them, with no download.
log "prebuilding the addon for Node-API"
mkdir -p "$WORK/native"
cp -r native/binding.gyp native/src "$WORK/native/"
# node-gyp as npm ships it (npm run puts it on PATH the same way)
GYP_BIN="$(npm root -g)/npm/bin/node-gyp-bin"
[[ -x $GYP_BIN/node-gyp ]] || die "npm's node-gyp is not at $GYP_BIN"
(cd "$WORK/native" && PATH="$GYP_BIN:$PATH" NODE_PATH="$ROOT/node_modules" npm_config_nodedir=${npm_config_nodedir:-/usr} \
  "$ROOT/node_modules/.bin/prebuildify" --napi --strip --tag-libc >"$WORK/prebuildify.log" 2>&1) ||
  { cat "$WORK/prebuildify.log" >&2; die "prebuildify failed"; }
rm -rf native/prebuilds
cp -r "$WORK/native/prebuilds" native/prebuilds
ls native/prebuilds/linux-x64/*.node >/dev/null || die "prebuildify left no addon in native/prebuilds/linux-x64"

# The package is staged with only what runs: dist/ (its bundle holds every
# pure-JS dependency) and the few packages the bundle loads at run time,
# shipped inside the tarball (bundleDependencies), so installing it needs no
# registry. Building from source stays possible where no prebuild fits:
# node-addon-api travels along and the install script builds if need be.
STAGE=$WORK/stage
log "staging in $STAGE"
mkdir -p "$STAGE/native"
cp -r bin dist demo themes README.md "$STAGE/"
cp -r native/binding.gyp native/install.cjs native/src native/prebuilds "$STAGE/native/"
node - "$STAGE" <<'JS'
const { readFileSync, writeFileSync } = require('node:fs');
const stage = process.argv[2];
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
// what dist/bundle loads at run time: scripts/bundle.mjs's externals; then
// the addon's loader, and its headers for a source build
const runtime = ['blessed', 'prom-client', 'yaml', 'bcryptjs', 'node-gyp-build', 'node-addon-api'];
// the range package.json asks for, or the version installed
const dependencies = Object.fromEntries(
  runtime.map((n) => [n, pkg.dependencies[n] ?? JSON.parse(readFileSync(`node_modules/${n}/package.json`, 'utf8')).version]),
);
const out = {
  name: pkg.name, version: pkg.version, description: pkg.description, license: pkg.license, type: pkg.type,
  bin: pkg.bin, engines: pkg.engines,
  // a prebuild that loads wins; otherwise node-gyp-build compiles the addon (needs libvirt-dev and a compiler)
  scripts: { install: 'node native/install.cjs' },
  dependencies, bundleDependencies: runtime,
  files: ['bin', 'dist', 'native/binding.gyp', 'native/install.cjs', 'native/src', 'native/prebuilds', 'demo', 'themes', 'README.md'],
};
writeFileSync(`${stage}/package.json`, `${JSON.stringify(out, null, 2)}\n`);
JS
# The runtime packages and what they depend on, copied as installed here
# (the registry is not needed, and the versions are the ones tested).
node - "$STAGE" <<'JS'
const { cpSync, existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const stage = process.argv[2];
const want = Object.keys(JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8')).dependencies);
const seen = new Set();
while (want.length) {
  const name = want.pop();
  if (seen.has(name)) continue;
  seen.add(name);
  const dir = join('node_modules', name);
  if (!existsSync(dir)) throw new Error(`${name} is not installed in node_modules (run scripts/setup.sh)`);
  cpSync(dir, join(stage, 'node_modules', name), { recursive: true, dereference: true });
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  want.push(...Object.keys(pkg.dependencies ?? {}));
}
process.stderr.write(`package: ${seen.size} runtime packages: ${[...seen].sort().join(' ')}\n`);
JS
(cd "$STAGE" && npm pack --pack-destination "$OUT" --loglevel=error >/dev/null)
[[ -f "$OUT/virtop-$VERSION.tgz" ]] || die "npm pack wrote no $OUT/virtop-$VERSION.tgz"
log "wrote $OUT/virtop-$VERSION.tgz ($(du -h "$OUT/virtop-$VERSION.tgz" | cut -f1))"

log "building the one-file executable"
node scripts/sea.mjs "$OUT" native/prebuilds/linux-x64/*.node >/dev/null
EXE="$OUT/virtop-$VERSION-linux-x64"
[[ -x $EXE ]] || die "scripts/sea.mjs wrote no $EXE"
log "wrote $EXE ($(du -h "$EXE" | cut -f1))"

log "building the Debian package"
DEB=$WORK/deb
install -D -m 0755 "$EXE" "$DEB/usr/bin/virtop"
node scripts/manpage.mjs "$WORK"
install -D -m 0644 "$WORK/virtop.1" "$DEB/usr/share/man/man1/virtop.1"
gzip -9n "$DEB/usr/share/man/man1/virtop.1"
install -D -m 0644 "$WORK/virtop.bash-completion" "$DEB/usr/share/bash-completion/completions/virtop"
install -D -m 0644 packaging/deb/virtop-exporter.service "$DEB/lib/systemd/system/virtop-exporter.service"
install -D -m 0644 packaging/deb/virtop-exporter.default "$DEB/etc/default/virtop-exporter"
install -D -m 0644 packaging/deb/hosts "$DEB/etc/virtop/hosts"
install -D -m 0644 packaging/deb/copyright "$DEB/usr/share/doc/virtop/copyright"
install -D -m 0644 README.md "$DEB/usr/share/doc/virtop/README.md"
install -D -m 0644 packaging/grafana/virtop-dashboard.json "$DEB/usr/share/doc/virtop/grafana-dashboard.json"
for doc in docs/*.md; do install -D -m 0644 "$doc" "$DEB/usr/share/doc/virtop/$doc"; done
mkdir -p "$DEB/DEBIAN"
install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$DEB/DEBIAN/"
printf '/etc/default/virtop-exporter\n/etc/virtop/hosts\n' > "$DEB/DEBIAN/conffiles"
SIZE_KIB=$(du -sk --exclude=DEBIAN "$DEB" | cut -f1)
cat > "$DEB/DEBIAN/control" <<CONTROL
Package: virtop
Version: $VERSION
Architecture: amd64
Maintainer: virtop developers <virtop@localhost>
Installed-Size: $SIZE_KIB
Depends: libvirt0, libc6 (>= 2.28), libstdc++6, libgcc-s1
Section: admin
Priority: optional
Description: live monitor and quick-ops console for libvirt/KVM hosts
 virtop shows CPU, memory, disk and network per guest, per vCPU thread, per
 device, per storage pool and network, refreshed live in the terminal, and
 acts on guests (start, stop, balloon memory, hot-add vCPUs) from the screen.
 It also writes JSON lines or CSV, records and replays, and serves Prometheus
 metrics (virtop-exporter.service, installed disabled).
CONTROL
dpkg-deb --root-owner-group -Zxz -z6 --build "$DEB" "$OUT/virtop_${VERSION}_amd64.deb" >/dev/null
log "wrote $OUT/virtop_${VERSION}_amd64.deb ($(du -h "$OUT/virtop_${VERSION}_amd64.deb" | cut -f1))"
