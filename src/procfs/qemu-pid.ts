// Finding a domain's QEMU process: libvirt's pid file, checked against the
// process it names (a stale file can point at a reused pid), else a scan of
// /proc for the qemu whose command line names the guest.

import { mapLimit } from '../util/pool.js';
import { DEFAULT_CONCURRENCY, numericEntries, trimSlashes, type ProcFs } from './fs.js';
import { parseCmdline, parsePidFile, qemuGuestName } from './parse.js';

/** Where the system libvirtd keeps QEMU pid files (session mode: $XDG_RUNTIME_DIR/libvirt/qemu/run). */
export const DEFAULT_QEMU_RUN_DIR = '/run/libvirt/qemu';

export interface FindQemuPidOptions {
  /** directory holding NAME.pid; defaults to /run/libvirt/qemu */
  runDir?: string;
  /** fall back to scanning every /proc/PID/cmdline (default true) */
  scan?: boolean;
  concurrency?: number;
}

/**
 * Whether `pid` is the QEMU of domain `name`. A pid file can outlive its
 * QEMU and the pid be reused, so the process must prove it: its -name says
 * this guest, or — when cmdline is unreadable or carries no -name — its comm
 * starts with "qemu". A QEMU whose -name names another guest is rejected.
 */
async function isQemuOf(fs: ProcFs, pid: number, name: string): Promise<boolean> {
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`);
  if (cmdline.ok) {
    const guest = qemuGuestName(parseCmdline(cmdline.value));
    if (guest !== null) return guest === name;
  } else if (cmdline.kind === 'missing') {
    return false;
  }
  const comm = await fs.readFile(`/proc/${pid}/comm`);
  return comm.ok && comm.value.startsWith('qemu');
}

/**
 * The pid of domain `domainName`'s QEMU, or null. Tries libvirt's pid file
 * (named with the literal domain name), then optionally scans /proc for a
 * process whose `-name guest=...` is this domain. The scan reads one file
 * per process on the host, so callers should cache the answer per domain id.
 */
export async function findQemuPid(
  fs: ProcFs,
  domainName: string,
  opts: FindQemuPidOptions = {},
): Promise<number | null> {
  // libvirt forbids "/" in names; refusing it here keeps the path inside runDir.
  if (domainName !== '' && !domainName.includes('/')) {
    const runDir = trimSlashes(opts.runDir ?? DEFAULT_QEMU_RUN_DIR);
    const pidFile = await fs.readFile(`${runDir}/${domainName}.pid`);
    const pid = pidFile.ok ? parsePidFile(pidFile.value) : null;
    if (pid !== null && (await isQemuOf(fs, pid, domainName))) return pid;
  }
  if (opts.scan === false) return null;

  const listing = await fs.readdir('/proc');
  if (!listing.ok) return null;
  let found: number | null = null;
  await mapLimit(numericEntries(listing.value), opts.concurrency ?? DEFAULT_CONCURRENCY, async (pid) => {
    if (found !== null) return; // stop reading once someone matched
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`);
    if (cmdline.ok && qemuGuestName(parseCmdline(cmdline.value)) === domainName) {
      found = found === null ? pid : Math.min(found, pid);
    }
  });
  return found;
}
