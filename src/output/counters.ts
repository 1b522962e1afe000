// The cumulative counters behind a domain's rates, as the formatters print
// them: decimal strings (they can pass 2^53), totals over its devices.

import { sumCounters } from '../model/rates.js';
import type { DomainView } from '../model/view.js';

export const counterText = (v: bigint | null | undefined): string | null => (v === null || v === undefined ? null : v.toString());

/** A domain's total of one device counter; null unless every device reports it. */
function total<T>(devices: readonly T[], pick: (d: T) => bigint | null | undefined): string | null {
  if (devices.length === 0) return null;
  return counterText(sumCounters(devices.map((d) => pick(d) ?? null)));
}

export interface DomainCounters {
  rdBytes: string | null;
  wrBytes: string | null;
  rdReqs: string | null;
  wrReqs: string | null;
  rxBytes: string | null;
  txBytes: string | null;
  rxPkts: string | null;
  txPkts: string | null;
}

export function domainCounters(d: DomainView): DomainCounters {
  return {
    rdBytes: total(d.disks, (k) => k.rdBytes),
    wrBytes: total(d.disks, (k) => k.wrBytes),
    rdReqs: total(d.disks, (k) => k.rdReqs),
    wrReqs: total(d.disks, (k) => k.wrReqs),
    rxBytes: total(d.nics, (n) => n.rxBytes),
    txBytes: total(d.nics, (n) => n.txBytes),
    rxPkts: total(d.nics, (n) => n.rxPkts),
    txPkts: total(d.nics, (n) => n.txPkts),
  };
}

/** The monotonic stamp of the domain's libvirt reading, in ms (3 decimals); null when unknown. */
export function statsMonoMs(d: DomainView): number | null {
  return monoMs(d.statsMonoNs);
}

/** The monotonic stamp of the domain's /proc scan, in ms (3 decimals); null when /proc is not read. */
export function procMonoMs(d: DomainView): number | null {
  return monoMs(d.procMonoNs ?? null);
}

function monoMs(ns: bigint | null): number | null {
  return ns === null ? null : Math.round(Number(ns) / 1e3) / 1e3;
}
