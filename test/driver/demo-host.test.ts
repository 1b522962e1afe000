// Checks demo/host.xml against libvirt's in-process test driver through
// virsh (no daemon needed). This pins down what `virtop --demo` can rely on:
// the inventory, the host shape, and which per-domain counters move over time.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

const HOST_XML = fileURLToPath(new URL('../../demo/host.xml', import.meta.url));
const URI = `test://${HOST_XML}`;

/** Run one virsh command against the demo host; argv is passed without a shell. */
async function virsh(...args: string[]): Promise<string> {
  const { stdout } = await run('virsh', ['-q', '-c', URI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
    timeout: 10_000,
  });
  return stdout;
}

/** Like virsh() but resolves to the error text instead of throwing. */
async function virshResult(...args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    return { ok: true, out: await virsh(...args) };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { ok: false, out: (e.stderr ?? e.message).trim() };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
}

async function names(stateFlag: string): Promise<string[]> {
  // --name prints one domain per line, so names with spaces survive.
  return (await virsh('list', stateFlag, '--name'))
    .split('\n')
    .filter((l) => l.length > 0);
}

/** "vda rd_req 123" or "actual 123" lines -> { rd_req: 123n, ... } */
function parseStatLines(text: string): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const l of lines(text)) {
    const m = /^(?:\S+\s+)?(\w+)\s+(-?\d+)$/.exec(l);
    if (m) out[m[1]] = BigInt(m[2]);
  }
  return out;
}

/** `virsh dominfo` "CPU time: 123.4s" -> seconds. */
function cpuTimeSec(dominfo: string): number {
  const m = /^CPU time:\s+([\d.]+)s$/m.exec(dominfo);
  if (!m) throw new Error(`no CPU time in dominfo:\n${dominfo}`);
  return Number(m[1]);
}

/** domblklist --details rows: [type, device, target, source] */
async function blkRows(name: string): Promise<string[][]> {
  return lines(await virsh('domblklist', name, '--details')).map((l) => l.split(/\s+/));
}

/** domiflist rows: [interface, type, source, model, mac] */
async function ifRows(name: string): Promise<string[][]> {
  return lines(await virsh('domiflist', name)).map((l) => l.split(/\s+/));
}

/** Two samples `gapMs` apart; returns per-second deltas for every counter. */
async function sampleRates(
  sample: () => Promise<Record<string, bigint>>,
  gapMs = 1000,
): Promise<{ first: Record<string, bigint>; perSec: Record<string, number> }> {
  const t0 = performance.now();
  const first = await sample();
  await sleep(gapMs);
  const t1 = performance.now();
  const second = await sample();
  const secs = (t1 - t0) / 1000;
  const perSec: Record<string, number> = {};
  for (const k of Object.keys(first)) perSec[k] = Number(second[k] - first[k]) / secs;
  return { first, perSec };
}

