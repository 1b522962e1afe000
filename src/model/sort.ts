// Ordering of the domain list: active domains first (inactive ones sink to
// the bottom, as in virt-top), then by the chosen key; unknown values sort
// after known ones whatever the direction, so "-" never tops a list.

import { bootKind, type BootKind } from './boot.js';
import type { DomainView } from './view.js';

/** Sort rank of a domain's boot behaviour: what comes back after a host reboot ranks highest. */
const BOOT_RANK: Record<BootKind, number> = { autostart: 2, 'no-autostart': 1, transient: 0 };

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
  // virt-top's one-direction orders (its -o netrx, nettx, blockrdrq, blockwrrq)
  netrx: (d: DomainView) => d.rxBytesPerSec,
  nettx: (d: DomainView) => d.txBytesPerSec,
  blockrdrq: (d: DomainView) => d.rdReqPerSec,
  blockwrrq: (d: DomainView) => d.wrReqPerSec,
  vcpus: (d: DomainView) => d.vcpus,
  host: (d: DomainView) => d.host,
  project: (d: DomainView) => d.openstack?.projectName ?? null,
  rss: (d: DomainView) => d.rssKiB,
  steal: (d: DomainView) => d.stealPercent ?? null,
  latency: (d: DomainView) => d.diskLatencyMs ?? null,
  // autostart first (largest first), then persistent ones without it, then transient:
  // the AUTO column's own decision (bootKind), so the order never disagrees with it
  autostart: (d: DomainView) => {
    const k = bootKind(d);
    return k === null ? null : BOOT_RANK[k];
  },
} satisfies Record<string, (d: DomainView) => number | string | null>;

export type SortKey = keyof typeof SORT_KEYS;

/** Keys whose natural order is ascending (names); numbers default to largest first. */
const ASCENDING_BY_DEFAULT: ReadonlySet<SortKey> = new Set(['name', 'id', 'state', 'host', 'project']);

function sumNullable(a: number | null, b: number | null): number | null {
  if (a === null && b === null) return null;
  return (a ?? 0) + (b ?? 0);
}

export function isSortKey(k: string): k is SortKey {
  return Object.prototype.hasOwnProperty.call(SORT_KEYS, k);
}

// Sorting runs every frame over the whole table (1000 domains), so each
// row's value is read once into an array (not once per comparison), the sort
// moves plain indices, and names go through one shared collator (what
// localeCompare without arguments uses).
const collator = new Intl.Collator();

/** The one order of names everywhere (domains, pools, volumes, networks, guests): the shared collator's. */
export const compareNames: (a: string, b: string) => number = collator.compare;

/** Things with a name, in that order. */
export function byName<T extends { name: string }>(a: T, b: T): number {
  return compareNames(a.name, b.name);
}

export function sortDomains(domains: readonly DomainView[], key: SortKey, reverse = false): DomainView[] {
  const get = SORT_KEYS[key];
  const sign = ASCENDING_BY_DEFAULT.has(key) !== reverse ? 1 : -1;
  const n = domains.length;
  const values: (number | string | null)[] = new Array(n);
  let strings = false;
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = get(domains[i]);
    values[i] = v;
    if (typeof v === 'string') strings = true;
    order[i] = i;
  }
  const byName = (a: number, b: number) => collator.compare(domains[a].name, domains[b].name);
  order.sort((a, b) => {
    const da = domains[a];
    const db = domains[b];
    if (da.active !== db.active) return da.active ? -1 : 1;
    const va = values[a];
    const vb = values[b];
    if (va === null || vb === null) {
      if (va === vb) return byName(a, b);
      return va === null ? 1 : -1;
    }
    // -1/0/1 only: a fractional difference returned from here is a heap number per comparison.
    let c: number;
    if (strings && (typeof va === 'string' || typeof vb === 'string')) c = collator.compare(String(va), String(vb));
    else c = va < vb ? -1 : va > vb ? 1 : 0;
    if (c === 0) return byName(a, b);
    return c < 0 ? -sign : sign;
  });
  const out: DomainView[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = domains[order[i]];
  return out;
}
