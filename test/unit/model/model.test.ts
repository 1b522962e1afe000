import { describe, expect, it } from 'vitest';
import { emptyBalloon } from '../../../src/collector/bulk.js';
import { HISTORY_METRICS, Model } from '../../../src/model/model.js';
import { domain, host, SEC, snapshot } from '../../helpers/samples.js';

describe('Model.ingest', () => {
  it('gives no rates on a domain’s first sample, then virt-top %CPU and guest %VCPU on the second', () => {
    const m = new Model();
    const vcpus = (a: bigint, b: bigint) => [
      { vcpu: 0, state: 1, timeNs: a, waitNs: null, delayNs: null },
      { vcpu: 1, state: 1, timeNs: b, waitNs: null, delayNs: null },
    ];
    const v1 = m.ingest(snapshot(0, [host({ monoNs: 10n * SEC, domains: [domain({ uuid: 'a', cpuTimeNs: 5n * SEC, vcpus: vcpus(1n * SEC, 2n * SEC) })] })]));
    expect(v1.domains[0].cpuPercent).toBeNull();
    expect(v1.domains[0].vcpuPercent).toBeNull();
    expect(v1.domains[0].initializing).toBe(true);
    // 2 s later cpu.time grew by 1 s: 1/(2 s × 4 host CPUs) = 12.5 %.
    // Its vCPUs ran 0.4 s + 0.5 s of that: 0.9/(2 s × 2 vCPUs) = 22.5 %;
    // the other 0.1 s was QEMU's own threads, which %VCPU leaves out.
    const v2 = m.ingest(
      snapshot(1, [host({ monoNs: 12n * SEC, domains: [domain({ uuid: 'a', cpuTimeNs: 6n * SEC, vcpus: vcpus(1_400_000_000n, 2_500_000_000n) })] })]),
    );
    expect(v2.domains[0].cpuPercent).toBeCloseTo(12.5, 9);
    expect(v2.domains[0].vcpuPercent).toBeCloseTo(22.5, 9);
    expect(v2.domains[0].guestCpuSource).toBe('libvirt');
    expect(v2.domains[0].vcpuTimeNs).toBe(3_900_000_000n);
    expect(v2.domains[0].initializing).toBe(false);
    expect(v2.intervalSec).toBe(2);
  });

  it('%VCPU is unknown without per-vCPU times, and over a vCPU hot-add', () => {
    const m = new Model();
    const one = [{ vcpu: 0, state: 1, timeNs: 1n * SEC, waitNs: null, delayNs: null }];
    const two = [
      { vcpu: 0, state: 1, timeNs: 2n * SEC, waitNs: null, delayNs: null },
      { vcpu: 1, state: 1, timeNs: 0n, waitNs: null, delayNs: null },
    ];
    m.ingest(snapshot(0, [host({ monoNs: 1n * SEC, domains: [domain({ uuid: 'a', cpuTimeNs: 1n * SEC }), domain({ uuid: 'b', cpuTimeNs: 1n * SEC, vcpus: one })] })]));
    const v = m.ingest(snapshot(1, [host({ monoNs: 2n * SEC, domains: [domain({ uuid: 'a', cpuTimeNs: 2n * SEC }), domain({ uuid: 'b', cpuTimeNs: 3n * SEC, vcpus: two })] })]));
    const [a, b] = ['a', 'b'].map((u) => v.domains.find((d) => d.uuid === u)!);
    expect(a.cpuPercent).toBeCloseTo(25, 9); // host %CPU still from cpu.time
    expect(a.vcpuPercent).toBeNull();
    expect(a.vcpuTimeNs).toBeNull();
    expect(b.vcpuPercent).toBeNull(); // vCPU 1 was not there for the whole interval
    expect(b.vcpuTimeNs).toBe(2n * SEC);
  });

  it('never reports a negative rate when a guest restarts', () => {
    const m = new Model();
    const d1 = domain({
      uuid: 'a',
      id: 3,
      cpuTimeNs: 100n * SEC,
      disks: [{ name: 'vda', path: null, rdReqs: 1000n, rdBytes: 10000n, wrReqs: 5n, wrBytes: 50n, errors: 0n, capacityBytes: null, allocationBytes: null }],
    });
    m.ingest(snapshot(0, [host({ monoNs: 1n * SEC, domains: [d1] })]));
    // same id, counters reset (e.g. QEMU re-exec): all rates unknown, none negative
    const d2 = domain({
      uuid: 'a',
      id: 3,
      cpuTimeNs: 1n * SEC,
      disks: [{ name: 'vda', path: null, rdReqs: 1n, rdBytes: 10n, wrReqs: 5n, wrBytes: 50n, errors: 0n, capacityBytes: null, allocationBytes: null }],
    });
    const v = m.ingest(snapshot(1, [host({ monoNs: 2n * SEC, domains: [d2] })]));
    expect(v.domains[0].cpuPercent).toBeNull();
    expect(v.domains[0].rdBytesPerSec).toBeNull();
    expect(v.domains[0].wrBytesPerSec).toBe(0);
  });

  it('treats a new hypervisor id as a restart even if counters grew', () => {
    const m = new Model();
    m.ingest(snapshot(0, [host({ monoNs: 1n * SEC, domains: [domain({ uuid: 'a', id: 3, cpuTimeNs: 1n * SEC })] })]));
    const v = m.ingest(snapshot(1, [host({ monoNs: 2n * SEC, domains: [domain({ uuid: 'a', id: 4, cpuTimeNs: 9n * SEC })] })]));
    expect(v.domains[0].cpuPercent).toBeNull();
    expect(v.domains[0].initializing).toBe(true);
  });

  it('computes per-device and total disk/network rates', () => {
    const m = new Model();
    const mk = (t: bigint, k: bigint) =>
      domain({
        uuid: 'a',
        disks: [
          { name: 'vda', path: '/img/a.qcow2', rdReqs: 10n * k, rdBytes: 4096n * k, wrReqs: k, wrBytes: 512n * k, errors: 0n, capacityBytes: 10n, allocationBytes: 5n },
          { name: 'vdb', path: null, rdReqs: null, rdBytes: null, wrReqs: null, wrBytes: null, errors: null, capacityBytes: null, allocationBytes: null },
        ],
        nics: [
          { name: 'vnet0', mac: '52:54:00:00:00:01', source: 'default', rxBytes: 1000n * k, rxPkts: 10n * k, rxErrs: 0n, rxDrop: 0n, txBytes: 100n * k, txPkts: k, txErrs: 0n, txDrop: 1n },
        ],
        cpuTimeNs: t,
      });
    m.ingest(snapshot(0, [host({ monoNs: 0n, domains: [mk(0n, 0n)] })]));
    const v = m.ingest(snapshot(1, [host({ monoNs: 2n * SEC, domains: [mk(0n, 100n)] })]));
    const d = v.domains[0];
    expect(d.disks[0].rdBytesPerSec).toBe(204800);
    expect(d.disks[0].rdReqPerSec).toBe(500);
    expect(d.disks[1].rdBytesPerSec).toBeNull(); // unknown stays unknown
    expect(d.rdBytesPerSec).toBe(204800); // totals skip the unknown device
    expect(d.wrReqPerSec).toBe(50);
    expect(d.rxBytesPerSec).toBe(50000);
    expect(d.txPktsPerSec).toBe(50);
    expect(d.nics[0].txDrop).toBe(1);
  });

  it('reports guest-used memory only when the guest does', () => {
    const m = new Model();
    const withStats = domain({
      uuid: 'a',
      balloon: { ...emptyBalloon(), currentKiB: 1048576n, maximumKiB: 2097152n, availableKiB: 1000000n, unusedKiB: 400000n },
    });
    const without = domain({ uuid: 'b', balloon: { ...emptyBalloon(), currentKiB: 524288n, maximumKiB: 524288n } });
    const v = m.ingest(snapshot(0, [host({ monoNs: 0n, domains: [withStats, without] })]));
    const a = v.domains.find((d) => d.uuid === 'a')!;
    const b = v.domains.find((d) => d.uuid === 'b')!;
    expect(a.memUsedKiB).toBe(600000);
    expect(a.memCurrentKiB).toBe(1048576);
    expect(a.memMaxKiB).toBe(2097152);
    expect(a.memPercent).toBeCloseTo(6.25, 9);
    expect(b.memUsedKiB).toBeNull();
  });

  it('drops domains that left a connected host (no ghost rows) but keeps them while the host is unreachable', () => {
    const m = new Model();
    m.ingest(snapshot(0, [host({ monoNs: 0n, domains: [domain({ uuid: 'a' }), domain({ uuid: 'b' })] })]));
    const down = m.ingest(
      snapshot(1, [host({ monoNs: SEC, status: 'reconnecting', error: 'connection lost', domains: [] })]),
    );
    expect(down.domains.map((d) => d.uuid).sort()).toEqual(['a', 'b']);
    expect(down.domains.every((d) => d.cpuPercent === null)).toBe(true);
    expect(down.hosts[0].status).toBe('reconnecting');
    expect(down.hosts[0].downForSec).toBe(1);
    const back = m.ingest(snapshot(2, [host({ monoNs: 2n * SEC, domains: [domain({ uuid: 'a' })] })]));
    expect(back.domains.map((d) => d.uuid)).toEqual(['a']);
    expect(m.history('qemu:///system#b')).toBeNull();
    expect(m.history('qemu:///system#a')!.metrics.cpuPercent.length).toBe(3);
  });

  it('gives every history metric one slot per tick, as many as the host has times', () => {
    const m = new Model({ historySize: 5 });
    for (let i = 0; i < 3; i++) {
      m.ingest(snapshot(i, [host({ monoNs: BigInt(i) * SEC, domains: [domain({ uuid: 'a', cpuTimeNs: BigInt(i) * SEC })] })]));
    }
    const h = m.history('qemu:///system#a')!;
    expect(h.times.length).toBe(3);
    for (const metric of HISTORY_METRICS) expect([metric, h.metrics[metric].length]).toEqual([metric, 3]);
    expect(h.metrics.cpuPercent.toArray()).toEqual([null, 25, 25]);
  });

  it('keeps no domain history with historySize 0, and gives the same views', () => {
    const none = new Model({ historySize: 0 });
    const some = new Model({ historySize: 4 });
    for (let i = 0; i < 3; i++) {
      const snap = snapshot(i, [host({ monoNs: BigInt(i) * SEC, domains: [domain({ uuid: 'a', cpuTimeNs: BigInt(i) * SEC })] })]);
      expect(none.ingest(snap)).toEqual(some.ingest(snap));
    }
    expect(none.history('qemu:///system#a')).toBeNull();
    expect(none.view().domains[0].cpuPercent).toBe(25);
    expect(() => new Model({ historySize: -1 })).toThrow(/history size/);
  });

  it('keeps fixed-size history with gaps for unknowns', () => {
    const m = new Model({ historySize: 3 });
    for (let i = 0; i < 10; i++) {
      m.ingest(snapshot(i, [host({ monoNs: BigInt(i) * SEC, domains: [domain({ uuid: 'a', cpuTimeNs: BigInt(i) * SEC })] })]));
    }
    const h = m.history('qemu:///system#a')!;
    expect(h.metrics.cpuPercent.length).toBe(3);
    expect(h.metrics.cpuPercent.toArray()).toEqual([25, 25, 25]);
    const m2 = new Model({ historySize: 3 });
    m2.ingest(snapshot(0, [host({ monoNs: 0n, domains: [domain({ uuid: 'a' })] })]));
    expect(m2.history('qemu:///system#a')!.metrics.cpuPercent.toArray()).toEqual([null]);
  });

  it('derives vCPU thread %CPU and wait% from /proc threads, matched by tid', () => {
    const m = new Model();
    const proc = (k: bigint) => ({
      pid: 100,
      rssKiB: 1000,
      ioReadBytes: null,
      ioWriteBytes: null,
      cpuTimeNs: null,
      error: null,
      threads: [
        { tid: 101, comm: 'qemu-system-x86', vcpu: null, cpuTimeNs: k * 10n, runDelayNs: 0n, lastCpu: 0 },
        { tid: 103, comm: 'CPU 1/TCG', vcpu: 1, cpuTimeNs: (k * SEC) / 4n, runDelayNs: (k * SEC) / 10n, lastCpu: 1 },
        { tid: 102, comm: 'CPU 0/TCG', vcpu: 0, cpuTimeNs: k * SEC, runDelayNs: 0n, lastCpu: 0 },
      ],
    });
    m.ingest(snapshot(0, [host({ monoNs: 0n, domains: [domain({ uuid: 'a', process: proc(0n) })] })]));
    const v = m.ingest(snapshot(1, [host({ monoNs: SEC, domains: [domain({ uuid: 'a', process: proc(1n) })] })]));
    const t = v.domains[0].vcpuThreads;
    expect(t.map((x) => x.vcpu)).toEqual([0, 1]);
    expect(t[0]).toEqual({ vcpu: 0, tid: 102, cpuPercent: 100, cpuTimeNs: SEC, waitPercent: 0, stealPercent: 0, lastCpu: 0 });
    expect(t[1].cpuPercent).toBe(25);
    expect(t[1].waitPercent).toBe(10);
    expect(v.domains[0].rssKiB).toBe(1000);
    // No libvirt per-vCPU times here: guest %VCPU from the threads, (1 + 0.25) s / (1 s × 2 vCPUs).
    expect(v.domains[0].vcpuPercent).toBe(62.5);
    expect(v.domains[0].guestCpuSource).toBe('proc');
  });

  it('falls back to libvirt per-vCPU counters when /proc is unavailable', () => {
    const m = new Model();
    const mk = (k: bigint) =>
      domain({
        uuid: 'a',
        vcpus: [
          { vcpu: 0, state: 1, timeNs: k * SEC, waitNs: 0n, delayNs: (k * SEC) / 2n },
          { vcpu: 1, state: 0, timeNs: null, waitNs: null, delayNs: null },
        ],
      });
    m.ingest(snapshot(0, [host({ monoNs: 0n, domains: [mk(0n)] })]));
    const v = m.ingest(snapshot(1, [host({ monoNs: 2n * SEC, domains: [mk(1n)] })]));
    expect(v.domains[0].vcpuThreads).toEqual([{ vcpu: 0, tid: null, cpuPercent: 50, cpuTimeNs: SEC, waitPercent: 25, stealPercent: 25, lastCpu: null }]);
    // Guest %VCPU counts the online vCPU only: 1 s / (2 s × 1 vCPU).
    expect(v.domains[0].vcpuPercent).toBe(50);
  });

  it('summarises the host: counts by state, guest CPU and memory', () => {
    const m = new Model();
    const doms = [
      domain({ uuid: 'a', state: 'running', balloon: { ...emptyBalloon(), currentKiB: 1024n } }),
      domain({ uuid: 'b', state: 'paused', balloon: { ...emptyBalloon(), currentKiB: 2048n } }),
      domain({ uuid: 'c', state: 'shutoff', id: null, cpuTimeNs: null, balloon: { ...emptyBalloon(), currentKiB: 4096n } }),
    ];
    const v = m.ingest(snapshot(0, [host({ monoNs: 0n, domains: doms })]));
    const h = v.hosts[0];
    expect([h.domainsTotal, h.domainsActive, h.domainsRunning, h.domainsPaused, h.domainsInactive]).toEqual([3, 2, 1, 1, 1]);
    expect(h.guestMemKiB).toBe(3072);
    expect(h.vcpusActive).toBe(4);
    expect(v.domains.find((d) => d.uuid === 'c')!.memCurrentKiB).toBeNull();
  });

  it('computes host busy % from /proc/stat-style counters', () => {
    const m = new Model();
    const counters = (total: bigint, busy: bigint) => ({
      cpuTotalNs: total,
      cpuBusyNs: busy,
      perCpu: [{ cpu: 0, totalNs: total / 2n, busyNs: busy }],
      memTotalKiB: 100n,
      memAvailableKiB: 50n,
      memFreeKiB: 10n,
    });
    m.ingest(snapshot(0, [host({ monoNs: 0n, counters: counters(1000n, 100n), domains: [] })]));
    const v = m.ingest(snapshot(1, [host({ monoNs: SEC, counters: counters(2000n, 350n), domains: [] })]));
    expect(v.hosts[0].hostCpuPercent).toBe(25);
    expect(v.hosts[0].perCpuPercent).toEqual([{ cpu: 0, percent: 50 }]);
    expect(v.hosts[0].memAvailableKiB).toBe(50);
  });

  it('a stale host sample (slow to answer) keeps rows and history like an outage', () => {
    const m = new Model();
    m.ingest(snapshot(0, [host({ monoNs: 0n, domains: [domain({ uuid: 'a' })] })]));
    const v = m.ingest(snapshot(1, [host({ monoNs: SEC, stale: true, error: 'no answer', domains: [] })]));
    expect(v.domains.map((d) => d.uuid)).toEqual(['a']);
    expect(v.domains[0].errors[0]).toMatch(/host slow to answer/);
    expect(v.hosts[0].status).toBe('connected');
    expect(v.hosts[0].error).toBe('no answer');
    expect(m.history('qemu:///system#a')!.times.length).toBe(2);
  });

  it('withholds rates when a stats call blocked (timing too uncertain), and times threads by their /proc read', () => {
    const m = new Model();
    // Tick A: the stats call blocked for 1.8 s (a domain was starting); the counters
    // may have been taken anywhere in it. Tick B: a normal 10 ms call.
    const a = domain({ uuid: 'a', cpuTimeNs: 0n, statsMonoNs: 1n * SEC, statsSpanNs: 1800n * 1_000_000n });
    const b = domain({ uuid: 'a', cpuTimeNs: 2n * SEC, statsMonoNs: 2n * SEC, statsSpanNs: 10n * 1_000_000n });
    m.ingest(snapshot(0, [host({ monoNs: 2n * SEC, domains: [a] })]));
    const v = m.ingest(snapshot(1, [host({ monoNs: 2n * SEC + 5_000_000n, domains: [b] })]));
    expect(v.domains[0].cpuPercent).toBeNull();
    const c = domain({ uuid: 'a', cpuTimeNs: 3n * SEC, statsMonoNs: 4n * SEC, statsSpanNs: 12n * 1_000_000n });
    const v2 = m.ingest(snapshot(2, [host({ monoNs: 4n * SEC, domains: [c] })]));
    expect(v2.domains[0].cpuPercent).toBeCloseTo(12.5, 6); // 1 s CPU over 2 s on 4 CPUs
  });

  it('a host that stops answering: its domains keep their sizes, every rate becomes unknown, and the row says why', () => {
    const m = new Model();
    const mk = (k: bigint) =>
      domain({
        uuid: 'a',
        cpuTimeNs: k * SEC,
        balloon: { ...emptyBalloon(), currentKiB: 1024n },
        vcpus: [{ vcpu: 0, state: 1, timeNs: k * SEC, waitNs: null, delayNs: 0n }],
        disks: [{ name: 'vda', path: null, rdReqs: k, rdBytes: k, wrReqs: k, wrBytes: k, errors: 0n, capacityBytes: 10n, allocationBytes: 5n }],
        nics: [{ name: 'vnet0', mac: null, source: null, rxBytes: k, rxPkts: k, rxErrs: 0n, rxDrop: 0n, txBytes: k, txPkts: k, txErrs: 0n, txDrop: 0n }],
      });
    m.ingest(snapshot(0, [host({ monoNs: 0n, domains: [mk(0n)] })]));
    const live = m.ingest(snapshot(1, [host({ monoNs: SEC, domains: [mk(1n)] })])).domains[0];
    expect(live.cpuPercent).toBe(25);
    expect(live.disks[0].rdBytesPerSec).toBe(1);
    const d = m.ingest(snapshot(2, [host({ monoNs: 2n * SEC, status: 'reconnecting', error: 'lost', domains: [] })])).domains[0];
    expect(d).toMatchObject({ cpuPercent: null, vcpuPercent: null, rdBytesPerSec: null, txPktsPerSec: null, cpuCorePercent: null, memCurrentKiB: 1024, cpuTimeNs: SEC });
    expect(d.disks[0]).toMatchObject({ rdBytesPerSec: null, wrReqPerSec: null, capacityBytes: 10, rdBytes: 1n });
    expect(d.nics[0]).toMatchObject({ rxBytesPerSec: null, txPktsPerSec: null, rxBytes: 1n });
    expect(d.vcpuThreads[0]).toMatchObject({ cpuPercent: null, waitPercent: null, stealPercent: null });
    expect(d.errors).toEqual(['host unreachable: values are from the last successful tick']);
  });
});

