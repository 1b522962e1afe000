// A LibvirtSource over the demo host (libvirt's test driver) whose guests
// carry the pretend workload of ./workload.ts instead of the test driver's
// identical clock-driven counters. Everything else (states, XML, host facts,
// errors, events) is the test driver's own answer, passed through.
//
// Each guest keeps a run clock that advances only while it runs: pausing
// freezes its counters and starting it again from shut off restarts them
// at zero, as a real hypervisor's counters do.

import type { LibvirtSource } from '../collector/source.js';
import { DomainState, type DomainInfo, type MemoryStats, type RawStatsRecord, type VcpuInfo } from '../libvirt/types.js';
import {
  diskCounters,
  EMULATOR_OVERHEAD,
  memoryShares,
  nameHash,
  nicCounters,
  vcpuWave,
  waveIntegral,
} from './workload.js';

interface RunClock {
  name: string;
  state: DomainState;
  /** seconds this run has been running (paused time excluded) */
  runSec: number;
  /** wall seconds of the last update */
  atSec: number;
  /** device target -> index, in the order the collector first asked */
  disks: Map<string, number>;
  nics: Map<string, number>;
}

/** the guests' balloon stats period in demo/host.xml */
const DEMO_STATS_PERIOD_SEC = 5;

const advances = (s: DomainState): boolean => s === DomainState.Running || s === DomainState.Blocked;
const stopped = (s: DomainState): boolean => s === DomainState.Shutoff || s === DomainState.Crashed;

/** Guests already running when the demo opens have been up for 1 to 40 days. */
function initialRunSec(name: string): number {
  return 86_400 * (1 + (nameHash(name) % 40)) + (nameHash(`${name}@`) % 86_400);
}

const big = (x: number): bigint => BigInt(Math.max(0, Math.round(x)));

export class DemoWorkload {
  readonly #runs = new Map<string, RunClock>();

  constructor(private readonly nowSec: () => number = () => Date.now() / 1000) {}

  /** Records what libvirt says of a guest's state, moving its run clock first. */
  observe(uuid: string, name: string, state: DomainState): RunClock {
    const now = this.nowSec();
    let r = this.#runs.get(uuid);
    if (!r) {
      r = { name, state, runSec: stopped(state) ? 0 : initialRunSec(name), atSec: now, disks: new Map(), nics: new Map() };
      this.#runs.set(uuid, r);
      return r;
    }
    this.#advance(r, now);
    if (stopped(r.state) && !stopped(state)) r.runSec = 0; // a fresh boot
    r.state = state;
    r.name = name;
    return r;
  }

  /** The run clock moved to now, with libvirt's latest state when the call
   *  told it; null for a guest no listing has shown yet. */
  clock(uuid: string, state?: DomainState): RunClock | null {
    const r = this.#runs.get(uuid);
    if (!r) return null;
    return this.observe(uuid, r.name, state ?? r.state);
  }

  #advance(r: RunClock, now: number): void {
    if (advances(r.state) && now > r.atSec) r.runSec += now - r.atSec;
    r.atSec = now;
  }

  cpuTimeNs(r: RunClock, vcpuCount: number): bigint {
    let sec = 0;
    for (let i = 0; i < vcpuCount; i++) sec += waveIntegral(vcpuWave(r.name, i, vcpuCount), r.runSec);
    return big(sec * (1 + EMULATOR_OVERHEAD) * 1e9);
  }

  vcpuTimeNs(r: RunClock, index: number, count: number): bigint {
    return big(waveIntegral(vcpuWave(r.name, index, count), r.runSec) * 1e9);
  }
}

/** A device's index among its guest's, in the order the collector first asked for it. */
function deviceIndex(map: Map<string, number>, target: string): number {
  let i = map.get(target);
  if (i === undefined) {
    i = map.size;
    map.set(target, i);
  }
  return i;
}

/** virDomainState paused, and the virDomainPausedReason codes the demo uses */
const PAUSED = 3;
const PAUSED_USER = 1;
const PAUSED_IOERROR = 5;
/** virDomainDiskErrorCode: no space left on the host storage */
const DISK_ERROR_NOSPACE = 2;

/** Staging's disk filled up (the pause every admin dreads); the others were paused by someone. */
function pauseReason(name: string): number {
  return /^staging/.test(name) ? PAUSED_IOERROR : PAUSED_USER;
}

const stateOf = (rec: RawStatsRecord): DomainState | null => {
  const s = rec.params['state.state'];
  return typeof s === 'number' ? (s as DomainState) : null;
};

