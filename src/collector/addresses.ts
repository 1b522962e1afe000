// Guest IP addresses, off the hot path. virDomainInterfaceAddresses can be
// slow (the agent source talks to the guest, ARP reads the host's tables),
// and addresses change rarely, so a per-host poller looks them up on its own
// connection, at most every `intervalMs` per domain (or soon after a
// lifecycle event), never awaited by a tick. Each tick only merges the last
// answers into the samples.
//
// Sources are tried in order — lease (libvirt's dnsmasq), agent (qemu-guest-
// agent; needs a read-write connection), ARP (the host's neighbour table) —
// and the first that gives at least one address wins; the winner is shown.
// Where libvirt's ARP source fails (libvirt 9.0: "wrong nlmsg len") and the
// host is this machine, its /proc/net/arp is read instead ('arp-table').

import { ErrorCode } from '../libvirt/errors.js';
import type { NeighbourEntry } from '../procfs/neigh.js';
import type { AddressSource, DomainAddresses, GuestInterface, GuestIpAddress } from '../types/sample.js';
import { systemClock, type Clock } from '../util/clock.js';
import { SlowLoop } from './slow-loop.js';
import { errorCode, errorMessage } from './source.js';

type LibvirtAddressSource = Exclude<AddressSource, 'arp-table'>;
/** virDomainInterfaceAddressesSource. */
export const ADDRESS_SOURCE_CODE: Record<LibvirtAddressSource, number> = { lease: 0, agent: 1, arp: 2 };
export const DEFAULT_ADDRESS_SOURCES: readonly LibvirtAddressSource[] = ['lease', 'agent', 'arp'];

/** One interface as the binding returns it (type may be a number, as in virIPAddrType, or a name). */
export interface RawInterfaceAddresses {
  name: string;
  hwaddr: string | null;
  addrs: { type: number | string; addr: string; prefix: number | null }[];
}

/** What the poller needs from a libvirt connection. */
export interface AddressLookup {
  interfaceAddresses(uuid: string, source: number): Promise<RawInterfaceAddresses[]>;
  close(): Promise<void>;
}

export interface AddressPollerOptions {
  /** opens the poller's own connection (not the one ticks use) */
  connect: () => Promise<AddressLookup>;
  /** how often a domain's addresses are looked up again, default 30 s */
  intervalMs?: number;
  /** after a lifecycle event, retry this often until an address shows (a booting guest has none yet), default 5 s */
  retryMs?: number;
  /** how long the fast retries go on after an event, default 120 s */
  retryForMs?: number;
  sources?: readonly LibvirtAddressSource[];
  /** the host's neighbour table (local hosts only): read when libvirt's ARP source fails */
  neighbours?: () => Promise<NeighbourEntry[]>;
  clock?: Clock;
  /** lookups in flight at once */
  concurrency?: number;
}

// Errors that say a source will never work on this connection or driver
// (OperationDenied: the agent source on a read-only connection). Anything
// else is per domain and tried again next round — notably
// ArgumentUnsupported, "QEMU guest agent is not configured" for one guest.
const SOURCE_UNUSABLE = new Set<number>([ErrorCode.NoSupport, ErrorCode.OperationDenied, ErrorCode.OperationUnsupported, ErrorCode.AccessDenied]);

function ipType(t: number | string, addr: string): 'ipv4' | 'ipv6' {
  if (t === 0 || t === 'ipv4') return 'ipv4';
  if (t === 1 || t === 'ipv6') return 'ipv6';
  return addr.includes(':') ? 'ipv6' : 'ipv4';
}

/** Binding output → the sample's shape: MACs lower-cased, addresses typed, sorted v4 first. */
export function parseInterfaceAddresses(raw: readonly RawInterfaceAddresses[]): GuestInterface[] {
  return raw.map((r) => {
    const addrs: GuestIpAddress[] = (r.addrs ?? [])
      .filter((a) => typeof a.addr === 'string' && a.addr !== '')
      .map((a) => ({
        type: ipType(a.type, a.addr),
        addr: a.addr,
        // ARP knows no prefix and says 0: unknown, not /0.
        prefix: typeof a.prefix === 'number' && a.prefix > 0 ? a.prefix : null,
      }));
    addrs.sort((a, b) => (a.type === b.type ? 0 : a.type === 'ipv4' ? -1 : 1));
    return { name: r.name, hwaddr: r.hwaddr ? r.hwaddr.toLowerCase() : null, addrs };
  });
}

/** True when an answer carries at least one address worth showing. */
export function hasAddresses(ifaces: readonly GuestInterface[]): boolean {
  return ifaces.some((i) => i.addrs.length > 0);
}

/** A domain the poller should know about this tick. */
export interface AddressTarget {
  uuid: string;
  active: boolean;
  /** number of NICs; a domain without any is not looked up */
  nics: number;
  /** the NICs' MACs, for the neighbour-table fallback */
  macs?: readonly (string | null)[];
}

interface Entry {
  result: DomainAddresses | null;
  /** wall ms when the next lookup is due */
  dueMs: number;
  /** fast retries go on until this wall time */
  retryUntilMs: number;
  macs: readonly string[];
}

export class AddressPoller {
  private readonly loop: SlowLoop<AddressLookup>;
  private readonly entries = new Map<string, Entry>();
  private readonly unusable = new Map<AddressSource, string>();
  private readonly clock: Clock;
  /** lookups done, for tests and the status of the poller */
  lookups = 0;

  constructor(
    readonly uri: string,
    private readonly opts: AddressPollerOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.loop = new SlowLoop(opts.connect);
  }

