// virtop --prometheus end to end against the demo host (libvirt's test
// driver): scraped over loopback, checked by promtool, stopped by signals.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, ROOT, runVirtop } from '../helpers/run.js';

beforeAll(() => assertBuilt());

interface Exporter {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const running: Exporter[] = [];
afterEach(() => {
  for (const e of running.splice(0)) e.child.kill('SIGKILL');
});

/** Starts virtop --prometheus on a free loopback port and waits for its "serving" line. */
async function startExporter(args: string[]): Promise<Exporter> {
  const child = spawn(process.execPath, [BIN, '--prometheus', '127.0.0.1:0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`exporter did not start: ${err}`)), 15_000);
    const check = () => {
      const m = /serving Prometheus metrics on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    };
    child.stderr.on('data', check);
    void exited.then((code) => reject(new Error(`exporter exited ${code}: ${err}`)));
  });
  const e = { child, url, stderr: () => err, exited };
  running.push(e);
  return e;
}

function httpGet(url: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
  });
}

/** Scrapes until the exporter has a sample (it answers 503 before its first tick). */
async function scrape(url: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const r = await httpGet(url);
    if (r.status === 200) {
      expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
      return r.body;
    }
    expect(r.status).toBe(503);
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('no sample after 10 s');
}

function promtool(text: string): { status: number | null; out: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool is needed for this test (Debian package prometheus): ${r.error.message}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** name{labels} → value for every sample line. */
function samples(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

function find(m: Map<string, number>, name: string, ...parts: string[]): [string, number][] {
  return [...m].filter(([k]) => k.startsWith(`${name}{`) && parts.every((p) => k.includes(p)));
}

describe('virtop --prometheus on the demo host', () => {
  it('serves valid metrics (promtool) with the libvirt exporter names, labels and virtop_up', async () => {
    const ex = await startExporter(['--demo', '-d', '0.5']);
    expect(ex.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const text = await scrape(ex.url);
    expect(promtool(text)).toEqual({ status: 0, out: '' });
    for (const t of [
      '# TYPE libvirt_domain_info_cpu_time_seconds_total counter',
      '# TYPE libvirt_domain_block_stats_read_bytes_total counter',
      '# TYPE libvirt_domain_interface_stats_receive_bytes_total counter',
      '# TYPE libvirt_domain_info_memory_usage_bytes gauge',
      '# TYPE libvirt_domain_info_state gauge',
      '# TYPE virtop_up gauge',
    ]) {
      expect(text).toContain(t);
    }
    const m = samples(text);
    expect(find(m, 'virtop_up').map(([, v]) => v)).toEqual([1]);
    const web1 = find(m, 'libvirt_domain_info_cpu_time_seconds_total', 'domain="web-01"');
    expect(web1).toHaveLength(1);
    expect(web1[0][0]).toMatch(/host="test:\/\/\/.*demo\/host\.xml",domain="web-01",uuid="[0-9a-f-]{36}"/);
    expect(find(m, 'libvirt_domain_block_stats_read_bytes_total', 'domain="web-01"', 'target_device="vda"')).toHaveLength(1);
    expect(find(m, 'libvirt_domain_interface_stats_transmit_packets_total', 'domain="web-01"', 'target_device=').length).toBeGreaterThan(0);
    expect(find(m, 'libvirt_domain_info_state', 'domain="web-01"')[0][1]).toBe(1);
    // a name with non-ASCII letters and parentheses is a valid label value
    expect(find(m, 'libvirt_domain_info_state', 'ünïcode').length).toBe(1);
  });

  it('counters grow between ticks; a scrape never makes a tick of its own', async () => {
    const ex = await startExporter(['--demo', '-d', '1']);
    const first = samples(await scrape(ex.url));
    // 30 scrapes in a row, well inside one interval: the tick count must not move with them.
    const ticks0 = first.get('virtop_ticks_total') as number;
    const burst: number[] = [];
    const t0 = Date.now();
    for (let i = 0; i < 30; i++) burst.push(samples((await httpGet(ex.url)).body).get('virtop_ticks_total') as number);
    const burstSec = (Date.now() - t0) / 1000;
    expect(Math.max(...burst) - ticks0).toBeLessThanOrEqual(Math.ceil(burstSec) + 1);
    // after two more ticks the demo's counters have moved
    const deadline = Date.now() + 15_000;
    let later = samples((await httpGet(ex.url)).body);
    while ((later.get('virtop_ticks_total') as number) < ticks0 + 2) {
      if (Date.now() > deadline) throw new Error(`waited 15 s for two more ticks after ${ticks0}; at ${later.get('virtop_ticks_total')}`);
      await new Promise((r) => setTimeout(r, 100));
      later = samples((await httpGet(ex.url)).body);
    }
    expect(later.get('virtop_ticks_total')).toBeGreaterThan(ticks0);
    const key = find(first, 'libvirt_domain_info_cpu_time_seconds_total', 'domain="web-01"')[0][0];
    expect(later.get(key)).toBeGreaterThan(first.get(key) as number);
    const rd = find(first, 'libvirt_domain_block_stats_read_bytes_total', 'domain="web-01"')[0][0];
    expect(later.get(rd)).toBeGreaterThanOrEqual(first.get(rd) as number);
  });

  it('answers / and 404s elsewhere; HEAD works; SIGTERM stops it cleanly with status 0', async () => {
    const ex = await startExporter(['--demo', '-d', '0.5']);
    await scrape(ex.url);
    const base = ex.url.replace(/\/metrics$/, '');
    expect((await httpGet(`${base}/`)).body).toContain('/metrics');
    expect((await httpGet(`${base}/nope`)).status).toBe(404);
    const head = await httpGet(ex.url, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const t0 = Date.now();
    ex.child.kill('SIGTERM');
    expect(await ex.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    await expect(httpGet(ex.url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('SIGINT stops it too', async () => {
    const ex = await startExporter(['--demo']);
    ex.child.kill('SIGINT');
    expect(await ex.exited).toBe(0);
  });

  it('a port in use: a clear error and status 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runVirtop(['--demo', '--prometheus', `127.0.0.1:${port}`]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(`virtop: cannot serve metrics on 127.0.0.1:${port}: the port is already in use (is another exporter running?)`);
    } finally {
      blocker.close();
    }
  });

  it('an address that is not on this machine: status 1 and why', async () => {
    const r = await runVirtop(['--demo', '--prometheus', '192.0.2.1:9177']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot serve metrics on 192\.0\.2\.1:9177: that address is not on this machine/);
  });

  it.each([
    [['--prometheus', 'example.com:9177'], /not an IP address/],
    [['--prometheus', '127.0.0.1:99999'], /no valid port/],
    [['--prometheus', ':9177', '--json'], /drop -b, --json and --csv/],
    [['--prometheus', ':9177', '-n', '3'], /drop --iterations/],
  ])('%j → exit 2 with one line and the usage hint', async (args, msg) => {
    const r = await runVirtop(['--demo', ...(args as string[])]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^virtop: /);
    expect(lines[0]).toMatch(msg);
    expect(lines).toHaveLength(2);
  });
});

describe('the Grafana dashboard (packaging/grafana/virtop-dashboard.json)', () => {
  interface Target { expr: string; legendFormat?: string }
  interface Panel { title: string; targets?: Target[] }
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'packaging', 'grafana', 'virtop-dashboard.json'), 'utf8')) as {
    panels: Panel[];
    templating: { list: { name: string; definition?: string }[] };
  };
  const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));
  const METRIC = /\b(?:libvirt|virtop)_[a-z_]+\b/g;

  /** Label names a query selects on, groups by or joins on, and its legend names. */
  function labelsUsed(q: { expr: string; legendFormat?: string }): string[] {
    const out = new Set<string>();
    for (const m of q.expr.matchAll(/\{([^}]*)\}/g)) for (const l of m[1].matchAll(/([a-z_]+)\s*(?:=~|!~|!=|=)/g)) out.add(l[1]);
    for (const m of q.expr.matchAll(/\b(?:by|on|ignoring|without)\s*\(([^)]*)\)/g)) for (const l of m[1].split(',')) out.add(l.trim());
    for (const m of (q.legendFormat ?? '').matchAll(/\{\{\s*([a-z_]+)\s*\}\}/g)) out.add(m[1]);
    return [...out].filter(Boolean);
  }

  it('every metric and label its queries use is in a live scrape of the demo host', async () => {
    const ex = await startExporter(['--demo', '-d', '0.5']);
    const text = await scrape(ex.url);
    // family → the label names its series carry
    const families = new Map<string, Set<string>>();
    for (const line of text.split('\n')) {
      const m = /^([a-z_]+)(?:\{(.*)\})? /.exec(line);
      if (!m) continue;
      const labels = families.get(m[1]) ?? new Set<string>();
      for (const l of (m[2] ?? '').matchAll(/([a-z_]+)="/g)) labels.add(l[1]);
      families.set(m[1], labels);
    }
    expect(queries.length).toBeGreaterThan(15);
    const variables = dashboard.templating.list.filter((v) => v.definition).map((v) => ({ panel: `variable ${v.name}`, expr: v.definition! }));
    let checked = 0;
    for (const q of [...queries, ...variables]) {
      const metrics = [...new Set(q.expr.match(METRIC) ?? [])];
      expect(metrics.length, q.panel).toBeGreaterThan(0);
      // virtop_host_unresponsive_seconds exists only while a host hangs: its help is served, its series not
      for (const name of metrics) expect(families.has(name) || text.includes(`# HELP ${name} `), `${q.panel}: ${name}`).toBe(true);
      const available = new Set(metrics.flatMap((n) => [...(families.get(n) ?? [])]));
      const lv = /^label_values\(\s*[a-z_]+(?:\{[^}]*\})?\s*,\s*([a-z_]+)\s*\)$/.exec(q.expr);
      const used = lv ? [lv[1], ...labelsUsed({ expr: q.expr.replace(/,\s*[a-z_]+\s*\)$/, ')') })] : labelsUsed(q);
      for (const l of used) expect(available.has(l) || metrics.every((n) => !families.has(n)), `${q.panel}: label ${l}`).toBe(true);
      checked++;
    }
    process.stdout.write(`dashboard: ${checked} queries checked against ${families.size} families in a live scrape\n`);
  });

  it('every query is valid PromQL (promtool, with the dashboard variables filled in)', () => {
    const rules = queries.map((q, i) => ({
      record: `virtop_dashboard_check_${i}`,
      expr: q.expr.replaceAll('$__rate_interval', '1m').replaceAll('$host', '.*').replaceAll('$domain', '.*'),
    }));
    const dir = mkdtempSync(join(tmpdir(), 'virtop-dash-'));
    try {
      const file = join(dir, 'rules.json');
      // YAML is a superset of JSON: promtool reads this as a rules file
      writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the names and labels of both libvirt exporter families', () => {
  // Written out here from each family's own metric definitions: a name a
  // dashboard queries, the labels it groups or filters by. virtop adds
  // 'host' and 'uuid' to every domain series; those are not listed.
  const DOMAIN = ['domain'];
  const KUMINA: [string, string[]][] = [
    ['libvirt_up', []],
    ['libvirt_domain_info_cpu_time_seconds_total', DOMAIN],
    ['libvirt_domain_info_maximum_memory_bytes', DOMAIN],
    ['libvirt_domain_info_memory_usage_bytes', DOMAIN],
    ['libvirt_domain_info_virtual_cpus', DOMAIN],
    ...['read_bytes_total', 'read_requests_total', 'write_bytes_total', 'write_requests_total'].map(
      (n): [string, string[]] => [`libvirt_domain_block_stats_${n}`, ['domain', 'source_file', 'target_device']],
    ),
    ...['receive', 'transmit'].flatMap((dir) =>
      ['bytes', 'packets', 'errors', 'drops'].map((n): [string, string[]] => [`libvirt_domain_interface_stats_${dir}_${n}_total`, ['domain', 'source_bridge', 'target_device']]),
    ),
  ];
  const OTHER: [string, string[]][] = [
    ['libvirt_up', []],
    ['libvirt_domain_info_state', DOMAIN],
    ['libvirt_domain_vcpu_current', DOMAIN],
    ['libvirt_domain_vcpu_maximum', DOMAIN],
    ['libvirt_domain_vcpu_state', ['domain', 'vcpu']],
    ['libvirt_domain_vcpu_time_seconds_total', ['domain', 'vcpu']],
    ['libvirt_domain_vcpu_wait_seconds_total', ['domain', 'vcpu']],
    ['libvirt_domain_vcpu_delay_seconds_total', ['domain', 'vcpu']],
    ...['swap_in_bytes', 'swap_out_bytes', 'unused_bytes', 'available_bytes', 'usable_bytes', 'rss_bytes', 'actual_balloon_bytes', 'major_fault_total', 'minor_fault_total', 'maximum_bytes', 'used_percent'].map(
      (n): [string, string[]] => [`libvirt_domain_memory_stats_${n}`, DOMAIN],
    ),
    ['libvirt_domain_block_stats_info', ['domain', 'disk_type', 'target_bus', 'driver_name', 'driver_type', 'driver_cache', 'driver_discard', 'source_file', 'source_protocol', 'target_device', 'serial']],
    ...['read_time_seconds_total', 'write_time_seconds_total', 'flush_requests_total', 'flush_time_seconds_total', 'capacity_bytes', 'physicalsize_bytes'].map(
      (n): [string, string[]] => [`libvirt_domain_block_stats_${n}`, ['domain', 'target_device']],
    ),
    ['libvirt_domain_interface_stats_info', ['domain', 'interface_type', 'source_bridge', 'target_device', 'mac_address', 'model_type', 'mtu_size']],
    ['libvirt_domain_openstack_info', ['domain', 'instance_name', 'instance_id', 'flavor_name', 'user_name', 'user_id', 'project_name', 'project_id']],
    ...['state', 'capacity_bytes', 'allocation_bytes', 'available_bytes'].map((n): [string, string[]] => [`libvirt_storage_pool_${n}`, ['storage_pool']]),
  ];
  // The test driver keeps no vcpu.N.delay, vcpu.N.wait, block.N.capacity or block.N.physical, and the demo
  // host has no local QEMU threads to read a delay from: declared, with no samples (as on any host whose
  // libvirt lacks them; docs/export.md says so). The lab checks them on real guests.
  const DECLARED_ONLY = new Set([
    'libvirt_domain_vcpu_delay_seconds_total',
    'libvirt_domain_vcpu_wait_seconds_total',
    'libvirt_domain_block_stats_capacity_bytes',
    'libvirt_domain_block_stats_physicalsize_bytes',
  ]);

  it.each([
    ['kumina', KUMINA],
    ['Tinkoff / AlexZzz / inovex', OTHER],
  ] as const)('%s: every name is served with the labels it is queried by', async (_family, list) => {
    const ex = await startExporter(['--demo', '-d', '0.5']);
    // pools come from the slow loop's first round, a moment after the first tick
    let text = await scrape(ex.url);
    for (let i = 0; i < 50 && !text.includes('libvirt_storage_pool_state{'); i++) {
      await new Promise((res) => setTimeout(res, 200));
      text = await scrape(ex.url);
    }
    for (const [name, labels] of list) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} (gauge|counter)$`, 'm'));
      const lines = text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
      if (DECLARED_ONLY.has(name)) continue;
      expect(lines.length, `${name}: samples`).toBeGreaterThan(0);
      for (const l of labels) expect(lines.every((line) => line.includes(`${l}="`)), `${name}: label ${l}`).toBe(true);
    }
    expect(promtool(text)).toEqual({ status: 0, out: '' });
  });

  it('the values behind the new names: vCPUs, used percent, info series of 1 with what the XML says', async () => {
    const ex = await startExporter(['--demo', '-d', '0.5']);
    const m = samples(await scrape(ex.url));
    const one = (name: string, ...parts: string[]) => {
      const f = find(m, name, ...parts);
      expect(f, `${name} ${parts.join(' ')}`).toHaveLength(1);
      return f[0];
    };
    expect(one('libvirt_domain_vcpu_current', 'domain="db-primary"')[1]).toBe(one('libvirt_domain_info_virtual_cpus', 'domain="db-primary"')[1]);
    expect(one('libvirt_domain_memory_stats_maximum_bytes', 'domain="web-01"')[1]).toBe(one('libvirt_domain_info_maximum_memory_bytes', 'domain="web-01"')[1]);
    const avail = one('libvirt_domain_memory_stats_available_bytes', 'domain="web-01"')[1];
    const usable = one('libvirt_domain_memory_stats_usable_bytes', 'domain="web-01"')[1];
    expect(one('libvirt_domain_memory_stats_used_percent', 'domain="web-01"')[1]).toBeCloseTo(((avail - usable) / avail) * 100, 9);
    const [blk, v] = one('libvirt_domain_block_stats_info', 'domain="web-01"', 'target_device="vda"');
    expect(v).toBe(1);
    expect(blk).toContain('source_file="/var/lib/libvirt/images/web-01-vda.qcow2"');
    for (const label of ['disk_type="file"', 'target_bus="virtio"', 'driver_name="qemu"', 'driver_type="qcow2"', 'driver_cache="none"', 'driver_discard="unmap"', 'source_protocol=""']) {
      expect(blk).toContain(label);
    }
    const [nic] = one('libvirt_domain_interface_stats_info', 'domain="web-01"');
    expect(nic).toMatch(/interface_type="(network|bridge)"/);
    expect(nic).toContain('model_type="virtio"');
    expect(nic).toMatch(/mac_address="52:54:00:[0-9a-f:]{8}"/);
    expect(one('libvirt_domain_block_stats_read_bytes_total', 'domain="web-01"', 'target_device="vda"')[0]).toContain('source_file="/var/lib/libvirt/images/web-01-vda.qcow2"');
    expect(one('libvirt_up')[1]).toBe(1);
    // the demo's three k8s nodes carry Nova metadata; the others have no openstack series
    const os = find(m, 'libvirt_domain_openstack_info');
    expect(os.map(([k]) => /domain="([^"]+)"/.exec(k)![1]).sort()).toEqual(['k8s-node-1', 'k8s-node-2', 'k8s-node-3']);
    const [node1, v1] = one('libvirt_domain_openstack_info', 'domain="k8s-node-1"');
    expect(v1).toBe(1);
    for (const label of [
      'instance_name="k8s-worker-a"',
      'instance_id="fdfb462f-d6fa-48db-b82d-5644ef7d9967"',
      'flavor_name="k8s.worker.6c16g"',
      'user_name="ci-bot"',
      'user_id="0c5f1e7a9b2d4c68a1e3f5b7d9c0a2e4"',
      'project_name="platform"',
      'project_id="7d2b9e4f1a6c4e08b3d5f7a9c1e2b4d6"',
    ]) {
      expect(node1).toContain(label);
    }
  });
});

describe('--metadata-labels on the demo host', () => {
  it('every domain series carries name, flavor and project_name; a k8s node its Nova names; promtool stays clean', async () => {
    const ex = await startExporter(['--demo', '-d', '0.5', '--metadata-labels']);
    const text = await scrape(ex.url);
    expect(promtool(text)).toEqual({ status: 0, out: '' });
    const m = samples(text);
    const cpu = find(m, 'libvirt_domain_info_cpu_time_seconds_total', 'domain="k8s-node-1"');
    expect(cpu).toHaveLength(1);
    expect(cpu[0][0]).toContain('name="k8s-worker-a",flavor="k8s.worker.6c16g",project_name="platform"');
    // a guest with a title and no Nova metadata: its title, empty flavor and project
    expect(find(m, 'libvirt_domain_info_cpu_time_seconds_total', 'domain="web-01"')[0][0]).toContain('name="Public web frontend (nginx, php-fpm)",flavor="",project_name=""');
    const domainSeries = [...m.keys()].filter((k) => k.startsWith('libvirt_domain_'));
    expect(domainSeries.every((k) => k.includes(',name="'))).toBe(true);
  });
});
