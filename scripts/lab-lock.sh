# Sourced by scripts/test.sh: one test run at a time on this machine.
#
# The lab tier restarts libvirtd and creates and destroys guests with fixed
# names, and the timing checks need the two cores to themselves, so a second
# run started beside a first would break both. Whoever holds the lock owns
# the machine's libvirtd and the lab; a second run waits for it, saying so,
# and gives up with a clear message after VIRTOP_LAB_LOCK_WAIT seconds
# (default 3600; 0 fails at once).
#
# The lock is held by a flock(1) process wrapped around the whole run, with
# its descriptor closed in the run itself (-o): daemons the run starts
# (libvirtd, tmux) must not inherit it and keep the machine locked after the
# run ends. VIRTOP_LAB_LOCK_HELD tells the run and its test processes
# (test/lab/global-setup.ts) that the lock is already theirs.

VIRTOP_LAB_LOCK=${VIRTOP_LAB_LOCK:-/run/lock/virtop-lab.lock}
LAB_LOCK_BUSY=75 # flock's exit status when the wait runs out (EX_TEMPFAIL)

# Usage: run_locked SCRIPT ARGS... — runs SCRIPT under the lock unless this
# process already holds it; returns only when it does (the caller goes on).
run_locked() {
  [[ -n ${VIRTOP_LAB_LOCK_HELD:-} ]] && return 0
  local wait=${VIRTOP_LAB_LOCK_WAIT:-3600} holder rc=0
  command -v flock >/dev/null || { printf 'test: error: flock not found (install util-linux)\n' >&2; exit 1; }
  mkdir -p "$(dirname "$VIRTOP_LAB_LOCK")"
  touch "$VIRTOP_LAB_LOCK"
  if ! flock -n -o "$VIRTOP_LAB_LOCK" true; then
    holder=$(tr -d '\n' <"$VIRTOP_LAB_LOCK" 2>/dev/null || true)
    if ((wait == 0)); then
      printf 'test: error: another virtop test run holds %s (%s); try again when it has ended\n' \
        "$VIRTOP_LAB_LOCK" "${holder:-holder unknown}" >&2
      exit 1
    fi
    printf 'test: another virtop test run holds %s (%s); waiting up to %ss for it to end\n' \
      "$VIRTOP_LAB_LOCK" "${holder:-holder unknown}" "$wait" >&2
  fi
  VIRTOP_LAB_LOCK_HELD=1 flock -o -E "$LAB_LOCK_BUSY" -w "$wait" "$VIRTOP_LAB_LOCK" bash "$@" || rc=$?
  if ((rc == LAB_LOCK_BUSY)); then
    printf 'test: error: gave up after %ss waiting for %s (%s)\n' "$wait" "$VIRTOP_LAB_LOCK" \
      "$(tr -d '\n' <"$VIRTOP_LAB_LOCK" 2>/dev/null || echo holder unknown)" >&2
  fi
  exit "$rc"
}

# Called by the run once it holds the lock: says who holds it, for a waiter's message.
note_lock_holder() {
  printf 'pid %s in %s since %s\n' "$$" "$PWD" "$(date '+%F %T')" >"$VIRTOP_LAB_LOCK"
  export VIRTOP_LAB_LOCK
}
