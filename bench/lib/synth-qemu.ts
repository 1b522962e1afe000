// A synthetic QEMU/KVM host for the end-to-end bench: N domains of mixed
// shape (1-16 vCPUs, 1-4 disks, 1-3 NICs; running, paused, shut off) whose
// bulk-stats records carry every group a QEMU host's do, with counters that
// move each tick, served through the collector's LibvirtSource interface
// (the binding's boundary); and a /proc tree for their QEMU processes and
// threads (plus /run/libvirt/qemu pid files) written under a root directory,
// for the real /proc reader (localProcProbe(root)). Deterministic.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LibvirtSource } from '../../src/collector/source.js';
import { StatsGroup, type DomainListEntry, type ParamValue, type RawStatsRecord } from '../../src/libvirt/types.js';
import { lcg } from './synth.js';

const CLK_TCK = 100;
/** the groups a QEMU host's bulk call gives virtop (collector/host.ts DEFAULT_STATS_MASK) */
const ALL_GROUPS = StatsGroup.State | StatsGroup.CpuTotal | StatsGroup.Balloon | StatsGroup.Vcpu | StatsGroup.Interface | StatsGroup.Block;

interface Thread {
  tid: number;
  comm: string;
  vcpu: number | null;
  /** ns of CPU and of run-queue wait so far */
  cpuNs: bigint;
  waitNs: bigint;
  /** this thread's share of the domain's CPU per tick */
  share: number;
}

export interface SynthDomain {
  uuid: string;
  name: string;
  id: number;
  pid: number;
  /** virDomainState: 1 running, 3 paused, 5 shut off */
  state: 1 | 3 | 5;
  vcpus: number;
  disks: string[];
  nics: string[];
  memKiB: bigint;
  /** mean CPU per tick, ns; per-device mean bytes per tick */
  cpuPerTick: number;
  ioPerTick: number;
  netPerTick: number;
  cpuNs: bigint;
  disk: { rdReqs: bigint; rdBytes: bigint; wrReqs: bigint; wrBytes: bigint; rdNs: bigint; wrNs: bigint; flReqs: bigint; flNs: bigint }[];
  net: { rxBytes: bigint; rxPkts: bigint; txBytes: bigint; txPkts: bigint }[];
  threads: Thread[];
  balloonLastUpdate: bigint;
}

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

export class SynthQemuHost {
  readonly domains: SynthDomain[] = [];
  private readonly rnd: () => number;
  private ticks = 0;
  /** answers built ahead of the calls that will take them (see prepare), each for the groups it was built with */
  private prepared: { mask: number; records: RawStatsRecord[] }[] = [];
  /** the last bulk call's groups that were not every group: what a collector that leaves some out asks for */
  private lastPartialMask: number | null = null;

