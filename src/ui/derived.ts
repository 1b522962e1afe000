// The rows each view shows, derived from the model's view and the UI state
// and kept until either changes: the domain table's filtered, sorted (and
// grouped) rows, the list views' rows, and the keys a list cursor can land
// on. Drawing and input both read them, so they are worked out once.

import { sortDomains } from '../model/sort.js';
import type { DomainView, ModelView } from '../model/view.js';
import { filterDomains } from './filter.js';
import type { Frame } from './frame.js';
import { cpuRows, type CpuRow } from './panes/cpus.js';
import { diskRows, type DiskRef } from './panes/disks.js';
import { nicRows, type NicRef } from './panes/nics.js';
import { networkOpens, networkRowDomain, networkRows, type NetworkRow } from './panes/networks.js';
import { noisyRows } from './panes/noisy.js';
import { storageOpens, storageRows, type StorageRow } from './panes/storage.js';
import type { UiState } from './state-types.js';

export interface TableRows {
  rows: DomainView[];
  keys: string[];
}

export class DerivedRows {
  private rowsCache: { view: ModelView; sort: string; reverse: boolean; filter: string; group: boolean; rows: DomainView[]; keys: string[] } | null = null;
  private listCache: { rows: readonly DomainView[]; view: ModelView; cpus: CpuRow[]; nics: NicRef[]; disks: DiskRef[] } | null = null;
  private noisyCache: { rows: readonly DomainView[]; view: ModelView; noisy: DomainView[] } | null = null;
  private inventoryCache: { view: ModelView; opened: UiState['opened']; storage: StorageRow[]; networks: NetworkRow[] } | null = null;

  /** The domain table's rows: filtered, sorted, and grouped by host when asked. */
  rows(view: ModelView, s: UiState): TableRows {
    const c = this.rowsCache;
    if (c && c.view === view && c.sort === s.sort && c.reverse === s.reverse && c.filter === s.filter && c.group === s.groupByHost) return c;
    // sortDomains copies, so without a filter the view's own array can go in.
    let rows = sortDomains(s.filter.trim() ? filterDomains(view.domains, s.filter) : view.domains, s.sort, s.reverse);
    if (s.groupByHost && view.hosts.length > 1) {
      // Stable: within a host the chosen sort order stays.
      const order = new Map(view.hosts.map((h, i) => [h.uri, i]));
      rows = rows.map((d, i) => ({ d, i })).sort((a, b) => (order.get(a.d.host) ?? 0) - (order.get(b.d.host) ?? 0) || a.i - b.i).map((x) => x.d);
    }
    const next = { view, sort: s.sort, reverse: s.reverse, filter: s.filter, group: s.groupByHost, rows, keys: rows.map((d) => d.key) };
    this.rowsCache = next;
    return next;
  }

  /** Rows of views 1-3 (vCPUs, NICs, disks) for the table's rows. */
  lists(frame: Frame): { cpus: CpuRow[]; nics: NicRef[]; disks: DiskRef[] } {
    const c = this.listCache;
    if (c && c.rows === frame.rows && c.view === frame.view) return c;
    const next = { rows: frame.rows, view: frame.view, cpus: cpuRows(frame), nics: nicRows(frame.rows), disks: diskRows(frame.rows) };
    this.listCache = next;
    return next;
  }

  /** Rows of view 4 (noisy neighbours), recomputed when the data or the filter changes. */
  noisy(frame: Frame): DomainView[] {
    const c = this.noisyCache;
    if (c && c.rows === frame.rows && c.view === frame.view) return c.noisy;
    const noisy = noisyRows(frame.rows);
    this.noisyCache = { rows: frame.rows, view: frame.view, noisy };
    return noisy;
  }

  private inventory(frame: Frame): { storage: StorageRow[]; networks: NetworkRow[] } {
    const c = this.inventoryCache;
    if (c && c.view === frame.view && c.opened === frame.state.opened) return c;
    const next = { view: frame.view, opened: frame.state.opened, storage: storageRows(frame), networks: networkRows(frame) };
    this.inventoryCache = next;
    return next;
  }

  /** Rows of view 5: pools, each followed by its volumes. */
  storage(frame: Frame): StorageRow[] {
    return this.inventory(frame).storage;
  }

  /** Rows of view 6: networks, each followed by its leases. */
  networks(frame: Frame): NetworkRow[] {
    return this.inventory(frame).networks;
  }

  /** Per row of the list view shown, the domain Enter opens (null: the row is not a domain's). */
  listKeys(frame: Frame, logEntries: number): (string | null)[] {
    switch (frame.state.view) {
      case 'cpus':
        return this.lists(frame).cpus.map(() => null);
      case 'nics':
        return this.lists(frame).nics.map((r) => r.d.key);
      case 'disks':
        return this.lists(frame).disks.map((r) => r.d.key);
      case 'hosts':
        return frame.view.hosts.map(() => null);
      case 'log':
        return new Array<null>(logEntries).fill(null);
      case 'noisy':
        return this.noisy(frame).map((d) => d.key);
      case 'storage':
        // A volume's row opens the domain using it; a pool's opens the pool (listOpens).
        return this.storage(frame).map((r) => (r.volume ? domainKeyByName(frame.view, r.host, r.volume.usedBy[0]) : null));
      case 'networks':
        // A lease's or a tap's row opens its domain.
        return this.networks(frame).map((r) => domainKeyByName(frame.view, r.host, networkRowDomain(r)));
      default:
        return [];
    }
  }

  /** Views 5 and 6: per row, the pool or network Enter opens; null elsewhere. */
  listOpens(frame: Frame): (string | null)[] | undefined {
    if (frame.state.view === 'storage') return storageOpens(this.storage(frame));
    if (frame.state.view === 'networks') return networkOpens(this.networks(frame));
    return undefined;
  }
}

/** The key of the domain called `name` on `host`, if the model has it. */
function domainKeyByName(view: ModelView, host: string, name: string | null | undefined): string | null {
  if (!name) return null;
  return view.domains.find((d) => d.host === host && d.name === name)?.key ?? null;
}