  private get intervalMs(): number {
    return this.opts.intervalMs ?? 30_000;
  }

  /** The last answer for a domain, or undefined when none yet. */
  get(uuid: string): DomainAddresses | null | undefined {
    const e = this.entries.get(uuid);
    return e ? (e.result ?? undefined) : undefined;
  }

  /** A lifecycle event for this domain: look it up soon, and keep retrying for a while (a booting guest has no address yet). */
  invalidate(uuid: string): void {
    const now = this.clock.wallMs();
    const e = this.entries.get(uuid);
    const retryUntilMs = now + (this.opts.retryForMs ?? 120_000);
    if (e) {
      e.dueMs = now;
      e.retryUntilMs = retryUntilMs;
    } else this.entries.set(uuid, { result: null, dueMs: now, retryUntilMs, macs: [] });
  }

  /**
   * Called once per tick with the domains seen: forgets the gone and the
   * inactive, and starts a background lookup round if any domain is due and
   * none is running. Returns at once; the round is never awaited by the tick.
   */
  update(targets: readonly AddressTarget[]): void {
    if (this.loop.closed) return;
    const now = this.clock.wallMs();
    const live = new Set<string>();
    for (const t of targets) {
      if (!t.active || t.nics === 0) continue;
      live.add(t.uuid);
      const macs = (t.macs ?? []).filter((m): m is string => m !== null).map((m) => m.toLowerCase());
      const e = this.entries.get(t.uuid);
      if (e) e.macs = macs;
      else this.entries.set(t.uuid, { result: null, dueMs: now, retryUntilMs: 0, macs });
    }
    for (const k of [...this.entries.keys()]) if (!live.has(k)) this.entries.delete(k);
    if (this.loop.busy) return;
    const due = [...this.entries.entries()].filter(([, e]) => e.dueMs <= now).map(([k]) => k);
    if (due.length === 0) return;
    this.loop.start(() => this.round(due));
  }

  /** Resolves when the round in flight (if any) is over; for tests and shutdown. */
  settle(): Promise<void> {
    return this.loop.settle();
  }

  close(): Promise<void> {
    return this.loop.close();
  }

  private async round(uuids: string[]): Promise<void> {
    const c = await this.loop.connection().catch(() => null);
    if (!c) {
      // No connection for now: try again after the usual interval.
      const next = this.clock.wallMs() + this.intervalMs;
      for (const u of uuids) {
        const e = this.entries.get(u);
        if (e) e.dueMs = next;
      }
      return;
    }
    const limit = Math.max(1, this.opts.concurrency ?? 2);
    let i = 0;
    const worker = async (): Promise<void> => {
      while (i < uuids.length && !this.loop.closed) {
        const uuid = uuids[i++];
        const result = await this.lookup(c, uuid, this.entries.get(uuid)?.macs ?? []);
        const e = this.entries.get(uuid);
        if (!e) continue; // went away meanwhile
        const now = this.clock.wallMs();
        e.result = result;
        const found = result.source !== null;
        e.dueMs = now + (!found && now < e.retryUntilMs ? (this.opts.retryMs ?? 5000) : this.intervalMs);
        if (found) e.retryUntilMs = 0;
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, uuids.length) }, worker));
  }

  private async lookup(c: AddressLookup, uuid: string, macs: readonly string[]): Promise<DomainAddresses> {
    let lastError: string | null = null;
    for (const source of this.opts.sources ?? DEFAULT_ADDRESS_SOURCES) {
      const why = this.unusable.get(source);
      if (why !== undefined) {
        lastError = why;
        continue;
      }
      try {
        this.lookups++;
        const ifaces = parseInterfaceAddresses(await c.interfaceAddresses(uuid, ADDRESS_SOURCE_CODE[source]));
        if (hasAddresses(ifaces)) return { source, interfaces: ifaces, atWallMs: this.clock.wallMs(), error: null };
      } catch (e) {
        const code = errorCode(e);
        lastError = `${source}: ${errorMessage(e)}`;
        // A source the driver or a read-only connection cannot do is skipped from now on.
        if (code !== null && SOURCE_UNUSABLE.has(code)) this.unusable.set(source, lastError);
        if (source === 'arp' && this.opts.neighbours) {
          const fromTable = await this.fromNeighbourTable(macs);
          if (fromTable.ifaces && hasAddresses(fromTable.ifaces)) {
            return { source: 'arp-table', interfaces: fromTable.ifaces, atWallMs: this.clock.wallMs(), error: null };
          }
          lastError = `${lastError}; ${fromTable.why}`;
        }
      }
    }
    return { source: null, interfaces: [], atWallMs: this.clock.wallMs(), error: lastError };
  }

  /** The guest's MACs looked up in the host's neighbour table: one interface per MAC found. */
  private async fromNeighbourTable(macs: readonly string[]): Promise<{ ifaces: GuestInterface[] | null; why: string }> {
    if (macs.length === 0) return { ifaces: null, why: 'arp-table: the domain has no known MAC' };
    let table: NeighbourEntry[];
    try {
      table = await (this.opts.neighbours as () => Promise<NeighbourEntry[]>)();
    } catch (e) {
      return { ifaces: null, why: `arp-table: ${(e as Error).message}` };
    }
    const ifaces: GuestInterface[] = [];
    for (const mac of macs) {
      const hits = table.filter((n) => n.mac === mac);
      if (hits.length) ifaces.push({ name: hits[0].device, hwaddr: mac, addrs: hits.map((n) => ({ type: 'ipv4' as const, addr: n.ip, prefix: null })) });
    }
    return { ifaces, why: 'arp-table: no entry for its MACs in /proc/net/arp' };
  }
}