/** Wraps a connection to the demo host so its guests look busy in their own ways. */
export function demoSource(inner: LibvirtSource, workload = new DemoWorkload()): LibvirtSource {
  const w = workload;
  let hostCpus: number | null = null;
  return {
    getAllDomainStats: async (stats, flags) => {
      const recs = await inner.getAllDomainStats(stats, flags);
      for (const rec of recs) {
        const s = stateOf(rec);
        if (s !== null) w.observe(rec.uuid, rec.name, s);
      }
      // The test driver pauses without a reason; the demo's pauses have one, so the screens can show it.
      return recs.map((rec) => (stateOf(rec) === PAUSED ? { ...rec, params: { ...rec.params, 'state.reason': pauseReason(rec.name) } } : rec));
    },
    listAllDomains: async (flags) => {
      const list = await inner.listAllDomains(flags);
      for (const d of list) w.observe(d.uuid, d.name, d.state);
      return list;
    },
    domainInfo: async (uuid): Promise<DomainInfo> => {
      const info = await inner.domainInfo(uuid);
      const r = w.clock(uuid, info.state);
      if (!r || stopped(info.state)) return info;
      return { ...info, cpuTimeNs: w.cpuTimeNs(r, info.nrVirtCpu) };
    },
    vcpus: async (uuid): Promise<VcpuInfo[]> => {
      const list = await inner.vcpus(uuid);
      const r = w.clock(uuid);
      if (!r) return list;
      // the host CPU each vCPU last ran on moves every few seconds, as the scheduler would
      const slot = Math.floor(r.atSec / 5);
      return list.map((v) => ({
        ...v,
        cpuTimeNs: w.vcpuTimeNs(r, v.number, list.length),
        cpu: v.cpu < 0 || hostCpus === null ? v.cpu : nameHash(`${r.name}/${v.number}/${slot}`) % hostCpus,
      }));
    },
    blockStats: async (uuid, device) => {
      const st = await inner.blockStats(uuid, device);
      const r = w.clock(uuid);
      if (!r) return st;
      const c = diskCounters(r.name, deviceIndex(r.disks, device), r.runSec);
      return {
        rdReq: big(c.rdReq),
        rdBytes: big(c.rdBytes),
        wrReq: big(c.wrReq),
        wrBytes: big(c.wrBytes),
        errs: 0n,
        rdTimesNs: big(c.rdTimesNs),
        wrTimesNs: big(c.wrTimesNs),
        flReqs: big(c.flReq),
        flTimesNs: big(c.flTimesNs),
      };
    },
    // The test driver gives every disk of every guest an error; the demo's one
    // I/O-error pause (staging) is its first disk filling up.
    diskErrors: async (uuid) => {
      const [first] = await inner.diskErrors(uuid);
      const r = w.clock(uuid);
      return first && r && pauseReason(r.name) === PAUSED_IOERROR ? [{ disk: first.disk, error: DISK_ERROR_NOSPACE }] : [];
    },
    interfaceStats: async (uuid, device) => {
      const st = await inner.interfaceStats(uuid, device);
      const r = w.clock(uuid);
      if (!r) return st;
      const c = nicCounters(r.name, deviceIndex(r.nics, device), r.runSec);
      return {
        rxBytes: big(c.rxBytes),
        rxPackets: big(c.rxPackets),
        rxErrs: 0n,
        rxDrop: 0n,
        txBytes: big(c.txBytes),
        txPackets: big(c.txPackets),
        txErrs: 0n,
        txDrop: big(c.txDrop),
      };
    },
    memoryStats: async (uuid): Promise<MemoryStats> => {
      const st = await inner.memoryStats(uuid);
      const r = w.clock(uuid);
      const balloonKiB = st.actual_balloon;
      if (!r || balloonKiB === undefined) return st;
      const { used, cache } = memoryShares(r.name, r.runSec);
      const kib = (share: number): bigint => big(Number(balloonKiB) * share);
      const unused = kib(1 - used - cache);
      const caches = kib(cache);
      return {
        ...st,
        // QEMU stamps the guest's last report; it polls every stats period
        // (5 s in demo/host.xml). The test driver's own stamp is a constant.
        last_update: BigInt(Math.floor(r.atSec / DEMO_STATS_PERIOD_SEC) * DEMO_STATS_PERIOD_SEC),
        available: balloonKiB,
        unused,
        usable: unused + caches,
        disk_caches: caches,
        // QEMU has touched what the guest used or cached, plus its own few percent
        rss: kib(Math.min(1.02, used + cache + 0.03)),
      };
    },
    domainXml: (uuid, flags) => inner.domainXml(uuid, flags),
    nodeInfo: async () => {
      const node = await inner.nodeInfo();
      hostCpus = node.cpus > 0 ? node.cpus : null;
      return node;
    },
    nodeCpuStats: () => inner.nodeCpuStats(),
    nodeMemoryStats: () => inner.nodeMemoryStats(),
    getHostname: () => inner.getHostname(),
    getLibVersion: () => inner.getLibVersion(),
    close: () => inner.close(),
    onLifecycle: (cb) => inner.onLifecycle(cb),
    onClose: (cb) => inner.onClose(cb),
    setKeepAlive: (interval, count) => inner.setKeepAlive(interval, count),
  };
}
