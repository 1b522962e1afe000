// Ordering of the domain list: active domains first (inactive ones sink to
// the bottom, as in virt-top), then by the chosen key; unknown values sort
// after known ones whatever the direction, so "-" never tops a list.

import type { DomainView } from './view.js';

export const SORT_KEYS = {
  cpu: (d: DomainView) => d.cpuPercent,
  vcpu: (d: DomainView) => d.vcpuPercent,
  mem: (d: DomainView) => d.memPercent ?? d.memCurrentKiB,
  time: (d: DomainView) => (d.cpuTimeNs === null ? null : Number(d.cpuTimeNs)),
  name: (d: DomainView) => d.name,
  id: (d: DomainView) => d.id,
  state: (d: DomainView) => d.state,
  block: (d: DomainView) => sumNullable(d.rdBytesPerSec, d.wrBytesPerSec),
  blockreq: (d: DomainView) => sumNullable(d.rdReqPerSec, d.wrReqPerSec),
  net: (d: DomainView) => sumNullable(d.rxBytesPerSec, d.txBytesPerSec),
  vcpus: (d: DomainView) => d.vcpus,
  host: (d: DomainView) => d.host,
  rss: (d: DomainView) => d.rssKiB,
  steal: (d: DomainView) => d.stealPercent ?? null,
} satisfies Record<string, (d: DomainView) => number | string | null>;

export type SortKey = keyof typeof SORT_KEYS;

/** Keys whose natural order is ascending (names); numbers default to largest first. */
const ASCENDING_BY_DEFAULT: ReadonlySet<SortKey> = new Set(['name', 'id', 'state', 'host']);

function sumNullable(a: number | null, b: number | null): number | null {
  if (a === null && b === null) return null;
  return (a ?? 0) + (b ?? 0);
}

export function isSortKey(k: string): k is SortKey {
  return Object.prototype.hasOwnProperty.call(SORT_KEYS, k);
}

export function sortDomains(domains: readonly DomainView[], key: SortKey, reverse = false): DomainView[] {
  const get = SORT_KEYS[key];
  const asc = ASCENDING_BY_DEFAULT.has(key) !== reverse;
  return [...domains].sort((a, b) => {
    if (a.active !== b.active) return a.active ? -1 : 1;
    const va = get(a);
    const vb = get(b);
    if (va === null || vb === null) {
      if (va === vb) return a.name.localeCompare(b.name);
      return va === null ? 1 : -1;
    }
    let c: number;
    if (typeof va === 'string' || typeof vb === 'string') c = String(va).localeCompare(String(vb));
    else c = va - vb;
    if (c === 0) return a.name.localeCompare(b.name);
    return asc ? c : -c;
  });
}
