import { describe, expect, it } from 'vitest';
import { emptyBalloon } from '../../../src/collector/bulk.js';
import { Model } from '../../../src/model/model.js';
import { sortDomains } from '../../../src/model/sort.js';
import { csvField, csvHeader, csvRows, CSV_COLUMNS } from '../../../src/output/csv.js';
import { formatJsonLine } from '../../../src/output/json.js';
import { sanitizeForTerminal } from '../../../src/output/sanitize.js';
import { formatTextFrame } from '../../../src/output/text.js';
import { domain, host, SEC, snapshot } from '../../helpers/samples.js';
import { assertFrame } from '../../helpers/schema.js';

function twoTicks() {
  const m = new Model();
  const doms = (k: bigint) => [
    domain({
      uuid: 'a',
      name: 'alpha',
      id: 1,
      cpuTimeNs: k * SEC,
      balloon: { ...emptyBalloon(), currentKiB: 1048576n, maximumKiB: 2097152n },
      // its two vCPUs run 600 and 300 ms a second; cpu.time's other 100 ms is QEMU's own
      vcpus: [
        { vcpu: 0, state: 1, timeNs: k * 600_000_000n, waitNs: null, delayNs: null },
        { vcpu: 1, state: 1, timeNs: k * 300_000_000n, waitNs: null, delayNs: null },
      ],
      statsMonoNs: k * SEC + 1_500_000n,
      statsSpanNs: 0n,
      disks: [
        // 10 reads of 1.5 ms and 2 writes of 4.5 ms a tick; 1 flush of 20 ms
        { name: 'vda', path: '/img/a', rdReqs: 10n * k, rdBytes: 4096n * k, wrReqs: 2n * k, wrBytes: 1024n * k, errors: 0n, capacityBytes: null, allocationBytes: null, physicalBytes: 8192n, rdTimesNs: 15_000_000n * k, wrTimesNs: 9_000_000n * k, flReqs: k, flTimesNs: 20_000_000n * k },
        { name: 'vdb', path: '/img/b', rdReqs: 1n * k, rdBytes: 512n * k, wrReqs: 0n, wrBytes: 0n, errors: 0n, capacityBytes: null, allocationBytes: null },
      ],
      addresses: {
        source: 'lease',
        atWallMs: 0,
        error: null,
        interfaces: [{ name: 'vnet0', hwaddr: '52:54:00:aa:bb:cc', addrs: [{ type: 'ipv4', addr: '169.254.77.12', prefix: 24 }] }],
      },
      nics: [{ name: 'vnet0', mac: null, source: null, rxBytes: 9007199254740993n + k, rxPkts: k, rxErrs: 0n, rxDrop: 0n, txBytes: null, txPkts: null, txErrs: 0n, txDrop: 0n }],
    }),
    domain({ uuid: 'b', name: 'evil\u001b]0;pwned\u0007name', id: 2, cpuTimeNs: 2n * k * SEC, stateReason: 1 }),
    domain({ uuid: 'c', name: '=cmd|calc', id: null, state: 'shutoff', cpuTimeNs: null }),
  ];
  m.ingest(snapshot(0, [host({ monoNs: 0n, domains: doms(0n) })]));
  return m.ingest(snapshot(1, [host({ monoNs: SEC, domains: doms(1n) })]));
}

