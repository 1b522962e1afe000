// Soak: the collector and model on libvirt's test driver with 500 domains,
// sampling every 0.25 s for VIRTOP_SOAK_MINUTES (CI sets 5, `npm run soak`
// 30): what a tick costs must not grow with the number of ticks. Resident
// memory and CPU time per tick (user + system, the in-process test driver
// included) must stay flat: the last minute within 10 % of the first minute
// after warm-up. Tick latency is logged, not judged: on a shared 2-core
// machine its wall time mostly measures the neighbours (a 5-minute run here
// went from 63 to 71 ms while another test run used the other core), while
// CPU time per tick is ours. Without the variable the test is skipped (it is
// long by design); in CI a missing variable fails.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchNodeXml } from '../../bench/lib/nodexml.js';
import { createCollector } from '../../src/app/hosts.js';
import { Model } from '../../src/model/model.js';

const MINUTES = Number(process.env.VIRTOP_SOAK_MINUTES ?? 0);
const DOMAINS = 500;
const INTERVAL_MS = 250;
const HISTORY_SAMPLES = 600; // the model's default
const HISTORY_FILL_MS = HISTORY_SAMPLES * INTERVAL_MS;
/** warm-up, then two one-minute windows that do not overlap */
const MIN_MINUTES = Math.ceil((HISTORY_FILL_MS + 30_000 + 120_000) / 60_000);

/** CPU time this thread has run, ns (the scheduler's own count, not tick-granular). */
function threadRuntimeNs(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
}

/**
 * The reference workload: the kind of work a tick does on the JS thread
 * (allocate rows, sort them by name, serialise them), always the same. Its
 * thread CPU time, ns, measures how fast this machine runs JS right now.
 */
