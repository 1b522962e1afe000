#!/usr/bin/env bash
# Sets up everything the tests need and runs every tier: unit, libvirt test
# driver, and the real-libvirt lab (libvirtd + QEMU guests, built and torn
# down by test/lab/lab.sh). Extra arguments go to vitest.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# One run at a time per machine: the lab owns libvirtd, apt and the two cores.
source scripts/lab-lock.sh
run_locked "$ROOT/scripts/test.sh" "$@"
note_lock_holder

bash scripts/setup.sh
# The lab needs libvirtd, QEMU, a kernel and busybox; lab.sh installs what is missing.
bash test/lab/lab.sh deps
bash test/lab/lab.sh daemons
# Programs the other tiers run: tmux drives the end-to-end terminal tests,
# promtool (Debian's prometheus package) checks the exporter's /metrics.
need_program() { # PROGRAM PACKAGE
  command -v "$1" >/dev/null && return 0
  echo "test: installing $2 (for $1)" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null; } ||
    { echo "test: error: cannot install Debian package $2, which brings $1" >&2; exit 1; }
  command -v "$1" >/dev/null || { echo "test: error: '$1' still not found after installing $2" >&2; exit 1; }
}
need_program tmux tmux
need_program promtool prometheus

status=0
npx tsc -p tsconfig.json --noEmit || status=$?
if (($#)); then
  npx vitest run "$@" || status=$?
else
  # One tier after another: the lab's timing checks and the soak's flat-latency
  # check must not share two cores with each other or with the other tiers.
  for project in unit driver e2e lab soak; do
    echo "== vitest: $project ($(date +%T))"
    npx vitest run --project "$project" || status=$?
    # Lab guests (one spins a whole core) must not run beside the soak's latency check.
    [[ $project == lab ]] && { bash test/lab/lab.sh down >/dev/null 2>&1 || true; }
  done
  echo "== done ($(date +%T))"
fi
# Leave no lab guest running, whatever happened above.
bash test/lab/lab.sh down >/dev/null 2>&1 || true
exit $status
