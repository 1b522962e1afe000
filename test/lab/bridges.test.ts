// Bridge traffic on the real daemon: the netload guest pings on the lab
// network's bridge (virtoplab0) and the brnet guest on a plain host bridge
// (virtoplab2, <interface type='bridge'>, no libvirt network). The counters
// virtop reads lie between /sys readings taken around each tick, its rates
// are their deltas over its own stamps, and the host bridge is found from
// the domains' XML with its guest and tap; the network's bridge is not one.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localProcProbe } from '../../src/app/hosts.js';
import { HostCollector } from '../../src/collector/host.js';
import type { LibvirtSource } from '../../src/collector/source.js';
import { Connection } from '../../src/libvirt/connection.js';
import { Model } from '../../src/model/model.js';
import type { HostSample } from '../../src/types/sample.js';
import { snapshot } from '../helpers/samples.js';
import { assertBuilt, runVirtop } from '../helpers/run.js';
import { assertFrame } from '../helpers/schema.js';
import { describeLab, ensureLab, LAB_CONNECT, LAB_GUESTS, type LabHandle, sleep, teardownLab } from './lab.js';

const BRNET = 'virtop-lab-brnet';
const NET_BRIDGE = 'virtoplab0';
const HOST_BRIDGE = 'virtoplab2';

interface Counters {
  rx: bigint;
  tx: bigint;
}

async function sysCounters(bridge: string): Promise<Counters> {
  const read = async (what: string) => BigInt((await readFile(`/sys/class/net/${bridge}/statistics/${what}_bytes`, 'utf8')).trim());
  return { rx: await read('rx'), tx: await read('tx') };
}

describeLab('bridge traffic: a libvirt network’s bridge and a plain host bridge', () => {
  let lab: LabHandle;
  let hc: HostCollector;
  const ticks: HostSample[] = [];
  // /sys before and after each of the ticks 1 and 2, per bridge
  const around: Record<string, [Counters, Counters][]> = { [NET_BRIDGE]: [], [HOST_BRIDGE]: [] };

  beforeAll(async () => {
    lab = await ensureLab([LAB_GUESTS.net, BRNET]);
    hc = new HostCollector(LAB_CONNECT, {
      readonly: true,
      proc: localProcProbe(),
      threads: false,
      connect: async (u) => (await Connection.open(u, { readonly: true })) as unknown as LibvirtSource,
    });
    // Tick 0 learns the guests' bridges from their XML; ticks 1 and 2 read them.
    ticks.push(await hc.sample());
    for (let t = 1; t <= 2; t++) {
      if (t === 2) await sleep(2000);
      const before: Record<string, Counters> = { [NET_BRIDGE]: await sysCounters(NET_BRIDGE), [HOST_BRIDGE]: await sysCounters(HOST_BRIDGE) };
      ticks.push(await hc.sample());
      for (const b of [NET_BRIDGE, HOST_BRIDGE]) around[b].push([before[b], await sysCounters(b)]);
    }
  }, 300_000);

  afterAll(async () => {
    await hc?.close();
    if (lab) await teardownLab(lab);
  });

  it('the counters read lie between the /sys readings around their tick', () => {
    for (const b of [NET_BRIDGE, HOST_BRIDGE]) {
      for (const t of [1, 2]) {
        const read = ticks[t].bridges?.bridges.find((x) => x.name === b);
        expect(read, `${b} read at tick ${t}`).toMatchObject({ error: null });
        const [lo, hi] = around[b][t - 1];
        for (const k of ['rx', 'tx'] as const) {
          const v = (k === 'rx' ? read?.rxBytes : read?.txBytes) as bigint;
          expect(lo[k] <= v && v <= hi[k], `${b} ${k} ${v} between ${lo[k]} and ${hi[k]}`).toBe(true);
        }
      }
    }
  });

  it('the model: the host bridge with its guest and tap, its rate the counters’ delta over the readings’ stamps', () => {
    const model = new Model();
    let view = model.view();
    ticks.forEach((s, i) => (view = model.ingest(snapshot(i, [s]))));
    const host = view.hosts[0];
    const brnet = view.domains.find((d) => d.name === BRNET)!;
    expect(brnet.nics[0]).toMatchObject({ type: 'bridge', bridge: HOST_BRIDGE });
    expect(view.domains.find((d) => d.name === LAB_GUESTS.net)!.nics[0]).toMatchObject({ type: 'network', bridge: NET_BRIDGE });
    // the lab network's bridge belongs to a network, even before the networks are read
    expect(host.bridges?.map((b) => b.name)).toEqual([HOST_BRIDGE]);
    const b = host.bridges![0];
    expect(b.guests).toEqual([BRNET]);
    expect(b.taps).toEqual([{ tap: brnet.nics[0].name, domain: BRNET, mac: brnet.nics[0].mac }]);
    const [r1, r2] = [ticks[1].bridges!, ticks[2].bridges!];
    const seconds = Number(r2.monoNs - r1.monoNs) / 1e9;
    const delta = (r: typeof r1, k: 'rxBytes' | 'txBytes') => Number(r.bridges.find((x) => x.name === HOST_BRIDGE)![k]);
    expect(b.rxBytesPerSec).toBeCloseTo((delta(r2, 'rxBytes') - delta(r1, 'rxBytes')) / seconds, 3);
    expect(b.txBytesPerSec).toBeCloseTo((delta(r2, 'txBytes') - delta(r1, 'txBytes')) / seconds, 3);
    // the guest's pings reach the bridge
    expect(b.rxBytesPerSec).toBeGreaterThan(0);
  });

  it('the CLI: hosts[].bridges and the networks’ taps in batch JSON', async () => {
    assertBuilt();
    const r = await runVirtop(['-b', '-n', '4', '-d', '1', '--json', '-c', LAB_CONNECT]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const frames = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    frames.forEach((f, i) => assertFrame(f, `tick ${i}`));
    const last = frames[frames.length - 1];
    const host = last.hosts[0];
    const br = host.bridges.find((x: { name: string }) => x.name === HOST_BRIDGE);
    expect(br).toMatchObject({ guests: [BRNET] });
    expect(br.rxBytesPerSec).toBeGreaterThan(0);
    const net = host.networks?.find((n: { bridge: string }) => n.bridge === NET_BRIDGE);
    expect(net, 'the lab network, read by the last tick').toBeDefined();
    expect(net.taps.map((t: { domain: string }) => t.domain)).toContain(LAB_GUESTS.net);
    expect(net.rxBytesPerSec).toBeGreaterThan(0);
  }, 60_000);
});
