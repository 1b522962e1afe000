// A host over libvirt's real remote protocol (qemu+tcp on loopback, through
// a proxy this test controls) is cut mid-run: the other host keeps updating
// every tick, the cut host goes stale at once and "reconnecting" when
// keepalive gives up, and it comes back when the path is restored.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCollector } from '../../src/app/hosts.js';
import type { Collector } from '../../src/collector/collector.js';
import { Model } from '../../src/model/model.js';
import type { ModelView } from '../../src/model/view.js';
import { CuttableProxy } from './proxy.js';
import { describeLab, ensureLab, LAB_GUESTS, type LabHandle, labSh, sleep, teardownLab } from './lab.js';

const TICK_MS = 500;

describeLab('remote host cut mid-run', () => {
  let lab: LabHandle;
  let collector: Collector;
  const proxy = new CuttableProxy();
  const model = new Model();
  let remoteUri: string;

  beforeAll(async () => {
    lab = await ensureLab([LAB_GUESTS.idle]);
    await labSh(['tcp', 'on']);
    await proxy.start();
    remoteUri = `qemu+tcp://127.0.0.1:${proxy.port}/system`;
    collector = createCollector({ uris: [remoteUri, 'test:///default'], intervalMs: TICK_MS, threads: false });
  });

  afterAll(async () => {
    await collector?.close();
    await proxy.stop();
    await labSh(['tcp', 'off']);
    if (lab) await teardownLab(lab);
  });

  it('keeps the other host updating, detects the loss, and recovers', async () => {
    const tick = async () => {
      const t0 = performance.now();
      const v = model.ingest(await collector.tick());
      return { v, ms: performance.now() - t0 };
    };
    const host = (v: ModelView, uri: string) => v.hosts.find((h) => h.uri === uri)!;

    let v = (await tick()).v;
    expect(host(v, remoteUri).status).toBe('connected');
    expect(v.domains.some((d) => d.host === remoteUri && d.name === LAB_GUESTS.idle)).toBe(true);
    expect(v.domains.some((d) => d.host === 'test:///default')).toBe(true);

    proxy.cut = true;
    const cutAt = performance.now();
    let reconnectingAfterMs: number | null = null;
    while (performance.now() - cutAt < 45_000) {
      await sleep(TICK_MS);
      const r = await tick();
      v = r.v;
      // Tolerance: the tick deadline is max(1 s, interval); allow 500 ms of scheduling slack.
      expect(r.ms).toBeLessThan(1500);
      const local = host(v, 'test:///default');
      expect(local.status).toBe('connected');
      const testDom = v.domains.find((d) => d.host === 'test:///default' && d.name === 'test');
      expect(testDom?.errors ?? ['missing'], JSON.stringify(testDom?.errors)).toEqual([]);
      const remote = host(v, remoteUri);
      if (remote.status === 'reconnecting') {
        reconnectingAfterMs = performance.now() - cutAt;
        console.log(`[remote] reconnecting ${Math.round(reconnectingAfterMs)} ms after the cut`);
        break;
      }
      // Until keepalive gives up, the remote host is shown as not answering, its rows kept.
      expect(remote.error ?? '').toMatch(/no answer from libvirt|connection lost/);
      expect(v.domains.some((d) => d.host === remoteUri && d.name === LAB_GUESTS.idle)).toBe(true);
    }
    // keepalive: 5 s interval x (3 + 1) = about 20 s, plus one tick.
    expect(reconnectingAfterMs).not.toBeNull();
    expect(reconnectingAfterMs as number).toBeLessThan(30_000);

    proxy.cut = false;
    let back = false;
    for (let i = 0; i < 20 && !back; i++) {
      await sleep(TICK_MS);
      v = (await tick()).v;
      back = host(v, remoteUri).status === 'connected' && !host(v, remoteUri).error;
    }
    expect(back).toBe(true);
    expect(v.domains.some((d) => d.host === remoteUri && d.name === LAB_GUESTS.idle)).toBe(true);
  });
});