describe('text frame', () => {
  it('has a header, one row per domain, sorted by %CPU with inactive last, and no raw escapes', () => {
    const out = formatTextFrame(twoTicks(), { sort: 'cpu', reverse: false });
    expect(out).toContain('3 domains, 2 active, 2 running, 0 paused, 1 inactive');
    const rows = out.split('\n').filter((l) => /^\s+(\d+|-) [A-Z?] /.test(l));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('evil'); // 50 % beats 25 %
    expect(rows[1]).toContain('alpha');
    expect(rows[2]).toContain('=cmd|calc');
    expect(out).not.toMatch(/\u001b|\u0007/);
    expect(out).toContain('evil\\x1b]0;pwned\\x07name');
    expect(rows[1]).toMatch(/ 25\.0 /);
  });
  it.each([
    ['a\nb\u009bc', 'a\\x0ab\\x9bc'],
    ['inv\u202eoice.exe', 'inv\\u202eoice.exe'],
    ['web\u200b-01\ufeff', 'web\\u200b-01\\ufeff'],
    ['\u2067x\u2069 \u200e\u061c', '\\u2067x\\u2069 \\u200e\\u061c'],
    ['請求書 ünïcødé "q" $(id)', '請求書 ünïcødé "q" $(id)'],
  ])('sanitizeForTerminal(%j) = %j: controls, bidi and invisible characters shown as escapes, the rest untouched', (raw, want) => {
    expect(sanitizeForTerminal(raw)).toBe(want);
  });
});

describe('json line', () => {
  it('follows the documented schema with nulls for unknowns', () => {
    const obj = JSON.parse(formatJsonLine(twoTicks()));
    assertFrame(obj);
    expect(new Date(obj.time).toISOString()).toBe(obj.time);
    expect(obj.hosts[0]).toMatchObject({ uri: 'qemu:///system', hostname: 'hv1', cpus: 4, mhz: 2000, memoryKiB: 16777216 });
    const a = obj.domains.find((d: { name: string }) => d.name === 'alpha');
    for (const k of ['host', 'name', 'uuid', 'id', 'state', 'cpuPercent', 'vcpuPercent', 'vcpus', 'maxVcpus', 'memCurrentKiB', 'memMaxKiB', 'memUsedKiB', 'rssKiB', 'rdBytesPerSec', 'wrBytesPerSec', 'rdReqPerSec', 'wrReqPerSec', 'rxBytesPerSec', 'txBytesPerSec', 'disks', 'nics', 'vcpuThreads']) {
      expect(a, k).toHaveProperty(k);
    }
    expect(obj.schema).toBe(3);
    expect(a.cpuPercent).toBe(25);
    // guest CPU: (600 + 300) ms / (1 s × 2 vCPUs)
    expect(a.vcpuPercent).toBe(45);
    expect(a.guestCpuPercent).toBe(45);
    expect(a.guestCpuSource).toBe('libvirt');
    expect(a.memUsedKiB).toBeNull();
    expect(a.rdBytesPerSec).toBe(4608);
    expect(a.cpuTimeNs).toBe('1000000000');
    // raw counters behind the rates, as decimal strings; totals over all devices, null if one is unknown
    expect(a.vcpuTimeNs).toBe('900000000');
    expect(a.statsMonoMs).toBe(1001.5);
    expect(a).toMatchObject({ rdBytes: '4608', wrBytes: '1024', rdReqs: '11', wrReqs: '2', rxBytes: '9007199254740994', txBytes: null, rxPkts: '1', txPkts: null });
    expect(a.disks[0]).toMatchObject({ rdBytes: '4096', wrBytes: '1024', rdReqs: '10', wrReqs: '2' });
    // schema 3: (15 + 9) ms over 12 requests; vdb has no times from its driver
    expect(a.disks[0]).toMatchObject({ physicalBytes: 8192, rdLatencyMs: 1.5, wrLatencyMs: 4.5, flLatencyMs: 20, latencyMs: 2, rdTimesNs: '15000000', flReqs: '1', flTimesNs: '20000000' });
    expect(a.disks[1]).toMatchObject({ physicalBytes: null, rdLatencyMs: null, latencyMs: null, rdTimesNs: null });
    expect(a).toMatchObject({ diskLatencyMs: 2, stateReason: 'unknown' });
    expect(a.nics[0]).toMatchObject({ rxBytes: '9007199254740994', txBytes: null });
    expect(a.addresses).toEqual([{ address: '169.254.77.12', prefix: 24, type: 'ipv4', mac: '52:54:00:aa:bb:cc', interface: 'vnet0', source: 'lease' }]);
    // capacity: 2 running guests × 2 vCPUs on 4 host CPUs; alpha's 1 GiB of 16 GiB is committed
    expect(obj.hosts[0].capacity).toMatchObject({ vcpusActive: 4, overcommit: 1, memCommittedKiB: 1048576, memCommittedPercent: 6.25 });
    const b = obj.domains.find((d: { uuid: string }) => d.uuid === 'b');
    expect(b).toMatchObject({ vcpuPercent: null, guestCpuPercent: null, vcpuTimeNs: null, rdBytes: null, statsMonoMs: null, stateReason: 'booted', diskLatencyMs: null, procMonoMs: null });
  });
});