describe('Model.ingest: disk latency and state reasons', () => {
  const vda = (rdReqs: bigint, rdTimesNs: bigint, wrReqs: bigint, wrTimesNs: bigint) => ({
    name: 'vda',
    path: '/var/lib/libvirt/images/a.qcow2',
    rdReqs,
    rdBytes: 0n,
    wrReqs,
    wrBytes: 0n,
    errors: 0n,
    capacityBytes: 10n * 2n ** 30n,
    allocationBytes: 3n * 2n ** 30n,
    physicalBytes: 3n * 2n ** 30n + 4096n,
    rdTimesNs,
    wrTimesNs,
    flReqs: 0n,
    flTimesNs: 0n,
  });

  it('gives each disk its latency over the tick and the domain its worst disk’s', () => {
    const m = new Model();
    const vdb = { ...vda(0n, 0n, 0n, 0n), name: 'vdb' };
    m.ingest(snapshot(0, [host({ monoNs: 1n * SEC, domains: [domain({ uuid: 'a', disks: [vda(100n, 100_000_000n, 10n, 50_000_000n), vdb] })] })]));
    // vda: +20 reads in 40 ms, +5 writes in 60 ms → 4 ms a request; vdb: +2 writes in 50 ms → 25 ms
    const v = m.ingest(
      snapshot(1, [host({ monoNs: 2n * SEC, domains: [domain({ uuid: 'a', disks: [vda(120n, 140_000_000n, 15n, 110_000_000n), { ...vda(0n, 0n, 2n, 50_000_000n), name: 'vdb' }] })] })]),
    );
    const d = v.domains[0];
    expect(d.disks.map((k) => [k.name, k.rdLatencyMs, k.wrLatencyMs, k.latencyMs])).toEqual([
      ['vda', 2, 12, 4],
      ['vdb', null, 25, 25],
    ]);
    expect(d.diskLatencyMs).toBe(25);
    expect(d.disks[0].physicalBytes).toBe(3 * 2 ** 30 + 4096);
  });

  it('names the reason of a pause, and has no latency for a guest that restarted', () => {
    const m = new Model();
    m.ingest(snapshot(0, [host({ monoNs: 1n * SEC, domains: [domain({ uuid: 'a', id: 3, disks: [vda(100n, 100n, 0n, 0n)] })] })]));
    const v = m.ingest(snapshot(1, [host({ monoNs: 2n * SEC, domains: [domain({ uuid: 'a', id: 4, state: 'paused', stateReason: 5, disks: [vda(200n, 900n, 0n, 0n)] })] })]));
    expect(v.domains[0].stateReason).toBe('ioerror');
    expect(v.domains[0].diskLatencyMs).toBeNull();
  });
});
