#!/usr/bin/env node
// How big is a recording on disk, per domain per tick (the budget is 1 KB)?
// And what does writing and loading it cost?
//
//   npm run build:ts && node bench/record-size.mjs                 # synthetic guests
//   node bench/record-size.mjs --live qemu:///system --ticks 30    # real hosts, 1 s ticks
//   node bench/record-size.mjs --live demo --ticks 20              # the demo host
//   options: --domains 4,16,64  --ticks 300  --interval 1  --json
//
// Synthetic guests are busy and large on purpose: 8 vCPUs (all with libvirt
// and /proc counters), 2 disks, 2 NICs, 16 QEMU threads, 2 vhost workers,
// balloon stats, guest addresses, every counter moving every tick by a
// random amount (fixed seed), so they compress worse than real idle guests.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url);
const { Recorder } = await import(new URL('record/writer.js', dist));
const { readRecording } = await import(new URL('record/reader.js', dist));
const { encodeSnapshot } = await import(new URL('record/format.js', dist));

function args(argv) {
  const o = { domains: [4, 16, 64], ticks: 300, live: null, interval: 1, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--domains') o.domains = argv[++i].split(',').map(Number);
    else if (a === '--ticks') o.ticks = Number(argv[++i]);
    else if (a === '--live') o.live = argv[++i];
    else if (a === '--interval') o.interval = Number(argv[++i]);
    else if (a === '--json') o.json = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/record-size.mjs [--domains 4,16,64] [--ticks N] [--live URI|demo] [--interval S] [--json]');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

// ------------------------------------------------------------ synthetic snapshots

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function synthHost(nDomains, seed = 1) {
  const r = rng(seed);
  const inc = (n) => BigInt(Math.floor(r() * n));
  const doms = Array.from({ length: nDomains }, (_, i) => ({
    i,
    cpu: 10n ** 13n + inc(1e12),
    vcpu: Array.from({ length: 8 }, () => ({ t: inc(1e12), d: inc(1e10), w: inc(1e9) })),
    disk: [0, 1].map(() => ({ rr: inc(1e6), rb: inc(1e10), wr: inc(1e6), wb: inc(1e10) })),
    nic: [0, 1].map(() => ({ rb: inc(1e10), rp: inc(1e7), tb: inc(1e10), tp: inc(1e7) })),
    thr: Array.from({ length: 16 }, () => ({ c: inc(1e12), d: inc(1e10) })),
    vh: [inc(1e11), inc(1e11)],
    maj: inc(1e4),
    min: inc(1e7),
  }));
  let tick = 0;
  const t0 = 1_700_000_000_000;
  return () => {
    const mono = BigInt(tick) * 2_000_000_000n + 123_456_789n;
    const wall = t0 + tick * 2000;
    const domains = doms.map((d) => {
      d.cpu += inc(4e9);
      for (const v of d.vcpu) (v.t += inc(2e9)), (v.d += inc(5e7)), (v.w += inc(1e6));
      for (const k of d.disk) (k.rr += inc(500)), (k.rb += inc(5e6)), (k.wr += inc(300)), (k.wb += inc(3e6));
      for (const n of d.nic) (n.rb += inc(1e6)), (n.rp += inc(1000)), (n.tb += inc(1e6)), (n.tp += inc(1000));
      for (const t of d.thr) (t.c += inc(2e9)), (t.d += inc(5e7));
      d.vh[0] += inc(5e7);
      d.vh[1] += inc(5e7);
      d.maj += inc(3);
      d.min += inc(3000);
      const uuid = `6a1f0c3e-9b2d-4c55-8e7f-${String(d.i).padStart(12, '0')}`;
      return {
        uuid,
        name: `prod-app-${String(d.i).padStart(3, '0')}`,
        id: d.i + 1,
        state: 'running',
        stateReason: 1,
        persistent: true,
        cpuTimeNs: d.cpu,
        cpuUserNs: d.cpu / 3n,
        cpuSystemNs: d.cpu / 5n,
        vcpusCurrent: 8,
        vcpusMax: 8,
        vcpus: d.vcpu.map((v, n) => ({ vcpu: n, state: 1, timeNs: v.t, waitNs: v.w, delayNs: v.d })),
        balloon: {
          currentKiB: 16777216n,
          maximumKiB: 16777216n,
          availableKiB: 16390000n,
          unusedKiB: 9000000n + inc(100000),
          usableKiB: 12000000n + inc(100000),
          rssKiB: 15000000n + inc(10000),
          swapInKiB: 0n,
          swapOutKiB: 0n,
          majorFaults: d.maj,
          minorFaults: d.min,
          diskCachesKiB: 3000000n + inc(10000),
          lastUpdateSec: BigInt(Math.floor(wall / 1000)),
        },
        memMaxKiB: 16777216n,
        hasBalloon: true,
        balloonStatsPeriodSec: 5,
        disks: d.disk.map((k, n) => ({
          name: `vd${'ab'[n]}`,
          path: `/var/lib/libvirt/images/prod-app-${d.i}-${n}.qcow2`,
          rdReqs: k.rr,
          rdBytes: k.rb,
          wrReqs: k.wr,
          wrBytes: k.wb,
          errors: null,
          capacityBytes: 107374182400n,
          allocationBytes: 53687091200n + inc(1e6),
        })),
        nics: d.nic.map((n, m) => ({
          name: `vnet${d.i * 2 + m}`,
          mac: `52:54:00:${String(d.i % 100).padStart(2, '0')}:00:0${m}`,
          source: m ? 'br-storage' : 'br0',
          rxBytes: n.rb,
          rxPkts: n.rp,
          rxErrs: 0n,
          rxDrop: 0n,
          txBytes: n.tb,
          txPkts: n.tp,
          txErrs: 0n,
          txDrop: 0n,
        })),
        process: {
          pid: 10000 + d.i,
          rssKiB: 15000000 + Math.floor(r() * 10000),
          ioReadBytes: d.disk[0].rb,
          ioWriteBytes: d.disk[0].wb,
          cpuTimeNs: d.cpu,
          threads: d.thr.map((t, n) => ({
            tid: 10000 + d.i * 100 + n,
            comm: n < 8 ? `CPU ${n}/KVM` : ['qemu-system-x86', 'qemu-system-x86', 'IO mon_iothread', 'worker', 'worker', 'vnc_worker', 'iou-wrk-1', 'kvm-nx-lpage-re'][n - 8],
            vcpu: n < 8 ? n : null,
            cpuTimeNs: t.c,
            runDelayNs: t.d,
            lastCpu: Math.floor(r() * 64),
          })),
          monoNs: mono + 3_000_000n,
          spanNs: 400_000n + inc(100000),
          startedWallMs: t0 - 86_400_000,
          error: null,
          vhost: d.vh.map((c, n) => ({ tid: 20000 + d.i * 10 + n, cpuTimeNs: c, inQemuProcess: false })),
        },
        errors: [],
        statsMonoNs: mono + 1_000_000n + inc(100000),
        statsSpanNs: 2_000_000n + inc(500000),
        addresses: {
          source: 'agent',
          interfaces: [{ name: 'eth0', hwaddr: `52:54:00:${String(d.i % 100).padStart(2, '0')}:00:00`, addrs: [{ type: 'ipv4', addr: `10.0.${d.i >> 8}.${d.i & 255}`, prefix: 16 }] }],
          atWallMs: t0,
          error: null,
        },
      };
    });
    const host = {
      uri: 'qemu:///system',
      monoNs: mono,
      wallMs: wall,
      status: 'connected',
      error: null,
      info: { uri: 'qemu:///system', hostname: 'hv01', model: 'x86_64', cpus: 64, mhz: 2900, memoryKiB: 527958016n, libvirtVersion: '9.0.0' },
      counters: {
        cpuTotalNs: BigInt(tick) * 128_000_000_000n,
        cpuBusyNs: BigInt(tick) * 60_000_000_000n + inc(1e9),
        perCpu: [],
        memTotalKiB: 527958016n,
        memAvailableKiB: 200000000n + inc(1e6),
        memFreeKiB: 100000000n + inc(1e6),
      },
      domains,
      tickLatencyMs: 20 + r() * 10,
    };
    return { seq: tick++, monoNs: mono, wallMs: wall, hosts: [host] };
  };
}

// ------------------------------------------------------------ live snapshots

async function liveSnapshots(uri, ticks, intervalSec) {
  const { createCollector } = await import(new URL('app/hosts.js', dist));
  const { demoUri } = await import(new URL('util/paths.js', dist));
  const c = createCollector({ uris: [uri === 'demo' ? demoUri() : uri], intervalMs: intervalSec * 1000, threads: true });
  const out = [];
  for (let i = 0; i < ticks; i++) {
    const t = Date.now();
    out.push(await c.tick());
    await new Promise((r) => setTimeout(r, Math.max(0, intervalSec * 1000 - (Date.now() - t))));
  }
  await c.close();
  return out;
}

// ------------------------------------------------------------ measure

async function measure(label, snaps, dir) {
  const path = join(dir, `${label}.ndjson.gz`);
  const domainTicks = snaps.reduce((a, s) => a + s.hosts.reduce((b, h) => b + h.domains.length, 0), 0);
  const rec = await Recorder.open(path, { intervalMs: 2000, version: 'bench' });
  const t0 = process.hrtime.bigint();
  for (const s of snaps) rec.write(s);
  const writeMs = Number(process.hrtime.bigint() - t0) / 1e6;
  await rec.close();
  const bytes = statSync(path).size;
  const raw = snaps.reduce((a, s) => a + Buffer.byteLength(encodeSnapshot(s)), 0);
  // the same data gzipped in one go, without a flush per record: what the sync flushes cost
  const oneShot = gzipSync(snaps.map((s) => encodeSnapshot(s)).join('')).length;
  const t1 = process.hrtime.bigint();
  const loaded = await readRecording(path);
  const loadMs = Number(process.hrtime.bigint() - t1) / 1e6;
  const t2 = process.hrtime.bigint();
  for (let i = 0; i < loaded.length; i++) loaded.get(i);
  const decodeMs = Number(process.hrtime.bigint() - t2) / 1e6;
  return {
    label,
    ticks: snaps.length,
    domainTicks,
    fileBytes: bytes,
    bytesPerDomainTick: domainTicks ? bytes / domainTicks : null,
    rawJsonBytesPerDomainTick: domainTicks ? raw / domainTicks : null,
    compression: raw / bytes,
    syncFlushOverhead: bytes / oneShot - 1,
    writeMsPerTick: writeMs / snaps.length,
    loadMsPerTick: loadMs / snaps.length,
    decodeMsPerTick: decodeMs / snaps.length,
    memoryMiBAfterLoad: loaded.storedBytes / 2 ** 20,
  };
}

const o = args(process.argv.slice(2));
const dir = mkdtempSync(join(tmpdir(), 'virtop-record-size-'));
const results = [];
try {
  if (o.live) {
    const snaps = await liveSnapshots(o.live, o.ticks, o.interval);
    results.push(await measure(`live-${o.live.replace(/\W+/g, '_')}`, snaps, dir));
  } else {
    for (const n of o.domains) {
      const next = synthHost(n);
      results.push(await measure(`synthetic-${n}dom`, Array.from({ length: o.ticks }, next), dir));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (o.json) console.log(JSON.stringify(results, null, 2));
else {
  const f = (v, d = 1) => (v === null ? '-' : v.toFixed(d));
  console.log('case                    ticks  dom×ticks   file B  B/dom/tick  raw B/dom/tick  ratio  flush+  write ms/tick  load ms/tick  get ms/tick  kept MiB');
  for (const r of results) {
    console.log(
      `${r.label.padEnd(22)} ${String(r.ticks).padStart(6)} ${String(r.domainTicks).padStart(10)} ${String(r.fileBytes).padStart(8)} ${f(r.bytesPerDomainTick).padStart(11)} ${f(r.rawJsonBytesPerDomainTick).padStart(15)} ${f(r.compression).padStart(6)} ${(f(r.syncFlushOverhead * 100, 0) + '%').padStart(6)} ${f(r.writeMsPerTick, 2).padStart(14)} ${f(r.loadMsPerTick, 2).padStart(13)} ${f(r.decodeMsPerTick, 2).padStart(12)} ${f(r.memoryMiBAfterLoad).padStart(9)}`,
    );
  }
  const worst = Math.max(...results.map((r) => r.bytesPerDomainTick ?? 0));
  console.log(`\nbudget: 1024 B per domain per tick on disk; worst case here ${worst.toFixed(0)} B (${worst < 1024 ? 'within' : 'OVER'} budget)`);
}