describe('json line: pools and networks (schema 3)', () => {
  it('carries the slow loop’s pools and networks with their figures, and each disk’s pool', () => {
    const m = new Model();
    const disk = { name: 'vda', path: '/var/lib/libvirt/images/web.qcow2', rdReqs: 0n, rdBytes: 0n, wrReqs: 0n, wrBytes: 0n, errors: 0n, capacityBytes: null, allocationBytes: null };
    const web = domain({ uuid: 'w', name: 'web', disks: [disk], nics: [{ name: 'vnet0', mac: '52:54:00:00:00:01', source: 'default', rxBytes: 0n, rxPkts: 0n, rxErrs: 0n, rxDrop: 0n, txBytes: 0n, txPkts: 0n, txErrs: 0n, txDrop: 0n }] });
    const inventory = {
      atWallMs: 1_700_000_000_000,
      error: null,
      pools: [
        {
          name: 'default',
          uuid: 'p1',
          state: 'running' as const,
          type: 'dir',
          targetPath: '/var/lib/libvirt/images',
          source: null,
          capacityBytes: 100n * 2n ** 30n,
          allocationBytes: 25n * 2n ** 30n,
          availableBytes: 75n * 2n ** 30n,
          autostart: true,
          persistent: true,
          volumes: [{ name: 'web.qcow2', path: '/var/lib/libvirt/images/web.qcow2', type: 'file', format: 'qcow2', capacityBytes: 150n * 2n ** 30n, allocationBytes: 25n * 2n ** 30n }],
          error: null,
        },
      ],
      networks: [
        {
          name: 'default',
          uuid: 'n1',
          active: true,
          persistent: true,
          autostart: false,
          forward: 'nat',
          bridge: 'virbr0',
          addresses: ['192.168.122.1/24'],
          dhcpSize: 253,
          leases: [{ mac: '52:54:00:00:00:01', ip: '192.168.122.7', prefix: 24, type: 'ipv4' as const, hostname: 'web', expiresWallMs: 1_700_000_360_000 }],
          error: null,
        },
      ],
    };
    const obj = JSON.parse(formatJsonLine(m.ingest(snapshot(0, [host({ monoNs: SEC, domains: [web], inventory })]))));
    assertFrame(obj);
    const h = obj.hosts[0];
    expect(h.pools).toEqual([
      {
        name: 'default',
        uuid: 'p1',
        type: 'dir',
        state: 'running',
        targetPath: '/var/lib/libvirt/images',
        capacityBytes: 107374182400,
        allocationBytes: 26843545600,
        availableBytes: 80530636800,
        usedPercent: 25,
        overcommitRatio: 1.5,
        growthBytesPerHour: null,
        fullInSec: null,
        autostart: true,
        persistent: true,
        volumes: [{ name: 'web.qcow2', path: '/var/lib/libvirt/images/web.qcow2', type: 'file', format: 'qcow2', capacityBytes: 161061273600, allocationBytes: 26843545600, usedBy: ['web'] }],
        error: null,
      },
    ]);
    expect(h.networks[0]).toMatchObject({ name: 'default', forward: 'nat', bridge: 'virbr0', leasesUsed: 1, leasesTotal: 253, guests: ['web'] });
    expect(h.networks[0].leases).toEqual([{ mac: '52:54:00:00:00:01', ip: '192.168.122.7', hostname: 'web', domain: 'web', expires: '2023-11-14T22:19:20.000Z' }]);
    expect(h).toMatchObject({ inventoryTime: '2023-11-14T22:13:20.000Z', inventoryError: null });
    expect(obj.domains[0].disks[0].pool).toBe('default');
  });

  it('pools and networks are null until the slow loop has answered', () => {
    const obj = JSON.parse(formatJsonLine(new Model().ingest(snapshot(0, [host({ monoNs: SEC, domains: [] })]))));
    expect(obj.hosts[0]).toMatchObject({ pools: null, networks: null, inventoryTime: null, inventoryError: null });
  });
});

