// Disk latency: how long a request took on average over the last interval,
// from libvirt's cumulative request counts and request times (block.N.rd.reqs
// and rd.times, likewise wr and fl). Null rather than a guess when a counter
// is unknown (drivers without times), went backwards (device replugged,
// guest restarted), or no request finished in the interval: with no request
// there is no latency to tell, and 0 would read as "fast".

import type { DiskSample } from '../types/sample.js';

/** Mean ms per request between two readings of a request count and its total time (ns). */
export function perRequestMs(
  prevReqs: bigint | null | undefined,
  reqs: bigint | null | undefined,
  prevTimesNs: bigint | null | undefined,
  timesNs: bigint | null | undefined,
): number | null {
  if (prevReqs == null || reqs == null || prevTimesNs == null || timesNs == null) return null;
  const dReqs = reqs - prevReqs;
  const dTimes = timesNs - prevTimesNs;
  if (dReqs <= 0n || dTimes < 0n) return null;
  return Number(dTimes) / Number(dReqs) / 1e6;
}

export interface DiskLatency {
  rdLatencyMs: number | null;
  wrLatencyMs: number | null;
  flLatencyMs: number | null;
  /** reads and writes together: Δ(rd.times + wr.times) / Δ(rd.reqs + wr.reqs); flushes apart, they wait for the whole cache */
  latencyMs: number | null;
}

/** Every latency unknown: a disk seen for the first time, or a guest that is not running. */
export const NO_LATENCY: DiskLatency = { rdLatencyMs: null, wrLatencyMs: null, flLatencyMs: null, latencyMs: null };

function plus(a: bigint | null | undefined, b: bigint | null | undefined): bigint | null {
  return a == null || b == null ? null : a + b;
}

/** A disk's latencies against the same disk in the previous sample (undefined: it was not there). */
export function diskLatency(prev: DiskSample | undefined, cur: DiskSample): DiskLatency {
  if (!prev) return NO_LATENCY;
  return {
    rdLatencyMs: perRequestMs(prev.rdReqs, cur.rdReqs, prev.rdTimesNs, cur.rdTimesNs),
    wrLatencyMs: perRequestMs(prev.wrReqs, cur.wrReqs, prev.wrTimesNs, cur.wrTimesNs),
    flLatencyMs: perRequestMs(prev.flReqs, cur.flReqs, prev.flTimesNs, cur.flTimesNs),
    latencyMs: perRequestMs(plus(prev.rdReqs, prev.wrReqs), plus(cur.rdReqs, cur.wrReqs), plus(prev.rdTimesNs, prev.wrTimesNs), plus(cur.rdTimesNs, cur.wrTimesNs)),
  };
}

/** The worst disk's read/write latency: what a guest waiting on storage feels. Null when no disk has one. */
export function worstLatencyMs(disks: readonly { latencyMs: number | null }[]): number | null {
  let worst: number | null = null;
  for (const d of disks) if (d.latencyMs !== null && (worst === null || d.latencyMs > worst)) worst = d.latencyMs;
  return worst;
}
