// A domain's CPU time from its cgroup, the file libvirt's cpu.time comes
// from: cgroup v2's cpu.stat (usage_usec, user_usec, system_usec) or v1's
// cpuacct.usage and cpuacct.stat. libvirt puts a QEMU's main thread in the
// domain cgroup's "emulator" child and each vCPU in a "vcpuN" one, so the
// domain's cgroup is the parent of the QEMU's own; a QEMU found anywhere else
// (a hand-made layout, a cgroup namespace) is not guessed at, and the caller
// asks libvirt instead.

import { KeptOpenFile, type ProcFs } from './fs.js';
import { DEFAULT_CLK_TCK, fail, ok, ticksToNs, type ParseResult } from './parse.js';

export interface CgroupCpu {
  cpuTimeNs: bigint;
  userNs: bigint | null;
  systemNs: bigint | null;
}

/**
 * A path per hierarchy that matters here: cgroup v2's, and v1's holding
 * cpuacct (either may be absent). Both where a process sits in them
 * (/proc/PID/cgroup) and where they are mounted (mountinfo).
 */
export interface CgroupPaths {
  unified: string | null;
  cpuacct: string | null;
}

/** /proc/PID/cgroup: "0::/path" for v2, "N:ctrl,ctrl:/path" for each v1 hierarchy. */
export function parseProcCgroup(text: string): CgroupPaths {
  const out: CgroupPaths = { unified: null, cpuacct: null };
  for (const line of text.split('\n')) {
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a <= 0 || b < 0) continue;
    const controllers = line.slice(a + 1, b);
    const path = line.slice(b + 1);
    if (!path.startsWith('/')) continue;
    if (line.slice(0, a) === '0' && controllers === '') out.unified = path;
    else if (controllers.split(',').includes('cpuacct')) out.cpuacct = path;
  }
  return out;
}

/** Where the hierarchies are mounted, from /proc/self/mountinfo. */
export function parseCgroupMounts(mountinfo: string): CgroupPaths {
  const out: CgroupPaths = { unified: null, cpuacct: null };
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    // A mount of a sub-tree (root other than /) sees paths /proc/PID/cgroup does not name: unusable.
    if (left.length < 5 || left[3] !== '/') continue;
    const mountPoint = left[4].replace(/\\040/g, ' ');
    if (right[0] === 'cgroup2') out.unified ??= mountPoint;
    else if (right[0] === 'cgroup' && (right[2] ?? '').split(',').includes('cpuacct')) out.cpuacct ??= mountPoint;
  }
  return out;
}

/** The domain's cgroup from its QEMU's: the parent of libvirt's "emulator" group, else null. */
export function domainCgroupOf(qemuPath: string | null): string | null {
  if (qemuPath === null || !qemuPath.endsWith('/emulator')) return null;
  const parent = qemuPath.slice(0, -'/emulator'.length);
  return parent === '' || parent.split('/').includes('..') ? null : parent;
}

const USEC = /^\d{1,19}$/;

/**
 * The number on the "key value" line of `key` (at the start of a line), as
 * ns from µs; null when absent or not plain digits. Read once per domain
 * per tick, so no splitting: a search and a digit scan.
 */
function usecLine(text: string, key: string): bigint | null {
  let at = text.startsWith(key) ? 0 : text.indexOf(`\n${key}`);
  if (at < 0) return null;
  if (at > 0) at++;
  let i = at + key.length;
  let n = 0;
  let digits = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
    digits++;
  }
  if (digits === 0 || (i < text.length && text.charCodeAt(i) !== 0x0a)) return null;
  // Past 15 digits a double is not exact: parse the digits themselves.
  return (digits <= 15 ? BigInt(n) : BigInt(text.slice(i - digits, i))) * 1000n;
}

/** cgroup v2 cpu.stat: usage_usec (required), user_usec, system_usec, each µs → ns as libvirt gives them. */
export function parseCpuStatV2(text: string): ParseResult<CgroupCpu> {
  const usage = usecLine(text, 'usage_usec ');
  if (usage === null) return fail('no usage_usec');
  return ok({ cpuTimeNs: usage, userNs: usecLine(text, 'user_usec '), systemNs: usecLine(text, 'system_usec ') });
}

/** cgroup v1: cpuacct.usage (ns) and cpuacct.stat (user, system in clock ticks). */
export function parseCpuacctV1(usage: string, stat: string | null, clkTck = DEFAULT_CLK_TCK): ParseResult<CgroupCpu> {
  const u = usage.trim();
  if (!USEC.test(u)) return fail('cpuacct.usage is not a number');
  let userNs: bigint | null = null;
  let systemNs: bigint | null = null;
  for (const line of (stat ?? '').split('\n')) {
    const [k, n] = line.split(' ');
    if (n === undefined || !USEC.test(n)) continue;
    if (k === 'user') userNs = ticksToNs(BigInt(n), clkTck);
    else if (k === 'system') systemNs = ticksToNs(BigInt(n), clkTck);
  }
  return ok({ cpuTimeNs: BigInt(u), userNs, systemNs });
}