describe('csv', () => {
  it('title and the OpenStack instance, project and flavor at the end; empty where absent; a formula-like name made inert', () => {
    const view = twoTicks();
    const d = { ...view.domains[0], title: 'Billing DB', openstack: { instanceName: 'billing-db-02', instanceUuid: 'u', flavor: { name: 'm1.large', vcpus: 4, memoryMiB: 8192, diskGiB: 80 }, projectName: '=cmd', projectId: 'p', userName: null, userId: null } };
    const row = csvRows(view, [d])[0].split(',');
    const at = (c: (typeof CSV_COLUMNS)[number]) => row[CSV_COLUMNS.indexOf(c)];
    expect([at('title'), at('openstackInstance'), at('openstackProject'), at('openstackFlavor')]).toEqual(['Billing DB', 'billing-db-02', "\"'=cmd\"", 'm1.large']);
    const plain = csvRows(view, [{ ...view.domains[0], title: null, openstack: null }])[0].split(',');
    expect(plain.slice(-4)).toEqual(['', '', '', '']);
  });

  it('header then one row per domain, empty for unknown', () => {
    const view = twoTicks();
    expect(csvHeader().split(',')).toEqual([...CSV_COLUMNS]);
    const rows = csvRows(view, sortDomains(view.domains, 'name', false));
    expect(rows).toHaveLength(3);
    const alpha = rows.find((r) => r.includes(',alpha,'))!.split(',');
    expect(alpha[CSV_COLUMNS.indexOf('cpuPercent')]).toBe('25');
    expect(alpha[CSV_COLUMNS.indexOf('memUsedKiB')]).toBe('');
    expect(alpha[CSV_COLUMNS.indexOf('vcpuPercent')]).toBe('45');
    expect(alpha[CSV_COLUMNS.indexOf('vcpuTimeNs')]).toBe('900000000');
    expect(alpha[CSV_COLUMNS.indexOf('rdBytes')]).toBe('4608');
    expect(alpha[CSV_COLUMNS.indexOf('txBytes')]).toBe('');
    expect(alpha[CSV_COLUMNS.indexOf('rxBytes')]).toBe('9007199254740994');
    expect(alpha[CSV_COLUMNS.indexOf('diskLatencyMs')]).toBe('2');
    expect(rows.find((r) => r.includes(',b,') || r.includes('pwned'))!.split(',')[CSV_COLUMNS.indexOf('stateReason')]).toBe('booted');
    // the columns of the first schema stay where they were
    expect(CSV_COLUMNS.indexOf('cpuTimeNs')).toBe(23);
    expect(rows.some((r) => r.includes(`"'=cmd|calc"`))).toBe(true);
  });
  it.each([
    [null, ''],
    [1.234, '1.23'],
    [2n ** 60n, '1152921504606846976'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['=1+1', `"'=1+1"`],
    ['-x', `"'-x"`],
    ['plain', 'plain'],
  ])('csvField(%s) = %s', (v, want) => {
    expect(csvField(v as string | number | bigint | null)).toBe(want);
  });
});

describe('sort', () => {
  it('puts unknowns after known values in both directions', () => {
    const view = twoTicks();
    const asc = sortDomains(view.domains, 'cpu', true).map((d) => d.name);
    expect(asc[0]).toBe('alpha');
    expect(asc[2]).toBe('=cmd|calc');
    const byName = sortDomains(view.domains, 'name', false).map((d) => d.name);
    expect(byName[0]).toBe('alpha');
  });
});
