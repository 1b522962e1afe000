// The prom-client side: text exposition of the families, counters typed as
// counters, series of vanished domains dropped, promtool's verdict when it
// is installed (the driver tests require it; here it is a bonus).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseListenAddress } from '../../../src/export/address.js';
import { PrometheusExporter } from '../../../src/export/prometheus.js';
import type { Snapshot } from '../../../src/types/sample.js';
import { fullSnapshot } from '../record/full-sample.js';

function promtool(text: string): { status: number | null; out: string } | null {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) return null;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function sampleLine(text: string, name: string, labelPart: string): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) && line.includes(labelPart)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return null;
}

describe('PrometheusExporter', () => {
  it('renders counters as counters and gauges as gauges, with HELP', async () => {
    const ex = new PrometheusExporter();
    expect(ex.hasData).toBe(false);
    ex.update(fullSnapshot(2, 2));
    expect(ex.hasData).toBe(true);
    const text = await ex.render();
    expect(text).toContain('# TYPE libvirt_domain_info_cpu_time_seconds_total counter');
    expect(text).toContain('# TYPE libvirt_domain_info_memory_usage_bytes gauge');
    expect(text).toContain('# HELP virtop_up ');
    expect(text).toMatch(/^virtop_up\{host="qemu:\/\/\/system"\} 1$/m);
    expect(text).toMatch(/^virtop_ticks_total 3$/m);
    // the host's size, the denominators of overcommit (8 CPUs, 32 GiB in the sample)
    expect(text).toMatch(/^virtop_host_cpus\{host="qemu:\/\/\/system"\} 8$/m);
    expect(text).toMatch(/^virtop_host_memory_bytes\{host="qemu:\/\/\/system"\} 34359738368$/m);
    expect(text).toMatch(/^virtop_scrape_duration_seconds \d/m);
    expect(ex.contentType).toMatch(/^text\/plain; version=0.0.4/);
  });

  it('escapes label values (quotes, backslashes) and serves the latest snapshot', async () => {
    const ex = new PrometheusExporter();
    ex.update(fullSnapshot(2, 1));
    const a = await ex.render();
    // the domain is named: guest "0" (x)
    expect(a).toContain('domain="guest \\"0\\" (x)"');
    const before = sampleLine(a, 'libvirt_domain_block_stats_read_bytes_total', 'target_device="vda"');
    ex.update(fullSnapshot(5, 1));
    const b = await ex.render();
    const after = sampleLine(b, 'libvirt_domain_block_stats_read_bytes_total', 'target_device="vda"');
    expect(before).toBe(4096 * 100 * 2);
    expect(after).toBe(4096 * 100 * 5);
  });

  it('a domain that went away has no series on the next scrape', async () => {
    const ex = new PrometheusExporter();
    ex.update(fullSnapshot(1, 3));
    expect((await ex.render()).match(/^libvirt_domain_info_state\{/gm)).toHaveLength(3);
    ex.update(fullSnapshot(2, 1));
    expect((await ex.render()).match(/^libvirt_domain_info_state\{/gm)).toHaveLength(1);
  });

  it('rendering twice without a new snapshot gives the same values (a scrape changes nothing)', async () => {
    const ex = new PrometheusExporter();
    ex.update(fullSnapshot(3, 2));
    const strip = (t: string) => t.replace(/^virtop_scrape_duration_seconds .*$/m, '');
    expect(strip(await ex.render())).toBe(strip(await ex.render()));
  });

  it('promtool check metrics accepts the output (when promtool is installed)', async (ctx) => {
    const ex = new PrometheusExporter();
    const snaps: Snapshot[] = [fullSnapshot(4, 3)]; // tick 4 also has a stale second host
    for (const s of snaps) ex.update(s);
    const r = promtool(await ex.render());
    if (r === null) ctx.skip();
    else expect(r, r.out).toEqual({ status: 0, out: '' });
  });
});

describe('parseListenAddress', () => {
  it.each([
    ['', { host: '127.0.0.1', port: 9177 }],
    ['9100', { host: '127.0.0.1', port: 9100 }],
    [':9100', { host: '127.0.0.1', port: 9100 }],
    ['0.0.0.0:9177', { host: '0.0.0.0', port: 9177 }],
    ['192.168.1.5:80', { host: '192.168.1.5', port: 80 }],
    ['[::1]:9177', { host: '::1', port: 9177 }],
    ['[::]:9177', { host: '::', port: 9177 }],
    ['localhost:9177', { host: 'localhost', port: 9177 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
  ])('%j → %j', (raw, want) => {
    expect(parseListenAddress(raw)).toEqual(want);
  });

  it.each([
    ['abc', /has no port/],
    ['127.0.0.1:', /no valid port/],
    ['127.0.0.1:70000', /no valid port/],
    ['127.0.0.1:http', /no valid port/],
    ['99999', /no valid port/],
    ['example.com:9177', /not an IP address/],
    ['300.1.1.1:9177', /not an IP address/],
    ['::1:9177', /IPv6 address in brackets/],
    ['[fe80::zz]:9177', /not an IPv6 address/],
  ])('rejects %j', (raw, msg) => {
    expect(() => parseListenAddress(raw)).toThrow(msg);
  });
});

describe('--metadata-labels', () => {
  const withNova = (): Snapshot => {
    const s = fullSnapshot(2, 1);
    const d = s.hosts[0].domains[0];
    const domains = [
      {
        ...d,
        title: 'Billing DB',
        openstack: { instanceName: 'billing-db-02', instanceUuid: d.uuid, flavor: { name: 'm1.large', vcpus: 4, memoryMiB: 8192, diskGiB: 80 }, projectName: 'billing', projectId: 'p', userName: 'alice', userId: 'a' },
      },
    ];
    return { ...s, hosts: [{ ...s.hosts[0], domains }] };
  };

  it('puts name, flavor and project_name on every domain series when asked, and nowhere else', async () => {
    const ex = new PrometheusExporter({ metadataLabels: true });
    ex.update(withNova());
    const text = await ex.render();
    const domainLines = text.split('\n').filter((l) => /^libvirt_domain_[a-z_]+\{/.test(l));
    expect(domainLines.length).toBeGreaterThan(20);
    for (const l of domainLines) expect(l).toContain('name="billing-db-02",flavor="m1.large",project_name="billing"');
    expect(text).toMatch(/^virtop_up\{host="qemu:\/\/\/system"\} 1$/m);
  });

  it('leaves the series as they were without it', async () => {
    const ex = new PrometheusExporter();
    ex.update(withNova());
    const text = await ex.render();
    // (libvirt_domain_openstack_info carries project_name by definition)
    const others = text.split('\n').filter((l) => !l.startsWith('libvirt_domain_openstack_info'));
    expect(others.filter((l) => l.includes('project_name=') || l.includes('flavor=') || /[{,]name="/.test(l))).toEqual([]);
  });
});