describe('demo/host.xml on the libvirt test driver', () => {
  let running: string[] = [];
  let paused: string[] = [];
  let shutoff: string[] = [];

  beforeAll(async () => {
    running = await names('--state-running');
    paused = await names('--state-paused');
    shutoff = await names('--state-shutoff');
  });

  it('loads and has the advertised inventory', async () => {
    const all = await names('--all');
    expect(all.length).toBeGreaterThanOrEqual(12);
    expect(running.length).toBeGreaterThanOrEqual(8);
    expect(paused.length).toBeGreaterThanOrEqual(2);
    expect(shutoff.length).toBeGreaterThanOrEqual(2);
    expect(all).toContain('test vm ünïcode (old) "$(id)" 旧\u200b');
    // every domain is in exactly one of the three states
    expect(running.length + paused.length + shutoff.length).toBe(all.length);
  });

  it('describes a 32-CPU, 256 GiB x86_64 host', async () => {
    const info = await virsh('nodeinfo');
    expect(info).toMatch(/^CPU\(s\):\s+32$/m);
    expect(info).toMatch(/^CPU frequency:\s+2600 MHz$/m);
    expect(info).toMatch(/^CPU model:\s+x86_64$/m);
    expect(info).toMatch(/^Memory size:\s+268435456 KiB$/m);
  });

  it('keeps UUIDs and MACs stable across connections', async () => {
    // The test driver invents random ones when the XML omits them.
    const a = await virsh('domuuid', 'db-primary');
    const b = await virsh('domuuid', 'db-primary');
    expect(a).toBe(b);
    const ifs1 = await ifRows('web-01');
    const ifs2 = await ifRows('web-01');
    expect(ifs1).toEqual(ifs2);
  });

  it('gives every running domain disks and NICs, with NIC names kept as written', async () => {
    for (const name of running) {
      const disks = await blkRows(name);
      expect(disks.length, `${name} disks`).toBeGreaterThan(0);
      expect(disks.some((d) => d[2] === 'vda'), `${name} has vda`).toBe(true);
      const nics = await ifRows(name);
      expect(nics.length, `${name} NICs`).toBeGreaterThan(0);
      for (const n of nics) {
        // "vnet*"/"macvtap*" names would be replaced by testnetN; tapN must survive.
        expect(n[0], `${name} NIC name`).toMatch(/^tap\d+$/);
        expect(n[4]).toMatch(/^52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/);
      }
    }
  });

  it('shows ballooned memory and partial vCPU counts', async () => {
    const info = await virsh('dominfo', 'db-replica');
    expect(info).toMatch(/^Max memory:\s+67108864 KiB$/m);
    expect(info).toMatch(/^Used memory:\s+50331648 KiB$/m);
    expect(info).toMatch(/^CPU\(s\):\s+12$/m);
    const counts = await virsh('vcpucount', 'db-replica');
    expect(counts).toMatch(/maximum\s+live\s+16/);
    expect(counts).toMatch(/current\s+live\s+12/);
    const mem = parseStatLines(await virsh('dommemstat', 'web-02'));
    expect(mem.actual).toBe(6291456n);
    expect(mem.rss).toBeGreaterThan(0n);
  });

  it('domblkstat works on running domains and its counters advance', async () => {
    const name = running[0];
    const { first, perSec } = await sampleRates(async () =>
      parseStatLines(await virsh('domblkstat', name, 'vda')),
    );
    console.info(`domblkstat ${name} vda first sample:`, first);
    console.info(`domblkstat ${name} vda per second:`, perSec);
    for (const k of ['rd_req', 'rd_bytes', 'wr_req', 'wr_bytes']) {
      expect(first[k], k).toBeGreaterThan(0n);
      expect(perSec[k], `${k} rate`).toBeGreaterThan(0);
    }
    // Block devices and an empty CD-ROM answer too.
    expect((await virshResult('domblkstat', 'db-primary', 'vdb')).ok).toBe(true);
    expect((await virshResult('domblkstat', 'win2019-ad', 'sda')).ok).toBe(true);
  });

  it('domifstat works on running domains and its counters advance', async () => {
    const name = running[0];
    const dev = (await ifRows(name))[0][0];
    const { first, perSec } = await sampleRates(async () =>
      parseStatLines(await virsh('domifstat', name, dev)),
    );
    console.info(`domifstat ${name} ${dev} first sample:`, first);
    console.info(`domifstat ${name} ${dev} per second:`, perSec);
    for (const k of ['rx_bytes', 'rx_packets', 'tx_bytes', 'tx_packets']) {
      expect(first[k], k).toBeGreaterThan(0n);
      expect(perSec[k], `${k} rate`).toBeGreaterThan(0);
    }
  });

  it('paused domains still answer stats; shut-off ones refuse', async () => {
    const p = paused[0];
    expect((await virshResult('domblkstat', p, 'vda')).ok).toBe(true);
    const pIf = (await ifRows(p))[0][0];
    expect((await virshResult('domifstat', p, pIf)).ok).toBe(true);

    const s = shutoff[0];
    const blk = await virshResult('domblkstat', s, 'vda');
    expect(blk.ok).toBe(false);
    expect(blk.out).toMatch(/not running/);
  });

  it('dominfo CPU time advances about one second per second', async () => {
    const name = running[0];
    const t0 = performance.now();
    const a = cpuTimeSec(await virsh('dominfo', name));
    await sleep(1000);
    const t1 = performance.now();
    const b = cpuTimeSec(await virsh('dominfo', name));
    const rate = (b - a) / ((t1 - t0) / 1000);
    console.info(`dominfo ${name} CPU time ${a}s -> ${b}s, ${rate.toFixed(2)} s/s`);
    expect(b).toBeGreaterThan(a);
    // It is wall-clock time, not scaled by vCPU count.
    expect(rate).toBeGreaterThan(0.5);
    expect(rate).toBeLessThan(2);
  });

  it('domstats fills only the state group (plus iothread when configured)', async () => {
    const name = running[0];
    const raw = await virsh('domstats', '--raw', name);
    const groups = new Set(
      lines(raw)
        .filter((l) => l.includes('='))
        .map((l) => l.split('=')[0].split('.')[0]),
    );
    console.info(`domstats ${name} default groups:`, [...groups]);
    expect(groups.has('state')).toBe(true);

    const supported: string[] = [];
    const unsupported: string[] = [];
    for (const g of [
      'state', 'cpu-total', 'balloon', 'vcpu', 'interface', 'block',
      'perf', 'iothread', 'memory', 'dirtyrate',
    ]) {
      const r = await virshResult('domstats', '--enforce', `--${g}`, name);
      (r.ok ? supported : unsupported).push(g);
    }
    console.info('domstats groups supported:', supported, 'unsupported:', unsupported);
    expect(supported).toContain('state');
    // The database guests declare <iothreads>, so their default stats carry that group.
    expect(await virsh('domstats', '--raw', 'db-primary')).toMatch(/^\s*iothread\.count=2$/m);

    // Recorded so a libvirt upgrade that adds groups shows up here.
    expect(unsupported).toEqual(
      expect.arrayContaining(['cpu-total', 'balloon', 'vcpu', 'interface', 'block']),
    );
  });

  it('has the networks and a sane storage pool', async () => {
    const nets = lines(await virsh('net-list', '--all', '--name'));
    expect(nets).toEqual(expect.arrayContaining(['default', 'storage-net']));
    const pool = await virsh('pool-info', '--bytes', 'default');
    const cap = BigInt(/^Capacity:\s+(\d+)$/m.exec(pool)![1]);
    const alloc = BigInt(/^Allocation:\s+(\d+)$/m.exec(pool)![1]);
    expect(alloc).toBeLessThan(cap);
    const vols = lines(await virsh('vol-list', 'default'));
    expect(vols.some((l) => l.includes('/var/lib/libvirt/images/web-01-vda.qcow2'))).toBe(true);
  });
});
