import { afterEach, describe, expect, it, vi } from 'vitest';
import { Collector } from '../../../src/collector/collector.js';
import type { HostCollector } from '../../../src/collector/host.js';
import type { HostSample } from '../../../src/types/sample.js';

function fakeHost(delayMs: () => number) {
  let inFlight = 0;
  let peak = 0;
  let calls = 0;
  const host = {
    uri: 'fake:///',
    async sample(): Promise<HostSample> {
      calls++;
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, delayMs()));
      inFlight--;
      return { uri: 'fake:///', monoNs: 0n, wallMs: 0, status: 'connected', error: null, info: null, counters: null, domains: [], tickLatencyMs: 0 };
    },
    async close() {},
    abandoned: [] as string[],
    abandon(why: string) {
      this.abandoned.push(why);
    },
  };
  return { host: host as unknown as HostCollector, stats: () => ({ calls, peak }) };
}

afterEach(() => vi.useRealTimers());

// Follows vi's fake Date so "time spent in a tick" is fake time too.
const fakeClock = { monoNs: () => BigInt(Date.now()) * 1_000_000n, wallMs: () => Date.now() };

describe('Collector', () => {
  it('never overlaps ticks: a slow host delays the next one', async () => {
    vi.useFakeTimers();
    const { host, stats } = fakeHost(() => 250); // slower than the interval
    const c = new Collector([host], 100, fakeClock);
    const seqs: number[] = [];
    c.onSnapshot((s) => seqs.push(s.seq));
    c.start();
    await vi.advanceTimersByTimeAsync(1010);
    c.stop();
    expect(stats().peak).toBe(1);
    expect(seqs).toEqual([0, 1, 2, 3]); // 4 ticks of 250 ms in 1 s, back to back
  });

  it('keeps the interval when ticks are fast', async () => {
    vi.useFakeTimers();
    const { host } = fakeHost(() => 10);
    const c = new Collector([host], 200, fakeClock);
    let n = 0;
    c.onSnapshot(() => n++);
    c.start();
    await vi.advanceTimersByTimeAsync(1050);
    c.stop();
    expect(n).toBe(6); // t = 0, 200, 400, 600, 800, 1000
  });

  it('requestTick samples early, collapsing bursts', async () => {
    vi.useFakeTimers();
    const { host, stats } = fakeHost(() => 5);
    const c = new Collector([host], 10_000, fakeClock);
    c.start();
    await vi.advanceTimersByTimeAsync(50);
    expect(stats().calls).toBe(1);
    c.requestTick(100);
    c.requestTick(100);
    c.requestTick(100);
    await vi.advanceTimersByTimeAsync(200);
    expect(stats().calls).toBe(2);
    c.stop();
  });

  it('refreshInventory asks every host’s pools and networks loop to read again, and samples at once', async () => {
    vi.useFakeTimers();
    const a = fakeHost(() => 5);
    const b = fakeHost(() => 5);
    const refreshed: string[] = [];
    (a.host as unknown as { inventory: unknown }).inventory = { refresh: () => refreshed.push('a') };
    // b has no loop (inventory reading off): nothing to ask.
    (b.host as unknown as { inventory: unknown }).inventory = null;
    const c = new Collector([a.host, b.host], 10_000, fakeClock);
    c.start();
    await vi.advanceTimersByTimeAsync(50);
    c.refreshInventory();
    await vi.advanceTimersByTimeAsync(50);
    expect(refreshed).toEqual(['a']);
    expect(a.stats().calls).toBe(2);
    c.stop();
  });

  it('tick() while a tick runs returns the same snapshot', async () => {
    const { host, stats } = fakeHost(() => 20);
    const c = new Collector([host], 1000);
    const [a, b] = await Promise.all([c.tick(), c.tick()]);
    expect(a).toBe(b);
    expect(stats().calls).toBe(1);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('rejects a non-positive interval', () => {
    expect(() => new Collector([], 0)).toThrow(RangeError);
    const c = new Collector([], 1);
    expect(() => c.setInterval(-1)).toThrow(RangeError);
  });
});

describe('Collector with a slow host', () => {
  it('does not hold back the other hosts, and never stacks calls on the slow one', async () => {
    vi.useFakeTimers();
    let slowDelay = 10;
    const slow = fakeHost(() => slowDelay);
    const fast = fakeHost(() => 10);
    (slow.host as { uri: string }).uri = 'slow:///';
    const c = new Collector([fast.host, slow.host], 500, fakeClock);
    const first = c.tick();
    await vi.advanceTimersByTimeAsync(20);
    expect((await first).hosts.every((h) => !h.stale)).toBe(true);
    slowDelay = 5000; // the slow host now hangs for 5 s
    const t0 = Date.now();
    const second = c.tick();
    await vi.advanceTimersByTimeAsync(1000);
    const snap = await second;
    expect(Date.now() - t0).toBeLessThanOrEqual(1000);
    expect(snap.hosts[0].stale).toBeFalsy();
    expect(snap.hosts[1]).toMatchObject({ stale: true, uri: 'slow:///', error: expect.stringMatching(/no answer from libvirt for 1\.0 s/) });
    // next tick: the slow call is still running, so no new one is started
    const third = c.tick();
    await vi.advanceTimersByTimeAsync(1000);
    await third;
    expect(slow.stats().calls).toBe(2);
    expect(slow.stats().peak).toBe(1);
    expect(fast.stats().calls).toBe(3);
    // once it answers, its sample is used
    await vi.advanceTimersByTimeAsync(3000);
    const fourth = c.tick();
    await vi.advanceTimersByTimeAsync(50);
    expect((await fourth).hosts[1].stale).toBeFalsy();
  });
});

describe('Collector with a host that stops answering', () => {
  it('late once is connected and stale; no answer for more than two intervals is unresponsive; the first answer is connected again', async () => {
    vi.useFakeTimers();
    let delay = 10;
    const h = fakeHost(() => delay);
    const c = new Collector([h.host], 1000, fakeClock);
    const first = c.tick();
    await vi.advanceTimersByTimeAsync(20);
    expect((await first).hosts[0]).toMatchObject({ status: 'connected' });
    delay = 4500; // hangs for 4.5 s
    const seen: { status: string; stale?: boolean; waited: number }[] = [];
    for (let i = 0; i < 4; i++) {
      const t = c.tick();
      await vi.advanceTimersByTimeAsync(1000);
      const s = (await t).hosts[0];
      seen.push({ status: s.status, stale: s.stale, waited: s.tickLatencyMs });
    }
    // waited 1, 2, 3, 4 s with a 1 s interval: unresponsive once past 2 s
    expect(seen).toEqual([
      { status: 'connected', stale: true, waited: 1000 },
      { status: 'connected', stale: true, waited: 2000 },
      { status: 'unresponsive', stale: true, waited: 3000 },
      { status: 'unresponsive', stale: true, waited: 4000 },
    ]);
    delay = 10;
    await vi.advanceTimersByTimeAsync(600);
    const back = c.tick();
    await vi.advanceTimersByTimeAsync(50);
    expect((await back).hosts[0]).toMatchObject({ status: 'connected' });
    expect((await back).hosts[0].stale).toBeFalsy();
  });
});

describe('Collector with a hung host', () => {
  it('abandons a connection whose call hangs far beyond the tick, then samples afresh', async () => {
    vi.useFakeTimers();
    let delay = 10;
    const hung = fakeHost(() => delay);
    const c = new Collector([hung.host], 1000, fakeClock);
    const first = c.tick();
    await vi.advanceTimersByTimeAsync(20);
    await first;
    delay = 10 * 60_000; // the next call never comes back in time
    for (let i = 0; i < 35; i++) {
      const t = c.tick();
      await vi.advanceTimersByTimeAsync(1000);
      await t;
    }
    const abandoned = (hung.host as unknown as { abandoned: string[] }).abandoned;
    expect(abandoned).toHaveLength(1);
    expect(abandoned[0]).toMatch(/no answer for 3\d s/);
    expect(hung.stats().calls).toBe(3); // first, the hung one, and the fresh one after abandoning
  });
});
