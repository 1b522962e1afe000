// The polling loop: one Snapshot per tick, one HostSample per host in it.
// Ticks never overlap — the next is scheduled when the current one ends,
// so a slow host delays the loop instead of stacking calls on libvirt.

import type { HostSample, Snapshot } from '../types/sample.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { HostCollector } from './host.js';

export type SnapshotListener = (snap: Snapshot) => void;

const FIRST_SAMPLE_DEADLINE_MS = 10_000;
const HUNG_SAMPLE_MS = 30_000;
/** intervals without an answer after which a host is 'unresponsive' */
const UNRESPONSIVE_INTERVALS = 2;

interface PendingSample {
  promise: Promise<HostSample>;
  startedMonoNs: bigint;
}

export class Collector {
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private inTick: Promise<Snapshot> | null = null;
  private readonly listeners: SnapshotListener[] = [];
  private readonly clock: Clock;
  private early: NodeJS.Timeout | null = null;
  /** the newest snapshot, for a listener that arrives after a tick (the TUI starts sampling before it loads) */
  lastSnapshot: Snapshot | null = null;
  private readonly pending = new Map<HostCollector, PendingSample>();
  private readonly answered = new Set<HostCollector>();
  /** how long a tick waits for a slow host; default: the interval, at least 1 s */
  hostDeadlineMs: number | null = null;
  private loopOnce: () => Promise<void> = async () => undefined;

  constructor(
    readonly hosts: HostCollector[],
    private intervalMs: number,
    clock?: Clock,
  ) {
    if (!(intervalMs > 0)) throw new RangeError(`interval must be positive, got ${intervalMs} ms`);
    this.clock = clock ?? systemClock;
  }

  onSnapshot(cb: SnapshotListener): void {
    this.listeners.push(cb);
  }

  get interval(): number {
    return this.intervalMs;
  }

  setInterval(ms: number): void {
    if (!(ms > 0)) throw new RangeError(`interval must be positive, got ${ms} ms`);
    this.intervalMs = ms;
  }

  /**
   * Takes one sample of every host now (also used by batch mode and tests).
   * A host that has not answered by the deadline gets a stale placeholder so
   * the others' data is not held back; its call keeps running and is used by
   * a later tick, and no second call is stacked on it meanwhile.
   */
  tick(): Promise<Snapshot> {
    if (this.inTick) return this.inTick;
    this.inTick = (async () => {
      const monoNs = this.clock.monoNs();
      const wallMs = this.clock.wallMs();
      for (const h of this.hosts) {
        const p = this.pending.get(h);
        // A call stuck far beyond any tick (a reply lost for good, keepalive still
        // satisfied) would hold the host forever: drop its connection and start over.
        if (p && Number(this.clock.monoNs() - p.startedMonoNs) / 1e6 > Math.max(HUNG_SAMPLE_MS, 5 * this.intervalMs)) {
          h.abandon(`no answer for ${Math.round(Number(this.clock.monoNs() - p.startedMonoNs) / 1e9)} s`);
          this.pending.delete(h);
        }
        if (!this.pending.has(h)) this.pending.set(h, { promise: h.sample(), startedMonoNs: this.clock.monoNs() });
      }
      let deadlineMs = this.hostDeadlineMs ?? Math.max(1000, this.intervalMs);
      // Opening a connection (ssh, TLS handshakes) takes longer than a tick: give a
      // host's first answer more time so the first frame is not empty for no reason.
      if (this.hosts.some((h) => !this.answered.has(h))) deadlineMs = Math.max(deadlineMs, FIRST_SAMPLE_DEADLINE_MS);
      let timer: NodeJS.Timeout | null = null;
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), deadlineMs);
      });
      const samples = await Promise.all(
        this.hosts.map(async (h): Promise<HostSample> => {
          const p = this.pending.get(h) as PendingSample;
          const r = await Promise.race([p.promise, deadline]);
          if (r !== 'late') {
            this.pending.delete(h);
            this.answered.add(h);
            return r;
          }
          return this.staleSample(h, p.startedMonoNs);
        }),
      );
      if (timer) clearTimeout(timer);
      const snap: Snapshot = Object.freeze({ seq: this.seq++, monoNs, wallMs, hosts: Object.freeze(samples) as never });
      this.lastSnapshot = snap;
      for (const l of this.listeners) l(snap);
      return snap;
    })().finally(() => {
      this.inTick = null;
    });
    return this.inTick;
  }

  /** Starts ticking: first tick at once, then every interval after each tick ends. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = async (): Promise<void> => {
      if (!this.running) return;
      const started = this.clock.monoNs();
      await this.tick();
      if (!this.running) return;
      const spentMs = Number(this.clock.monoNs() - started) / 1e6;
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(loop, Math.max(0, this.intervalMs - spentMs));
    };
    this.loopOnce = loop;
    void loop();
  }

  /** Reads every host's pools, volumes, networks, leases and autostart flags again at once (the refresh key, an autostart toggle), then samples. */
  refreshInventory(): void {
    for (const h of this.hosts) h.inventory?.refresh();
    this.requestTick(0);
  }

  /**
   * Samples soon rather than at the next interval (a lifecycle event
   * arrived, or an action just ran). Bursts of requests collapse into one
   * tick; a tick in progress is never doubled.
   */
  requestTick(delayMs = 150): void {
    if (!this.running || this.early) return;
    this.early = setTimeout(() => {
      this.early = null;
      if (!this.running || this.inTick) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      void this.loopOnce();
    }, delayMs);
  }

  private staleSample(h: HostCollector, startedMonoNs: bigint): HostSample {
    const monoNs = this.clock.monoNs();
    const waitedSec = Number(monoNs - startedMonoNs) / 1e9;
    return {
      uri: h.uri,
      monoNs,
      wallMs: this.clock.wallMs(),
      // Late once is a slow tick; no answer for more than two intervals is a hung host.
      status: waitedSec * 1000 > UNRESPONSIVE_INTERVALS * this.intervalMs ? 'unresponsive' : 'connected',
      error: `${h.uri}: no answer from libvirt for ${waitedSec.toFixed(1)} s`,
      info: null,
      counters: null,
      domains: [],
      tickLatencyMs: waitedSec * 1000,
      stale: true,
    };
  }

  stop(): void {
    if (this.early) clearTimeout(this.early);
    this.early = null;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async close(): Promise<void> {
    this.stop();
    if (this.inTick) await this.inTick.catch(() => undefined);
    this.pending.clear();
    await Promise.all(this.hosts.map((h) => h.close()));
  }
}