function referenceWorkNs(): number {
  const start = threadRuntimeNs();
  const rows: { name: string; cpu: number; memKiB: number }[] = [];
  for (let i = 0; i < 20_000; i++) rows.push({ name: `dom-${(i * 7919) % 20_000}`, cpu: ((i * 31) % 1000) / 10, memKiB: i * 4 });
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (JSON.stringify(rows).length === 0) throw new Error('unreachable: rows serialise to something');
  return threadRuntimeNs() - start;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Mean of the middle 80 %. CPU times here come in the scheduler's 4 ms steps
 * (HZ=250, no fine clock in this VM), too coarse for a median of ~20 ms runs
 * to see a few per cent; a mean of many readings does, and dropping the top
 * tenth keeps a major garbage collection that falls in one window from
 * deciding the comparison (the plain mean moved +13 % between windows that
 * way on a quiet machine).
 */
function trimmedMean(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const cut = Math.floor(s.length / 10);
  const mid = s.slice(cut, s.length - cut);
  return mid.reduce((a, b) => a + b, 0) / mid.length;
}

describe('soak', () => {
  if (!(MINUTES > 0)) {
    // Locally the soak is asked for (npm run soak); in CI a missing duration is a failure, not a skip.
    if (process.env.CI) it('needs VIRTOP_SOAK_MINUTES in CI', () => expect.fail('set VIRTOP_SOAK_MINUTES (.ci/run sets 5 minutes)'));
    else it.skip('runs only when VIRTOP_SOAK_MINUTES is set (npm run soak)');
    return;
  }

  if (MINUTES < MIN_MINUTES) {
    it(`needs VIRTOP_SOAK_MINUTES >= ${MIN_MINUTES}`, () =>
      expect.fail(`VIRTOP_SOAK_MINUTES=${MINUTES} is too short: history fills in ${HISTORY_FILL_MS / 1000} s, then two one-minute windows are compared (at least ${MIN_MINUTES} minutes)`),
    );
    return;
  }

  it(
    `${DOMAINS} domains at ${INTERVAL_MS} ms for ${MINUTES} min: RSS and CPU time per tick flat within 10 %`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'virtop-soak-'));
      const xml = join(dir, 'node.xml');
      writeFileSync(xml, benchNodeXml(DOMAINS).xml);
      const collector = createCollector({ uris: [`test://${xml}`], intervalMs: INTERVAL_MS, threads: false });
      const model = new Model({ historySize: HISTORY_SAMPLES });
      const latency: { atMs: number; ms: number }[] = [];
      /** the process's CPU time (user + system, µs) as each tick arrives */
      const cpu: { atMs: number; us: number }[] = [];
      const rss: { atMs: number; bytes: number }[] = [];
      /** the reference workload's CPU time, run after every fourth tick */
      const reference: { atMs: number; ns: number }[] = [];
      /** process CPU the reference runs took, µs, left out of the ticks' CPU */
      let referenceUs = 0;
      const t0 = Date.now();
      let problems = 0;
      const overHundred: string[] = [];
      collector.onSnapshot((snap) => {
        const v = model.ingest(snap);
        const h = snap.hosts[0];
        if (h.status !== 'connected' || h.stale) problems++;
        const atMs = Date.now() - t0;
        latency.push({ atMs, ms: h.tickLatencyMs });
        const u = process.cpuUsage();
        cpu.push({ atMs, us: u.user + u.system - referenceUs });
        if (cpu.length % 4 === 0) {
          reference.push({ atMs, ns: referenceWorkNs() });
          const after = process.cpuUsage();
          referenceUs += after.user + after.system - (u.user + u.system);
        }
        if (v.domains.length !== DOMAINS) problems++;
        // No guest above all of its vCPUs, no vCPU above a core (0.5 points for tick-granular counters).
        for (const d of v.domains) {
          if (d.vcpuPercent !== null && d.vcpuPercent > 100.5) overHundred.push(`${d.name} vcpuPercent=${d.vcpuPercent}`);
          for (const t of d.vcpuThreads) if (t.cpuPercent !== null && t.cpuPercent > 100.5) overHundred.push(`${d.name} vcpu${t.vcpu}=${t.cpuPercent}`);
        }
      });
      const sampler = setInterval(() => {
        globalThis.gc?.();
        rss.push({ atMs: Date.now() - t0, bytes: process.memoryUsage().rss });
      }, 5000);
      collector.start();
      await new Promise((r) => setTimeout(r, MINUTES * 60_000));
      clearInterval(sampler);
      await collector.close();

      // Windows: the first after warm-up and the last, a minute each. Warm-up
      // lasts until every domain's history (600 samples, 150 s at 250 ms) is
      // full, plus half a minute: while history fills the heap grows, and so
      // does the time garbage collection steals from ticks.
      const total = MINUTES * 60_000;
      const win = 60_000;
      const warm = HISTORY_FILL_MS + 30_000;
      const inWin = <T extends { atMs: number }>(xs: T[], from: number) => xs.filter((x) => x.atMs >= from && x.atMs < from + win);
      const firstLat = median(inWin(latency, warm).map((x) => x.ms));
      const lastLat = median(inWin(latency, total - win).map((x) => x.ms));
      // CPU per tick over a window: the trimmed mean of its ticks' CPU times.
      const cpuPerTickMs = (from: number) => {
        const w = inWin(cpu, from);
        return trimmedMean(w.slice(1).map((x, i) => (x.us - w[i].us) / 1000));
      };
      const cpuMeanMs = (from: number) => {
        const w = inWin(cpu, from);
        return (w[w.length - 1].us - w[0].us) / (w.length - 1) / 1000;
      };
      const firstCpu = cpuPerTickMs(warm);
      const lastCpu = cpuPerTickMs(total - win);
      const referenceMs = (from: number) => trimmedMean(inWin(reference, from).map((x) => x.ns)) / 1e6;
      const firstRef = referenceMs(warm);
      const lastRef = referenceMs(total - win);
      /** CPU per tick in reference workloads */
      const firstUnits = firstCpu / firstRef;
      const lastUnits = lastCpu / lastRef;
      const firstRss = median(inWin(rss, warm).map((x) => x.bytes));
      const lastRss = median(inWin(rss, total - win).map((x) => x.bytes));
      // The whole run by half minutes, so a drift or a warm-up can be told apart in the log.
      const series: string[] = [];
      for (let from = 0; from < total; from += 30_000) {
        const lat = latency.filter((x) => x.atMs >= from && x.atMs < from + 30_000).map((x) => x.ms);
        const mem = rss.filter((x) => x.atMs >= from && x.atMs < from + 30_000).map((x) => x.bytes);
        if (lat.length) series.push(`${from / 1000}s ${median(lat).toFixed(1)}ms/${mem.length ? (median(mem) / 2 ** 20).toFixed(0) : '-'}MiB`);
      }
      process.stdout.write(
        `soak: ${latency.length} ticks; CPU per tick ${firstUnits.toFixed(3)} → ${lastUnits.toFixed(3)} reference workloads (${(((lastUnits - firstUnits) / firstUnits) * 100).toFixed(1)} %); ` +
          `CPU per tick ${firstCpu.toFixed(2)} → ${lastCpu.toFixed(2)} ms (mean ${cpuMeanMs(warm).toFixed(2)} → ${cpuMeanMs(total - win).toFixed(2)}); reference workload ${firstRef.toFixed(2)} → ${lastRef.toFixed(2)} ms; tick latency median ${firstLat.toFixed(1)} → ${lastLat.toFixed(1)} ms; RSS ${(firstRss / 2 ** 20).toFixed(1)} → ${(lastRss / 2 ** 20).toFixed(1)} MiB\n` +
          `soak: by half minute: ${series.join(', ')}\n`,
      );
      expect(problems).toBe(0);
      expect(overHundred.slice(0, 5), `${overHundred.length} readings above 100 %`).toEqual([]);
      expect(latency.length).toBeGreaterThan((total / INTERVAL_MS) * 0.5);
      // Tolerance: 10 % of the first window.
      expect(reference.length).toBeGreaterThan(latency.length / 4 - 2);
      expect(lastUnits, `CPU per tick ${firstCpu.toFixed(2)} → ${lastCpu.toFixed(2)} ms, reference ${firstRef.toFixed(2)} → ${lastRef.toFixed(2)} ms`).toBeLessThanOrEqual(firstUnits * 1.1);
      expect(lastRss).toBeLessThanOrEqual(firstRss * 1.1);
    },
    (MINUTES + 5) * 60_000,
  );
});