  constructor(readonly n: number) {
    const rnd = lcg(n * 104729 + 7);
    this.rnd = rnd;
    let id = 1;
    for (let i = 0; i < n; i++) {
      const r = rnd();
      const state: 1 | 3 | 5 = r < 0.85 ? 1 : r < 0.93 ? 3 : 5;
      const vcpus = pick(rnd, [1, 2, 2, 4, 4, 8, 16]);
      const disks = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, k) => `vd${String.fromCharCode(97 + k)}`);
      const nicCount = 1 + Math.floor(rnd() * 3);
      const pid = 200_000 + i * 40;
      const threads: Thread[] = [
        { tid: pid, comm: 'qemu-system-x86', vcpu: null, cpuNs: 0n, waitNs: 0n, share: 0.05 },
        ...Array.from({ length: vcpus }, (_, k) => ({ tid: pid + 2 + k, comm: `CPU ${k}/KVM`, vcpu: k, cpuNs: 0n, waitNs: 0n, share: 0.9 / vcpus })),
        { tid: pid + 1, comm: 'IO mon_iothread', vcpu: null, cpuNs: 0n, waitNs: 0n, share: 0.05 },
      ];
      this.domains.push({
        uuid: `d0000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
        name: `synth-${String(i).padStart(4, '0')}`,
        id: state === 5 ? -1 : id++,
        pid,
        state,
        vcpus,
        disks,
        nics: Array.from({ length: nicCount }, (_, k) => `vnet${i * 3 + k}`),
        memKiB: BigInt(pick(rnd, [1, 2, 4, 8, 16])) * 1048576n,
        cpuPerTick: rnd() * vcpus * 0.6e9,
        ioPerTick: rnd() * 20e6,
        netPerTick: rnd() * 5e6,
        cpuNs: 0n,
        disk: disks.map(() => ({ rdReqs: 0n, rdBytes: 0n, wrReqs: 0n, wrBytes: 0n, rdNs: 0n, wrNs: 0n, flReqs: 0n, flNs: 0n })),
        net: Array.from({ length: nicCount }, () => ({ rxBytes: 0n, rxPkts: 0n, txBytes: 0n, txPkts: 0n })),
        threads,
        balloonLastUpdate: 1_700_000_000n,
      });
    }
  }

  private step(mean: number): bigint {
    return BigInt(Math.floor(mean * (0.5 + this.rnd())));
  }

  /** One interval of work by every running guest. */
  advance(): void {
    this.ticks++;
    for (const d of this.domains) {
      if (d.state !== 1) continue;
      const cpu = this.step(d.cpuPerTick);
      d.cpuNs += cpu;
      for (const t of d.threads) {
        t.cpuNs += BigInt(Math.floor(Number(cpu) * t.share));
        t.waitNs += BigInt(Math.floor(Number(cpu) * t.share * 0.02));
      }
      for (const k of d.disk) {
        // 4 KiB requests of 150 µs (reads) and 400 µs (writes), one flush of 2 ms
        const [rd, wr] = [this.step(d.ioPerTick), this.step(d.ioPerTick / 2)];
        Object.assign(k, { rdBytes: k.rdBytes + rd, rdReqs: k.rdReqs + rd / 4096n, rdNs: k.rdNs + (rd / 4096n) * 150_000n });
        Object.assign(k, { wrBytes: k.wrBytes + wr, wrReqs: k.wrReqs + wr / 4096n, wrNs: k.wrNs + (wr / 4096n) * 400_000n });
        Object.assign(k, { flReqs: k.flReqs + 1n, flNs: k.flNs + 2_000_000n });
      }
      for (const k of d.net) {
        // 1400-byte packets
        const [rx, tx] = [this.step(d.netPerTick), this.step(d.netPerTick / 2)];
        Object.assign(k, { rxBytes: k.rxBytes + rx, rxPkts: k.rxPkts + rx / 1400n, txBytes: k.txBytes + tx, txPkts: k.txPkts + tx / 1400n });
      }
      if (this.ticks % 5 === 0) d.balloonLastUpdate += 5n;
    }
  }

  /**
   * Builds the tick's bulk answers now, so building them (which the real
   * binding does in C++ and N-API) is not timed as the collector's work:
   * `full` answers with every group, and one with the groups of the last
   * call that left some out (the collector that reads /proc asks the same
   * groups tick after tick, but for its full tick every FULL_EVERY).
   */
  prepare(full: number): void {
    const masks = Array.from({ length: full }, () => ALL_GROUPS);
    if (this.lastPartialMask !== null) masks.push(this.lastPartialMask);
    this.prepared = masks.map((mask) => ({ mask, records: this.domains.map((d) => this.record(d, mask)) }));
  }

  /** The record virConnectGetAllDomainStats gives for `d` on a QEMU host (libvirt 9.0's groups), with the groups of `mask`. */
  record(d: SynthDomain, mask = ALL_GROUPS): RawStatsRecord {
    // reason 1: booted, paused by a user, shut down by one
    const p: Record<string, ParamValue> = { 'state.state': d.state, 'state.reason': 1 };
    p['balloon.current'] = d.memKiB;
    p['balloon.maximum'] = d.memKiB;
    if (d.state !== 5) {
      if (mask & StatsGroup.CpuTotal) {
        p['cpu.time'] = d.cpuNs;
        p['cpu.user'] = (d.cpuNs * 7n) / 10n;
        p['cpu.system'] = (d.cpuNs * 2n) / 10n;
      }
      Object.assign(p, {
        'balloon.swap_in': 0n,
        'balloon.swap_out': 0n,
        'balloon.major_fault': 120n,
        'balloon.minor_fault': 50_000n,
        'balloon.unused': d.memKiB / 3n,
        'balloon.available': (d.memKiB * 95n) / 100n,
        'balloon.usable': d.memKiB / 2n,
        'balloon.last-update': d.balloonLastUpdate,
        'balloon.disk_caches': d.memKiB / 10n,
        'balloon.rss': (d.memKiB * 8n) / 10n,
      });
      if (mask & StatsGroup.Vcpu) {
        p['vcpu.current'] = d.vcpus;
        p['vcpu.maximum'] = d.vcpus;
        for (const t of d.threads) {
          if (t.vcpu === null) continue;
          p[`vcpu.${t.vcpu}.state`] = 1;
          p[`vcpu.${t.vcpu}.time`] = t.cpuNs;
          p[`vcpu.${t.vcpu}.wait`] = 0n;
          p[`vcpu.${t.vcpu}.delay`] = t.waitNs;
        }
      }
      if (mask & StatsGroup.Interface) p['net.count'] = d.nics.length;
      if (mask & StatsGroup.Interface) d.nics.forEach((name, k) => {
        const c = d.net[k];
        Object.assign(p, {
          [`net.${k}.name`]: name,
          [`net.${k}.rx.bytes`]: c.rxBytes,
          [`net.${k}.rx.pkts`]: c.rxPkts,
          [`net.${k}.rx.errs`]: 0n,
          [`net.${k}.rx.drop`]: 0n,
          [`net.${k}.tx.bytes`]: c.txBytes,
          [`net.${k}.tx.pkts`]: c.txPkts,
          [`net.${k}.tx.errs`]: 0n,
          [`net.${k}.tx.drop`]: 0n,
        });
      });
      p['block.count'] = d.disks.length;
      d.disks.forEach((name, k) => {
        const c = d.disk[k];
        Object.assign(p, {
          [`block.${k}.name`]: name,
          [`block.${k}.path`]: `/var/lib/libvirt/images/${d.name}-${name}.qcow2`,
          [`block.${k}.backingIndex`]: 1,
          [`block.${k}.rd.reqs`]: c.rdReqs,
          [`block.${k}.rd.bytes`]: c.rdBytes,
          [`block.${k}.rd.times`]: c.rdNs,
          [`block.${k}.wr.reqs`]: c.wrReqs,
          [`block.${k}.wr.bytes`]: c.wrBytes,
          [`block.${k}.wr.times`]: c.wrNs,
          [`block.${k}.fl.reqs`]: c.flReqs,
          [`block.${k}.fl.times`]: c.flNs,
          [`block.${k}.allocation`]: 10n * 1073741824n,
          [`block.${k}.capacity`]: 40n * 1073741824n,
          [`block.${k}.physical`]: 10n * 1073741824n,
        });
      });
    }
    return { name: d.name, uuid: d.uuid, params: p };
  }

  xml(d: SynthDomain): string {
    const disks = d.disks
      .map((t) => `<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/><source file='/var/lib/libvirt/images/${d.name}-${t}.qcow2'/><target dev='${t}' bus='virtio'/></disk>`)
      .join('');
    const nics = d.nics
      .map((t, k) => `<interface type='bridge'><mac address='52:54:00:${(d.pid >> 8) & 0xff}:${d.pid & 0xff}:${k.toString(16).padStart(2, '0')}'/><source bridge='br0'/><target dev='${t}'/><model type='virtio'/></interface>`)
      .join('');
    return `<domain type='kvm'><name>${d.name}</name><uuid>${d.uuid}</uuid><memory unit='KiB'>${d.memKiB}</memory><currentMemory unit='KiB'>${d.memKiB}</currentMemory><vcpu placement='static'>${d.vcpus}</vcpu><devices>${disks}${nics}<memballoon model='virtio'><stats period='5'/></memballoon></devices></domain>`;
  }

  /** The host as the collector's libvirt connection sees it. */
  source(): LibvirtSource {
    const byUuid = new Map(this.domains.map((d) => [d.uuid, d]));
    const list = (): DomainListEntry[] => this.domains.map((d) => ({ name: d.name, uuid: d.uuid, id: d.id, state: d.state, persistent: true, active: d.state !== 5 }));
    const unsupported = async (): Promise<never> => {
      throw Object.assign(new Error('this function is not supported by the synthetic host'), { code: 3 });
    };
    return {
      getAllDomainStats: async (asked: number) => {
        const mask = asked & ALL_GROUPS;
        if (mask !== ALL_GROUPS) this.lastPartialMask = mask;
        const i = this.prepared.findIndex((p) => p.mask === mask);
        if (i >= 0) return this.prepared.splice(i, 1)[0].records;
        return this.domains.map((d) => this.record(d, mask));
      },
      listAllDomains: async () => list(),
      domainXml: async (uuid: string) => {
        const d = byUuid.get(uuid);
        if (!d) throw Object.assign(new Error(`Domain not found: ${uuid}`), { code: 42 });
        return this.xml(d);
      },
      nodeInfo: async () => ({ model: 'x86_64', memoryKiB: 1024n * 1048576n, cpus: 128, mhz: 2600, nodes: 2, sockets: 2, cores: 32, threads: 2 }),
      nodeCpuStats: async () => ({ kernelNs: 1n, userNs: 2n, idleNs: 3n, iowaitNs: 0n }),
      nodeMemoryStats: unsupported,
      getHostname: async () => 'synthetic',
      getLibVersion: async () => 9_000_000,
      domainInfo: unsupported,
      blockStats: unsupported,
      interfaceStats: unsupported,
      memoryStats: unsupported,
      vcpus: unsupported,
      diskErrors: async () => [],
      close: async () => undefined,
      onLifecycle: () => -1,
      onClose: () => undefined,
      setKeepAlive: unsupported,
    } as unknown as LibvirtSource;
  }

  private statLine(pid: number, t: Thread, startTicks: number, processor: number, rssPages: number): string {
    const ticks = t.cpuNs / (1_000_000_000n / BigInt(CLK_TCK));
    const f: (string | number | bigint)[] = [t.tid, `(${t.comm})`, 'S', 1, pid, pid, 0, -1, 4194304, 4973, 0, 0, 0, (ticks * 8n) / 10n, (ticks * 2n) / 10n, 0, 0, 20, 0, 1, 0, startTicks, 1666494464, rssPages];
    while (f.length < 38) f.push(0);
    f.push(17, processor);
    while (f.length < 52) f.push(0);
    return `${f.join(' ')}\n`;
  }

  /** Writes the /proc tree (and pid files) of every active guest under `root`; again each tick for the counters. */
  writeProc(root: string, first: boolean): void {
    if (first) {
      mkdirSync(join(root, 'run/libvirt/qemu'), { recursive: true });
      mkdirSync(join(root, 'proc/self'), { recursive: true });
      mkdirSync(join(root, 'proc/net'), { recursive: true });
      // cgroup v2 alone, as on a systemd host; the domains' groups in libvirt's cgroupfs layout.
      writeFileSync(join(root, 'proc/self/mountinfo'), '25 21 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw\n');
      writeFileSync(join(root, 'proc/stat'), 'cpu  100 0 100 1000 0 0 0 0 0 0\ncpu0 100 0 100 1000 0 0 0 0 0 0\nbtime 1700000000\n');
      writeFileSync(join(root, 'proc/meminfo'), 'MemTotal:       1073741824 kB\nMemFree:        536870912 kB\nMemAvailable:   805306368 kB\n');
    }
    for (const d of this.domains) {
      if (d.state === 5) continue;
      const base = join(root, 'proc', String(d.pid));
      if (first) {
        mkdirSync(join(base, 'task'), { recursive: true });
        writeFileSync(join(root, 'run/libvirt/qemu', `${d.name}.pid`), `${d.pid}`);
        writeFileSync(join(base, 'cmdline'), `/usr/bin/qemu-system-x86_64\0-name\0guest=${d.name},debug-threads=on\0`);
        writeFileSync(join(base, 'comm'), 'qemu-system-x86\n');
        writeFileSync(join(base, 'cgroup'), `0::${this.cgroupOf(d)}/emulator\n`);
        mkdirSync(join(root, 'sys/fs/cgroup', this.cgroupOf(d)), { recursive: true });
        for (const t of d.threads) {
          mkdirSync(join(base, 'task', String(t.tid)), { recursive: true });
          writeFileSync(join(base, 'task', String(t.tid), 'comm'), `${t.comm}\n`);
        }
      }
      const usec = d.cpuNs / 1000n;
      writeFileSync(join(root, 'sys/fs/cgroup', this.cgroupOf(d), 'cpu.stat'), `usage_usec ${usec}\nuser_usec ${(usec * 7n) / 10n}\nsystem_usec ${(usec * 2n) / 10n}\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n`);
      const rssKiB = Number((d.memKiB * 8n) / 10n);
      const main = d.threads[0];
      const total: Thread = { ...main, tid: d.pid, cpuNs: d.threads.reduce((s, t) => s + t.cpuNs, 0n) };
      writeFileSync(join(base, 'stat'), this.statLine(d.pid, total, 50_000, 0, rssKiB / 4));
      writeFileSync(join(base, 'status'), `Name:\tqemu-system-x86\nState:\tS (sleeping)\nTgid:\t${d.pid}\nPid:\t${d.pid}\nPPid:\t1\nVmRSS:\t${rssKiB} kB\nThreads:\t${d.threads.length}\n`);
      writeFileSync(join(base, 'io'), `rchar: 0\nwchar: 0\nsyscr: 0\nsyscw: 0\nread_bytes: ${d.disk.reduce((s, k) => s + k.rdBytes, 0n)}\nwrite_bytes: ${d.disk.reduce((s, k) => s + k.wrBytes, 0n)}\ncancelled_write_bytes: 0\n`);
      d.threads.forEach((t, k) => {
        const dir = join(base, 'task', String(t.tid));
        writeFileSync(join(dir, 'stat'), this.statLine(d.pid, t, 50_000, k % 128, rssKiB / 4));
        writeFileSync(join(dir, 'schedstat'), `${t.cpuNs} ${t.waitNs} ${this.ticks * 10}\n`);
      });
    }
    writeFileSync(join(root, 'proc/net/dev'), this.netDev());
  }

  /** The domain's cgroup (v2, libvirt's cgroupfs layout). */
  cgroupOf(d: SynthDomain): string {
    return `/machine/qemu-${d.id}-${d.name}.libvirt-qemu`;
  }

  /** /proc/net/dev: the host's own interfaces and every running guest's taps, in the host's view (what a guest sends, its tap receives). */
  private netDev(): string {
    const row = (name: string, rxB: bigint, rxP: bigint, txB: bigint, txP: bigint) =>
      `${name.padStart(6)}: ${rxB} ${rxP} 0 0 0 0 0 0 ${txB} ${txP} 0 0 0 0 0 0\n`;
    const lines = [
      'Inter-|   Receive                                                |  Transmit\n',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n',
      row('lo', 1000n, 10n, 1000n, 10n),
      row('br0', 5000n, 50n, 6000n, 60n),
    ];
    for (const d of this.domains) {
      if (d.state === 5) continue;
      d.nics.forEach((name, k) => lines.push(row(name, d.net[k].txBytes, d.net[k].txPkts, d.net[k].rxBytes, d.net[k].rxPkts)));
    }
    return lines.join('');
  }

  /** Files a tick's /proc reads open: 3 per QEMU process and 2 per thread. */
  procFiles(): number {
    return this.domains.filter((d) => d.state !== 5).reduce((s, d) => s + 3 + 2 * d.threads.length, 0);
  }
}

