// The demo host's pretend workload. libvirt's test driver makes every guest's
// counters grow at the same wall-clock rate, so a demo straight from it shows
// sixteen identical rows; these profiles give each guest the load its role
// suggests (a busy database, bursty CI runner, near-idle mail relay) while
// keeping every counter monotonic, exactly like real libvirt counters.
//
// Pure: every figure is a function of the guest's name and its run time.

/** A rate that swings smoothly around a mean: mean + swing·sin(2πt/period + phase). */
export interface Wave {
  mean: number;
  /** at most `mean`, so the rate never goes below zero */
  swing: number;
  periodSec: number;
  phase: number;
}

/** What one guest role does; rates are per second, busy fractions 0..1. */
export interface RoleProfile {
  /** share of each vCPU kept busy */
  cpuBusy: { mean: number; swing: number; periodSec: number };
  diskReadBps: number;
  diskWriteBps: number;
  netRxBps: number;
  netTxBps: number;
  /** guest-used memory as a share of the balloon */
  memUsedShare: number;
  /** page cache as a share of the balloon */
  memCacheShare: number;
  /** transmit drops per second on the first NIC (a congested guest) */
  txDropPerSec: number;
}

// columns: vCPU busy mean, swing, period s; disk read, write B/s; net rx, tx B/s;
// memory used, cache share; tx drops/s
const ROLES: ReadonlyArray<readonly [RegExp, RoleProfile]> = [
  [/^db-primary/, role(0.4, 0.15, 150, 40e6, 18e6, 12e6, 30e6, 0.86, 0.1)],
  [/^db-/, role(0.22, 0.1, 180, 5e6, 18e6, 18e6, 1e6, 0.8, 0.12)],
  [/^web-/, role(0.3, 0.15, 90, 0.5e6, 1.5e6, 4e6, 25e6, 0.45, 0.3)],
  [/^build/, role(0.5, 0.3, 45, 20e6, 35e6, 8e6, 0.5e6, 0.7, 0.2)],
  // one worker with a saturated uplink, so the drops columns have something to show
  [/^k8s-node-2$/, role(0.36, 0.16, 120, 3e6, 6e6, 15e6, 40e6, 0.66, 0.2, 3)],
  [/^k8s-/, role(0.3, 0.12, 120, 3e6, 6e6, 15e6, 12e6, 0.62, 0.2)],
  [/^win/, role(0.08, 0.05, 300, 0.2e6, 0.4e6, 0.3e6, 0.3e6, 0.55, 0.25)],
  [/^monitor/, role(0.18, 0.05, 60, 1e6, 6e6, 3e6, 1e6, 0.5, 0.35)],
  [/^mail/, role(0.03, 0.02, 240, 0.05e6, 0.1e6, 0.2e6, 0.2e6, 0.3, 0.2)],
];

function role(
  cpuMean: number,
  cpuSwing: number,
  periodSec: number,
  diskReadBps: number,
  diskWriteBps: number,
  netRxBps: number,
  netTxBps: number,
  memUsedShare: number,
  memCacheShare: number,
  txDropPerSec = 0,
): RoleProfile {
  return {
    cpuBusy: { mean: cpuMean, swing: cpuSwing, periodSec },
    diskReadBps,
    diskWriteBps,
    netRxBps,
    netTxBps,
    memUsedShare,
    memCacheShare,
    txDropPerSec,
  };
}

/** FNV-1a: a stable small hash, so a name always gets the same phases. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The profile for a guest name; unknown names get a light load scaled by their hash. */
export function profileFor(name: string): RoleProfile {
  for (const [re, p] of ROLES) if (re.test(name)) return p;
  const k = 0.5 + (nameHash(name) % 100) / 100; // 0.5..1.5
  return role(0.1 * k, 0.05 * k, 200, 0.3e6 * k, 0.6e6 * k, 0.5e6 * k, 0.4e6 * k, 0.4, 0.2);
}

/** ∫₀ᵗ wave(s) ds: the counter a rate following `w` would have reached after `tSec`. */
export function waveIntegral(w: Wave, tSec: number): number {
  const omega = (2 * Math.PI) / w.periodSec;
  return w.mean * tSec + (w.swing / omega) * (Math.cos(w.phase) - Math.cos(omega * tSec + w.phase));
}

/** The rate itself at `tSec`. */
export function waveAt(w: Wave, tSec: number): number {
  return w.mean + w.swing * Math.sin((2 * Math.PI * tSec) / w.periodSec + w.phase);
}

/** Phase in [0, 2π) for the `salt`-th wave of a guest. */
function phaseOf(name: string, salt: number): number {
  return ((nameHash(`${name}#${salt}`) % 6283) / 1000) % (2 * Math.PI);
}

/** A scaled copy of a role rate as a wave with the role's CPU rhythm, swinging ±40 %. */
function rateWave(name: string, salt: number, meanPerSec: number, periodSec: number): Wave {
  return { mean: meanPerSec, swing: meanPerSec * 0.4, periodSec: periodSec * (1 + salt * 0.13), phase: phaseOf(name, salt) };
}

