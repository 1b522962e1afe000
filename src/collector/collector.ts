// The polling loop: one Snapshot per tick, one HostSample per host in it.
// Ticks never overlap — the next is scheduled when the current one ends,
// so a slow host delays the loop instead of stacking calls on libvirt.

import type { Snapshot } from '../types/sample.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { HostCollector } from './host.js';

export type SnapshotListener = (snap: Snapshot) => void;

export class Collector {
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private inTick: Promise<Snapshot> | null = null;
  private readonly listeners: SnapshotListener[] = [];
  private readonly clock: Clock;
  private early: NodeJS.Timeout | null = null;
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

  /** Takes one sample of every host now (also used by batch mode and tests). */
  tick(): Promise<Snapshot> {
    if (this.inTick) return this.inTick;
    this.inTick = (async () => {
      const monoNs = this.clock.monoNs();
      const wallMs = this.clock.wallMs();
      const samples = await Promise.all(this.hosts.map((h) => h.sample()));
      const snap: Snapshot = Object.freeze({ seq: this.seq++, monoNs, wallMs, hosts: Object.freeze(samples) as never });
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
    await Promise.all(this.hosts.map((h) => h.close()));
  }
}
