#!/usr/bin/env bash
# Sets up virtop on a Debian 12 machine with Node 20, as root: the system
# packages the native binding needs, npm dependencies, and the build
# (native addon + TypeScript). Idempotent: re-running only does what is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

log() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# libvirt-dev brings libvirt0 (whose in-process test driver runs --demo) and
# the headers; the rest is node-gyp's toolchain.
PACKAGES=(libvirt-dev libvirt-clients pkg-config g++ make python3)

installed() { [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]; }

command -v node >/dev/null || die "Node.js 20 is required (node not found)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  die "Node.js >= 20.19 is required, found $(node --version)"

if command -v dpkg-query >/dev/null; then
  missing=()
  for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
  if ((${#missing[@]})); then
    [[ $(id -u) -eq 0 ]] || die "missing packages ${missing[*]}: run as root or install them first"
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  log "not a Debian system: make sure libvirt's development files and a C++ toolchain are installed"
fi
pkg-config --exists libvirt || die "pkg-config cannot find libvirt (install libvirt-dev)"

# npm install runs the "prepare" script, which builds the addon and the TypeScript.
if [[ -f package-lock.json ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
else
  log "npm install"
  npm install --no-audit --no-fund --loglevel=error
fi
[[ -f native/build/Release/virtop_libvirt.node ]] || die "native addon did not build (see npm output above)"
[[ -f dist/cli/main.js ]] || die "TypeScript did not build (see npm output above)"
log "ready: ./bin/virtop --demo"
