// Synthetic collector snapshots for the model and render benchmarks: one
// host with N domains, each with 2 disks, 2 NICs, 4 vCPUs and a QEMU
// process of 4 vCPU threads plus 2 others, counters that advance every tick
// by a per-domain amount with ±50 % jitter (so rates, and the screen, change
// every tick). Fresh objects every tick, as the collector makes.
// Deterministic (a small LCG), so runs compare.

import type { DomainSample, HostSample, Snapshot, ThreadSample } from '../../src/types/sample.js';

const URI = 'bench:///synthetic';
const TICK_NS = 2_000_000_000n; // 2 s between samples
const START_WALL = 1_700_000_000_000;
/** the synthetic host's CPUs; vCPU threads are spread over them */
const HOST_CPUS = 64;

const mac = (id: number, j: number) => `52:54:00:00:${(id >> 8).toString(16).padStart(2, '0')}:${((id * 2 + j) & 0xff).toString(16).padStart(2, '0')}`;

/** A small deterministic generator of numbers in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface DomainSeed {
  uuid: string;
  name: string;
  id: number;
  pid: number;
  /** mean per-tick increments */
  cpuNs: number;
  rd: number;
  wr: number;
  rx: number;
  tx: number;
  memKiB: bigint;
  /** cumulative counters */
  c: { cpu: bigint; rd: bigint; wr: bigint; rx: bigint; tx: bigint };
  /** the domain's names, made once: they are the same every tick */
  diskPaths: [string, string];
  macs: [string, string];
  taps: [string, string];
}

const VCPU_COMMS = [0, 1, 2, 3].map((v) => `CPU ${v}/KVM`);

export class SyntheticHost {
  private readonly seeds: DomainSeed[] = [];
  private tick = 0;
  private readonly rnd: () => number;