/** Busy share of vCPU `index`: the first vCPUs take more, each with its own phase. */
export function vcpuWave(name: string, index: number, count: number): Wave {
  const p = profileFor(name).cpuBusy;
  // uneven, as schedulers and guest workloads are: vCPU 0 carries interrupts
  const tilt = count > 1 ? 1.25 - (0.5 * index) / (count - 1) : 1;
  const mean = Math.min(0.9, p.mean * tilt);
  const swing = Math.min(mean, p.swing * tilt, 0.98 - mean);
  return { mean, swing, periodSec: p.periodSec * (1 + (index % 3) * 0.21), phase: phaseOf(name, 100 + index) };
}

/** QEMU's own threads (I/O, emulator) on top of the vCPUs, as a share of their time. */
export const EMULATOR_OVERHEAD = 0.04;

/** A device's share of its guest's role rate: the first carries it in full, the
 *  next ones less (the order is the domain XML's, which the collector follows). */
export function deviceShare(index: number): number {
  return 1 / (index + 1);
}

export interface DiskCounters {
  rdBytes: number;
  wrBytes: number;
  rdReq: number;
  wrReq: number;
  /** total time of those requests, ns */
  rdTimesNs: number;
  wrTimesNs: number;
  flReq: number;
  flTimesNs: number;
}

/**
 * Mean ms per read, write and flush request by role: databases on fast
 * storage, build hosts queueing behind their own bursts, Windows desktops on
 * a slow pool; a guest's second disk is slower (a data volume on spinning
 * disks).
 */
const LATENCY_MS: [RegExp, [number, number, number]][] = [
  [/^db-primary/, [0.6, 1.8, 4]],
  [/^db-/, [1.1, 3.2, 6]],
  [/^web-/, [0.35, 0.9, 2]],
  [/^build/, [4.5, 14, 30]],
  [/^k8s-/, [0.9, 2.2, 5]],
  [/^win/, [9, 24, 45]],
  [/^monitor/, [1.5, 5, 9]],
];
const DEFAULT_LATENCY_MS: [number, number, number] = [0.8, 2, 5];

/** One flush every this many writes. */
const WRITES_PER_FLUSH = 25;

/** Average request sizes: reads larger than writes, as on most database and web hosts. */
const READ_IO_BYTES = 32 * 1024;
const WRITE_IO_BYTES = 12 * 1024;

export function diskCounters(name: string, index: number, runSec: number): DiskCounters {
  const p = profileFor(name);
  const share = deviceShare(index);
  const rdBytes = waveIntegral(rateWave(name, 10 + index, p.diskReadBps * share, p.cpuBusy.periodSec), runSec);
  const wrBytes = waveIntegral(rateWave(name, 20 + index, p.diskWriteBps * share, p.cpuBusy.periodSec), runSec);
  const rdReq = rdBytes / READ_IO_BYTES;
  const wrReq = wrBytes / WRITE_IO_BYTES;
  const flReq = wrReq / WRITES_PER_FLUSH;
  const [rdMs, wrMs, flMs] = LATENCY_MS.find(([re]) => re.test(name))?.[1] ?? DEFAULT_LATENCY_MS;
  const slower = 1 + index * 1.5;
  return { rdBytes, wrBytes, rdReq, wrReq, rdTimesNs: rdReq * rdMs * slower * 1e6, wrTimesNs: wrReq * wrMs * slower * 1e6, flReq, flTimesNs: flReq * flMs * slower * 1e6 };
}

export interface NicCounters {
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  txDrop: number;
}

const RX_PACKET_BYTES = 700;
const TX_PACKET_BYTES = 1100;

export function nicCounters(name: string, index: number, runSec: number): NicCounters {
  const p = profileFor(name);
  const share = deviceShare(index);
  const rxBytes = waveIntegral(rateWave(name, 30 + index, p.netRxBps * share, p.cpuBusy.periodSec), runSec);
  const txBytes = waveIntegral(rateWave(name, 40 + index, p.netTxBps * share, p.cpuBusy.periodSec), runSec);
  const txDrop = index === 0 ? p.txDropPerSec * runSec : 0;
  return { rxBytes, txBytes, rxPackets: rxBytes / RX_PACKET_BYTES, txPackets: txBytes / TX_PACKET_BYTES, txDrop };
}

export interface MemoryShares {
  used: number;
  cache: number;
}

/** Guest memory use drifts slowly (±4 % of the balloon over ten minutes). */
export function memoryShares(name: string, runSec: number): MemoryShares {
  const p = profileFor(name);
  const drift = 0.04 * Math.sin((2 * Math.PI * runSec) / 600 + phaseOf(name, 50));
  const used = Math.min(0.97, Math.max(0.05, p.memUsedShare + drift));
  const cache = Math.min(p.memCacheShare, 0.99 - used);
  return { used, cache };
}
