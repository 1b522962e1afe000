// The exporter on a real libvirtd with busy guests: counters grow, and every
// counter served lies between two `virsh domstats` readings taken around the
// tick it comes from (A before the tick's libvirt call began, B after the
// scrape). Counters only grow, so A <= served <= B must hold exactly; the
// only tolerance is float rounding (1 µs of CPU time, 1 unit elsewhere).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeLab, domstats, ensureLab, LAB_CONNECT, LAB_GUESTS, statNum, teardownLab, waitFor, type LabHandle } from './lab.js';

const ROOT = resolve(import.meta.dirname, '../..');
const GUESTS = [LAB_GUESTS.spin, LAB_GUESTS.disk, LAB_GUESTS.net];

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    get(url, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d) => (body += d));
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
    }).on('error', rej);
  });
}

type Samples = Map<string, number>;

function parse(text: string): Samples {
  const m: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

function one(m: Samples, name: string, ...parts: string[]): number {
  const hits = [...m].filter(([k]) => k.startsWith(`${name}{`) && parts.every((p) => k.includes(p)));
  if (hits.length !== 1) throw new Error(`${name} ${parts.join(' ')}: ${hits.length} series`);
  return hits[0][1];
}

const NEEDED = ['libvirt_domain_info_cpu_time_seconds_total', 'libvirt_domain_block_stats_read_bytes_total', 'libvirt_domain_interface_stats_receive_bytes_total'];

/** What a scrape lacks for the lab guests (a guest being restarted by another test has no device stats for a tick or two). */
function missing(m: Samples): string[] {
  const out: string[] = [];
  for (const g of GUESTS) {
    for (const n of NEEDED) if (![...m.keys()].some((k) => k.startsWith(`${n}{`) && k.includes(`domain="${g}"`))) out.push(`${g} ${n}`);
  }
  return out;
}

describeLab('Prometheus exporter on the lab', () => {
  let lab: LabHandle;
  let child: ChildProcess;
  let url = '';
  let stderr = '';

  beforeAll(async () => {
    lab = await ensureLab(GUESTS);
    child = spawn(process.execPath, [join(ROOT, 'bin/virtop'), '--prometheus', '127.0.0.1:0', '-c', LAB_CONNECT, '-d', '1'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d) => (stderr += d));
    url = await waitFor('the exporter to listen', async () => /serving Prometheus metrics on (\S+)/.exec(stderr)?.[1], 20_000);
    await waitFor('a first sample', async () => ((await httpGet(url)).status === 200 ? true : undefined), 30_000);
  });

  /** A scrape that has every lab guest with its devices. */
  async function completeScrape(): Promise<{ text: string; m: Samples }> {
    let last: string[] = [];
    try {
      return await waitFor(
        'a scrape with every lab guest and its devices',
        async () => {
          const text = (await httpGet(url)).body;
          const m = parse(text);
          last = missing(m);
          return last.length === 0 ? { text, m } : undefined;
        },
        30_000,
        250,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}; missing: ${last.join(', ')}`);
    }
  }

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    if (lab) await teardownLab(lab);
  });

  test('valid exposition (promtool) with every lab guest up and labelled', async () => {
    const { text } = await completeScrape();
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    if (r.error) throw new Error(`promtool is needed (Debian package prometheus): ${r.error.message}`);
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
    const m = parse(text);
    expect(one(m, 'virtop_up', `host="${LAB_CONNECT}"`)).toBe(1);
    for (const g of GUESTS) {
      expect(one(m, 'libvirt_domain_info_state', `domain="${g}"`)).toBe(1);
      expect(one(m, 'libvirt_domain_block_stats_capacity_bytes', `domain="${g}"`, 'target_device="vda"')).toBe(64 * 1024 * 1024);
    }
    expect(one(m, 'libvirt_domain_info_virtual_cpus', `domain="${LAB_GUESTS.spin}"`)).toBe(2);
  });

  test('counters grow with the load each guest runs', async () => {
    const a = (await completeScrape()).m;
    const t0 = one(a, 'virtop_last_tick_timestamp_seconds');
    // a sample at least 2 s newer (ticks stretch when the machine is busy)
    const b = await waitFor(
      'a sample 2 s newer',
      async () => {
        const m = parse((await httpGet(url)).body);
        return one(m, 'virtop_last_tick_timestamp_seconds') - t0 >= 2 && missing(m).length === 0 ? m : undefined;
      },
      30_000,
      250,
    );
    const grew = (name: string, guest: string, ...parts: string[]) =>
      one(b, name, `domain="${guest}"`, ...parts) - one(a, name, `domain="${guest}"`, ...parts);
    const dt = one(b, 'virtop_last_tick_timestamp_seconds') - one(a, 'virtop_last_tick_timestamp_seconds');
    expect(dt).toBeGreaterThanOrEqual(2);
    // Each guest's load moves its counters. Only "it grew" is asserted: on a loaded two-core
    // machine a TCG guest may get a small share of a CPU; exact values are the next test's job.
    expect(grew('libvirt_domain_info_cpu_time_seconds_total', LAB_GUESTS.spin)).toBeGreaterThan(0);
    expect(grew('libvirt_domain_vcpu_time_seconds_total', LAB_GUESTS.spin, 'vcpu="0"')).toBeGreaterThan(0);
    const io = grew('libvirt_domain_block_stats_read_bytes_total', LAB_GUESTS.disk) + grew('libvirt_domain_block_stats_write_bytes_total', LAB_GUESTS.disk);
    expect(io).toBeGreaterThan(0);
    expect(
      grew('libvirt_domain_block_stats_read_requests_total', LAB_GUESTS.disk) + grew('libvirt_domain_block_stats_write_requests_total', LAB_GUESTS.disk),
    ).toBeGreaterThan(0);
    // ping6 (counted both ways, as the collector lab test does: which side libvirt calls rx or tx
    // depends on whose point of view the driver takes)
    const pkts =
      grew('libvirt_domain_interface_stats_transmit_packets_total', LAB_GUESTS.net) +
      grew('libvirt_domain_interface_stats_receive_packets_total', LAB_GUESTS.net);
    expect(pkts).toBeGreaterThan(0);
    // and nothing went backwards anywhere
    for (const [k, v] of a) if (k.includes('_total{') && b.has(k)) expect(b.get(k) as number, k).toBeGreaterThanOrEqual(v);
  });

  test('served counters lie between virsh domstats before the tick and after the scrape', async () => {
    const before = new Map<string, Record<string, string>>();
    for (const g of GUESTS) before.set(g, await domstats(g));
    const afterA = Date.now() / 1000;
    // a tick whose libvirt call began after the last "before" reading finished
    const served = await waitFor(
      'a tick that started after the domstats readings',
      async () => {
        const m = parse((await httpGet(url)).body);
        const end = one(m, 'virtop_last_tick_timestamp_seconds', `host="${LAB_CONNECT}"`);
        const began = end - one(m, 'virtop_tick_latency_seconds', `host="${LAB_CONNECT}"`);
        return began > afterA + 0.01 && missing(m).length === 0 ? m : undefined;
      },
      15_000,
      200,
    );
    const after = new Map<string, Record<string, string>>();
    for (const g of GUESTS) after.set(g, await domstats(g));

    const checks: [string, string, string[], (s: Record<string, string>) => number, number][] = [];
    for (const g of GUESTS) {
      const A = before.get(g) as Record<string, string>;
      const dev = (kind: 'block' | 'net') => `target_device="${A[`${kind}.0.name`]}"`;
      checks.push(
        [g, 'libvirt_domain_info_cpu_time_seconds_total', [], (s) => statNum(s, 'cpu.time') / 1e9, 1e-6],
        [g, 'libvirt_domain_vcpu_time_seconds_total', ['vcpu="0"'], (s) => statNum(s, 'vcpu.0.time') / 1e9, 1e-6],
        [g, 'libvirt_domain_block_stats_read_bytes_total', [dev('block')], (s) => statNum(s, 'block.0.rd.bytes'), 1],
        [g, 'libvirt_domain_block_stats_write_bytes_total', [dev('block')], (s) => statNum(s, 'block.0.wr.bytes'), 1],
        [g, 'libvirt_domain_block_stats_read_requests_total', [dev('block')], (s) => statNum(s, 'block.0.rd.reqs'), 1],
        [g, 'libvirt_domain_block_stats_write_requests_total', [dev('block')], (s) => statNum(s, 'block.0.wr.reqs'), 1],
        [g, 'libvirt_domain_interface_stats_receive_bytes_total', [dev('net')], (s) => statNum(s, 'net.0.rx.bytes'), 1],
        [g, 'libvirt_domain_interface_stats_transmit_bytes_total', [dev('net')], (s) => statNum(s, 'net.0.tx.bytes'), 1],
        [g, 'libvirt_domain_interface_stats_receive_packets_total', [dev('net')], (s) => statNum(s, 'net.0.rx.pkts'), 1],
        [g, 'libvirt_domain_interface_stats_transmit_packets_total', [dev('net')], (s) => statNum(s, 'net.0.tx.pkts'), 1],
        [g, 'libvirt_domain_memory_stats_minor_fault_total', [], (s) => statNum(s, 'balloon.minor_fault'), 1],
      );
      if (A['vcpu.0.delay'] !== undefined) {
        checks.push([g, 'libvirt_domain_vcpu_delay_seconds_total', ['vcpu="0"'], (s) => statNum(s, 'vcpu.0.delay') / 1e9, 1e-6]);
      }
    }
    for (const [g, name, parts, read, tol] of checks) {
      const v = one(served, name, `domain="${g}"`, ...parts);
      const lo = read(before.get(g) as Record<string, string>);
      const hi = read(after.get(g) as Record<string, string>);
      expect(v, `${g} ${name}: ${lo} <= ${v} <= ${hi}`).toBeGreaterThanOrEqual(lo - tol);
      expect(v, `${g} ${name}: ${lo} <= ${v} <= ${hi}`).toBeLessThanOrEqual(hi + tol);
    }
    // gauges that do not move: equal to domstats
    for (const g of GUESTS) {
      const B = after.get(g) as Record<string, string>;
      expect(one(served, 'libvirt_domain_info_memory_usage_bytes', `domain="${g}"`)).toBe(statNum(B, 'balloon.current') * 1024);
      expect(one(served, 'libvirt_domain_info_maximum_memory_bytes', `domain="${g}"`)).toBe(statNum(B, 'balloon.maximum') * 1024);
      expect(one(served, 'libvirt_domain_info_virtual_cpus', `domain="${g}"`)).toBe(statNum(B, 'vcpu.current'));
    }
  });

  test('SIGTERM ends the exporter with status 0', async () => {
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
  });
});