  constructor(readonly n: number) {
    const rnd = lcg(n * 7919 + 1);
    this.rnd = rnd;
    for (let i = 0; i < n; i++) {
      const name = `synth-${String(i).padStart(4, '0')}`;
      const id = i + 1;
      this.seeds.push({
        uuid: `c0000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
        name,
        id,
        pid: 100_000 + i * 10,
        cpuNs: rnd() * 4 * 2e9,
        rd: rnd() * 50e6,
        wr: rnd() * 20e6,
        rx: rnd() * 10e6,
        tx: rnd() * 10e6,
        memKiB: BigInt(1 + Math.floor(rnd() * 16)) * 1048576n,
        c: { cpu: 0n, rd: 0n, wr: 0n, rx: 0n, tx: 0n },
        diskPaths: [`/var/lib/libvirt/images/${name}-vda.qcow2`, `/var/lib/libvirt/images/${name}-vdb.qcow2`],
        macs: [mac(id, 0), mac(id, 1)],
        taps: [`tap${id * 2}`, `tap${id * 2 + 1}`],
      });
    }
  }

  get seq(): number {
    return this.tick;
  }

  private step(mean: number): bigint {
    return BigInt(Math.floor(mean * (0.5 + this.rnd())));
  }

  private domain(s: DomainSeed, t: bigint): DomainSample {
    const c = s.c;
    c.cpu += this.step(s.cpuNs);
    c.rd += this.step(s.rd);
    c.wr += this.step(s.wr);
    c.rx += this.step(s.rx);
    c.tx += this.step(s.tx);
    const threads: ThreadSample[] = [];
    for (let v = 0; v < 4; v++) {
      threads.push({ tid: s.pid + 1 + v, comm: VCPU_COMMS[v], vcpu: v, cpuTimeNs: c.cpu / 4n + BigInt(v) * t, runDelayNs: c.cpu / 40n, lastCpu: (s.id * 4 + v) % HOST_CPUS });
    }
    threads.push({ tid: s.pid, comm: 'qemu-system-x86', vcpu: null, cpuTimeNs: 1_000_000n * t, runDelayNs: 10_000n * t, lastCpu: s.id % HOST_CPUS });
    threads.push({ tid: s.pid + 5, comm: 'IO mon_iothread', vcpu: null, cpuTimeNs: 500_000n * t, runDelayNs: 5_000n * t, lastCpu: (s.id + 1) % HOST_CPUS });
    const disk = (name: string, k: bigint) => ({
      name,
      path: s.diskPaths[k === 1n ? 0 : 1],
      rdReqs: (c.rd / 4096n) * k,
      rdBytes: c.rd * k,
      wrReqs: (c.wr / 4096n) * k,
      wrBytes: c.wr * k,
      errors: 0n,
      capacityBytes: 42_949_672_960n,
      allocationBytes: 10_737_418_240n + c.wr,
    });
    const nic = (name: string, j: number) => ({
      name,
      mac: s.macs[j],
      source: 'default',
      rxBytes: c.rx + BigInt(j) * t,
      rxPkts: c.rx / 1000n,
      rxErrs: 0n,
      rxDrop: 0n,
      txBytes: c.tx + BigInt(j) * t,
      txPkts: c.tx / 1000n,
      txErrs: 0n,
      txDrop: 0n,
    });
    return {
      uuid: s.uuid,
      name: s.name,
      id: s.id,
      state: 'running',
      stateReason: 1,
      persistent: true,
      cpuTimeNs: c.cpu,
      cpuUserNs: (c.cpu * 9n) / 10n,
      cpuSystemNs: c.cpu / 10n,
      vcpusCurrent: 4,
      vcpusMax: 4,
      vcpus: [0, 1, 2, 3].map((v) => ({ vcpu: v, state: 1, timeNs: c.cpu / 4n + BigInt(v) * t, waitNs: 0n, delayNs: c.cpu / 40n })),
      balloon: {
        currentKiB: s.memKiB,
        maximumKiB: s.memKiB,
        availableKiB: s.memKiB - 102_400n,
        unusedKiB: s.memKiB / 2n - (t % 1000n) * 100n,
        usableKiB: s.memKiB / 2n,
        rssKiB: s.memKiB / 2n + 10_000n,
        swapInKiB: 0n,
        swapOutKiB: 0n,
        majorFaults: 100n + t,
        minorFaults: 10_000n + t * 50n,
        diskCachesKiB: 204_800n,
        lastUpdateSec: 1_700_000_000n + t * 2n,
      },
      memMaxKiB: s.memKiB,
      hasBalloon: true,
      balloonStatsPeriodSec: 5,
      disks: [disk('vda', 1n), disk('vdb', 2n)],
      nics: [nic(s.taps[0], 0), nic(s.taps[1], 1)],
      process: {
        pid: s.pid,
        rssKiB: Number(s.memKiB / 2n) + 150_000,
        ioReadBytes: c.rd * 3n,
        ioWriteBytes: c.wr * 3n,
        cpuTimeNs: c.cpu + 1_500_000n * t,
        threads,
        startedWallMs: START_WALL - 86_400_000,
        error: null,
      },
      errors: [],
    };
  }

  /** The next tick's snapshot. */
  next(): Snapshot {
    const t = BigInt(++this.tick);
    const monoNs = TICK_NS * t;
    const wallMs = START_WALL + this.tick * 2000;
    const host: HostSample = {
      uri: URI,
      monoNs,
      wallMs,
      status: 'connected',
      error: null,
      info: { uri: URI, hostname: 'bench-host', model: 'x86_64', cpus: HOST_CPUS, mhz: 2600, memoryKiB: 1_073_741_824n, libvirtVersion: '9.0.0' },
      counters: {
        cpuTotalNs: BigInt(HOST_CPUS) * TICK_NS * t,
        cpuBusyNs: 20n * TICK_NS * t,
        perCpu: Array.from({ length: HOST_CPUS }, (_, cpu) => ({ cpu, totalNs: TICK_NS * t, busyNs: (TICK_NS * t * BigInt(cpu % 10)) / 10n })),
        memTotalKiB: 1_073_741_824n,
        memAvailableKiB: 500_000_000n,
        memFreeKiB: 400_000_000n,
      },
      domains: this.seeds.map((s) => this.domain(s, t)),
      tickLatencyMs: 50,
    };
    return { seq: this.tick, monoNs, wallMs, hosts: [host] };
  }
}