/** The files one domain's CPU is read from, found once per QEMU process and kept open. */
type Source = { kind: 'v2'; stat: KeptOpenFile } | { kind: 'v1'; usage: KeptOpenFile; stat: KeptOpenFile } | { kind: 'none'; why: string };

interface Kept {
  source: Source;
  /** reads since the files were looked up: a QEMU outside libvirt's layout is looked at again after RELOCATE_AFTER */
  reads: number;
}

/** Reads after which a QEMU found outside libvirt's layout is looked up again (it does not move, but nothing is assumed for ever). */
const RELOCATE_AFTER = 60;

/**
 * Reads domains' CPU from their cgroups, tick after tick: the files are found
 * once per QEMU pid (its /proc/PID/cgroup and the mounts) and kept open, so
 * a tick costs one pread per domain (two on cgroup v1).
 */
export class DomainCgroupCpuReader {
  private mounts: CgroupPaths | null = null;
  private readonly kept = new Map<number, Kept>();

  constructor(private readonly fs: ProcFs) {}

  /** Each pid's domain CPU, or why it cannot be read; files of pids not asked for are closed. */
  async read(pids: readonly number[]): Promise<Map<number, ParseResult<CgroupCpu>>> {
    const out = new Map<number, ParseResult<CgroupCpu>>();
    const wanted = new Set(pids);
    for (const [pid, k] of this.kept) if (!wanted.has(pid)) this.drop(pid, k);
    if (pids.length === 0) return out;
    this.mounts ??= await this.readMounts();
    for (const pid of wanted) {
      let k = this.kept.get(pid);
      if (k && k.source.kind === 'none' && k.reads >= RELOCATE_AFTER) {
        this.drop(pid, k);
        k = undefined;
      }
      if (!k) {
        k = { source: await this.locate(pid), reads: 0 };
        this.kept.set(pid, k);
      }
      k.reads++;
      const r = await this.readSource(k);
      // A failed read of found files (the domain stopped, its cgroup went) looks them up again next
      // time; a QEMU outside libvirt's layout is remembered as such, not looked up every tick.
      if (!r.ok && k.source.kind !== 'none') this.drop(pid, k);
      out.set(pid, r);
    }
    return out;
  }

  close(): void {
    for (const [pid, k] of this.kept) this.drop(pid, k);
  }

  private async readMounts(): Promise<CgroupPaths> {
    const r = await this.fs.readFile('/proc/self/mountinfo');
    return r.ok ? parseCgroupMounts(r.value) : { unified: null, cpuacct: null };
  }

  private async locate(pid: number): Promise<Source> {
    const r = await this.fs.readFile(`/proc/${pid}/cgroup`);
    if (!r.ok) return { kind: 'none', why: `/proc/${pid}/cgroup: ${r.error}` };
    const where = parseProcCgroup(r.value);
    const m = this.mounts as CgroupPaths;
    // v1 cpuacct first: where libvirt binds that controller, it reads it there.
    const v1 = domainCgroupOf(where.cpuacct);
    const file = (path: string) => new KeptOpenFile(this.fs, path);
    if (v1 !== null && m.cpuacct !== null) return { kind: 'v1', usage: file(`${m.cpuacct}${v1}/cpuacct.usage`), stat: file(`${m.cpuacct}${v1}/cpuacct.stat`) };
    const v2 = domainCgroupOf(where.unified);
    if (v2 !== null && m.unified !== null) return { kind: 'v2', stat: file(`${m.unified}${v2}/cpu.stat`) };
    return { kind: 'none', why: `QEMU ${pid} is not in a libvirt domain cgroup (…/emulator)` };
  }

  private async readSource(k: Kept): Promise<ParseResult<CgroupCpu>> {
    const s = k.source;
    if (s.kind === 'none') return fail(s.why);
    if (s.kind === 'v2') {
      const r = await s.stat.read();
      return r.ok ? withPath(s.stat.path, parseCpuStatV2(r.value)) : fail(`${s.stat.path}: ${r.error}`);
    }
    const [usage, stat] = [await s.usage.read(), await s.stat.read()];
    if (!usage.ok) return fail(`${s.usage.path}: ${usage.error}`);
    return withPath(s.usage.path, parseCpuacctV1(usage.value, stat.ok ? stat.value : null));
  }

  private drop(pid: number, k: Kept): void {
    const s = k.source;
    if (s.kind === 'v1') s.usage.close();
    if (s.kind !== 'none') s.stat.close();
    this.kept.delete(pid);
  }
}

function withPath(path: string, r: ParseResult<CgroupCpu>): ParseResult<CgroupCpu> {
  return r.ok ? r : fail(`${path}: ${r.error}`);
}
