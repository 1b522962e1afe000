import { describe, expect, it } from 'vitest';
import { AddressPoller, parseInterfaceAddresses, type AddressLookup, type RawInterfaceAddresses } from '../../../src/collector/addresses.js';

function err(code: number, message: string) {
  return Object.assign(new Error(message), { code });
}

const LEASE: RawInterfaceAddresses[] = [{ name: 'vnet0', hwaddr: '52:54:00:AA:00:01', addrs: [{ type: 0, addr: '192.168.122.10', prefix: 24 }] }];
const AGENT: RawInterfaceAddresses[] = [
  { name: 'lo', hwaddr: '00:00:00:00:00:00', addrs: [{ type: 0, addr: '127.0.0.1', prefix: 8 }] },
  { name: 'eth0', hwaddr: '52:54:00:aa:00:01', addrs: [{ type: 1, addr: 'fe80::1', prefix: 64 }, { type: 0, addr: '10.0.0.5', prefix: 8 }] },
];

/** A lookup whose answers per (uuid, source) are scripted; calls are recorded; a gate can hold them. */
class FakeLookup implements AddressLookup {
  calls: string[] = [];
  answers = new Map<string, RawInterfaceAddresses[] | Error>();
  gate: Promise<void> | null = null;
  closed = false;
  async interfaceAddresses(uuid: string, source: number): Promise<RawInterfaceAddresses[]> {
    this.calls.push(`${uuid}:${source}`);
    if (this.gate) await this.gate;
    const a = this.answers.get(`${uuid}:${source}`) ?? [];
    if (a instanceof Error) throw a;
    return a;
  }
  async close() {
    this.closed = true;
  }
}

function setup(lookup: FakeLookup, opts: { intervalMs?: number; retryMs?: number } = {}) {
  let now = 1_000_000;
  const clock = { monoNs: () => BigInt(now) * 1_000_000n, wallMs: () => now };
  let opens = 0;
  const p = new AddressPoller('qemu:///system', {
    connect: async () => {
      opens++;
      return lookup;
    },
    clock,
    ...opts,
  });
  return { p, advance: (ms: number) => (now += ms), opens: () => opens };
}

const target = (uuid: string, over: { active?: boolean; nics?: number } = {}) => ({ uuid, active: over.active ?? true, nics: over.nics ?? 1 });

describe('parseInterfaceAddresses', () => {
  it('types addresses, lower-cases MACs, puts IPv4 first, drops empty ones', () => {
    expect(
      parseInterfaceAddresses([
        { name: 'eth0', hwaddr: '52:54:00:AA:00:01', addrs: [{ type: 1, addr: 'fe80::1', prefix: 64 }, { type: 'ipv4', addr: '10.0.0.5', prefix: 8 }, { type: 0, addr: '', prefix: 0 }] },
        { name: 'x', hwaddr: null, addrs: [{ type: 7, addr: '2001:db8::1', prefix: -1 }] },
      ]),
    ).toEqual([
      { name: 'eth0', hwaddr: '52:54:00:aa:00:01', addrs: [{ type: 'ipv4', addr: '10.0.0.5', prefix: 8 }, { type: 'ipv6', addr: 'fe80::1', prefix: 64 }] },
      { name: 'x', hwaddr: null, addrs: [{ type: 'ipv6', addr: '2001:db8::1', prefix: null }] },
    ]);
  });
});

describe('AddressPoller', () => {
  it('tries lease, then agent, then ARP, and keeps the first that has an address', async () => {
    const l = new FakeLookup();
    l.answers.set('u1:1', AGENT);
    const { p } = setup(l);
    p.update([target('u1')]);
    await p.settle();
    expect(l.calls).toEqual(['u1:0', 'u1:1']);
    expect(p.get('u1')).toMatchObject({ source: 'agent', error: null });
    expect(p.get('u1')?.interfaces[1].addrs[0].addr).toBe('10.0.0.5');
  });

  it('says why when no source gave an address', async () => {
    const l = new FakeLookup();
    l.answers.set('u1:1', err(86, 'Guest agent is not responding'));
    const { p } = setup(l);
    p.update([target('u1')]);
    await p.settle();
    expect(p.get('u1')).toMatchObject({ source: null, interfaces: [], error: expect.stringMatching(/^agent: Guest agent is not responding/) });
  });

  it('never makes the tick wait: update() returns while a lookup hangs, and no second round stacks on it', async () => {
    const l = new FakeLookup();
    let release = () => {};
    l.gate = new Promise<void>((r) => (release = r));
    l.answers.set('u1:0', LEASE);
    const { p, advance } = setup(l);
    p.update([target('u1')]);
    expect(p.get('u1')).toBeUndefined();
    advance(60_000);
    p.update([target('u1')]); // round still running: nothing new
    await new Promise((r) => setTimeout(r, 5));
    expect(l.calls).toEqual(['u1:0']);
    release();
    await p.settle();
    expect(p.get('u1')?.source).toBe('lease');
  });

  it('looks a domain up again only after the interval, or soon after a lifecycle event', async () => {
    const l = new FakeLookup();
    l.answers.set('u1:0', LEASE);
    const { p, advance } = setup(l, { intervalMs: 30_000 });
    p.update([target('u1')]);
    await p.settle();
    advance(10_000);
    p.update([target('u1')]);
    await p.settle();
    expect(l.calls).toHaveLength(1);
    advance(20_000);
    p.update([target('u1')]);
    await p.settle();
    expect(l.calls).toHaveLength(2);
    p.invalidate('u1');
    p.update([target('u1')]);
    await p.settle();
    expect(l.calls).toHaveLength(3);
  });

  it('after an event, a guest without an address yet is retried quickly, then at the normal pace', async () => {
    const l = new FakeLookup();
    const { p, advance } = setup(l, { intervalMs: 30_000, retryMs: 5_000 });
    p.invalidate('u1'); // started
    p.update([target('u1')]);
    await p.settle();
    const n = l.calls.length;
    advance(5_000);
    p.update([target('u1')]);
    await p.settle();
    expect(l.calls.length).toBeGreaterThan(n); // retried after 5 s
    l.answers.set('u1:0', LEASE);
    advance(5_000);
    p.update([target('u1')]);
    await p.settle();
    expect(p.get('u1')?.source).toBe('lease');
    const m = l.calls.length;
    advance(5_000);
    p.update([target('u1')]);
    await p.settle();
    expect(l.calls.length).toBe(m); // found: back to every 30 s
  });

  it('skips a source the connection can never use (agent on a read-only connection) from then on', async () => {
    const l = new FakeLookup();
    l.answers.set('u1:1', err(29, 'operation forbidden: read only access prevents virDomainInterfaceAddresses'));
    l.answers.set('u2:2', LEASE);
    const { p } = setup(l);
    p.update([target('u1')]);
    await p.settle();
    p.update([target('u1'), target('u2')]);
    await p.settle();
    expect(l.calls).toEqual(['u1:0', 'u1:1', 'u1:2', 'u2:0', 'u2:2']);
    expect(p.get('u2')?.source).toBe('arp');
  });

  it('a guest without an agent does not stop the agent source for the others', async () => {
    const l = new FakeLookup();
    l.answers.set('u1:1', err(74, 'argument unsupported: QEMU guest agent is not configured'));
    l.answers.set('u2:1', AGENT);
    const { p } = setup(l);
    p.update([target('u1'), target('u2')]);
    await p.settle();
    expect(p.get('u2')?.source).toBe('agent');
  });

  it('forgets inactive and gone domains, and does not look up domains without NICs', async () => {
    const l = new FakeLookup();
    l.answers.set('u1:0', LEASE);
    const { p } = setup(l);
    p.update([target('u1'), target('u2', { nics: 0 }), target('u3', { active: false })]);
    await p.settle();
    expect(l.calls.map((c) => c.split(':')[0])).not.toContain('u2');
    expect(l.calls.map((c) => c.split(':')[0])).not.toContain('u3');
    expect(p.get('u1')?.source).toBe('lease');
    p.update([]);
    expect(p.get('u1')).toBeUndefined();
  });

  it('closing does not wait long for a hung lookup', async () => {
    const l = new FakeLookup();
    l.gate = new Promise<void>(() => {}); // never answers
    const { p } = setup(l);
    p.update([target('u1')]);
    await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    await p.close();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(l.closed).toBe(true);
  });

  it('opens its own connection once, and closes it', async () => {
    const l = new FakeLookup();
    const { p, opens, advance } = setup(l);
    p.update([target('u1')]);
    await p.settle();
    advance(60_000);
    p.update([target('u1')]);
    await p.settle();
    expect(opens()).toBe(1);
    await p.close();
    expect(l.closed).toBe(true);
    p.update([target('u1')]);
    await p.settle();
    expect(opens()).toBe(1);
  });
});

describe('the host neighbour table where libvirt’s ARP source fails', () => {
  const TABLE = [
    { ip: '169.254.77.12', mac: '52:54:00:aa:00:01', device: 'virtoplab1' },
    { ip: '169.254.77.13', mac: '52:54:00:aa:00:02', device: 'virtoplab1' },
  ];

  function withTable(lookup: FakeLookup, neighbours: () => Promise<typeof TABLE>) {
    const clock = { monoNs: () => 0n, wallMs: () => 1_000_000 };
    return new AddressPoller('qemu:///system', { connect: async () => lookup, clock, neighbours });
  }

  it('gives the addresses of the guest’s MACs, as source arp-table', async () => {
    const l = new FakeLookup();
    l.answers.set('a:2', err(1, 'internal error: wrong nlmsg len'));
    const p = withTable(l, async () => TABLE);
    p.update([{ uuid: 'a', active: true, nics: 1, macs: ['52:54:00:AA:00:01'] }]);
    await p.settle();
    expect(p.get('a')).toEqual({
      source: 'arp-table',
      interfaces: [{ name: 'virtoplab1', hwaddr: '52:54:00:aa:00:01', addrs: [{ type: 'ipv4', addr: '169.254.77.12', prefix: null }] }],
      atWallMs: 1_000_000,
      error: null,
    });
    expect(l.calls).toEqual(['a:0', 'a:1', 'a:2']); // lease and agent first, as always
  });

  it('keeps both errors when the table has no entry for the guest, and says why when it cannot be read', async () => {
    const l = new FakeLookup();
    l.answers.set('a:2', err(1, 'internal error: wrong nlmsg len'));
    l.answers.set('b:2', err(1, 'internal error: wrong nlmsg len'));
    let readable = true;
    const p = withTable(l, async () => {
      if (!readable) throw new Error('/proc/net/arp: permission denied');
      return TABLE;
    });
    p.update([{ uuid: 'a', active: true, nics: 1, macs: ['52:54:00:00:99:99'] }]);
    await p.settle();
    expect(p.get('a')).toMatchObject({ source: null, error: 'arp: internal error: wrong nlmsg len; arp-table: no entry for its MACs in /proc/net/arp' });
    readable = false;
    p.update([{ uuid: 'b', active: true, nics: 1, macs: ['52:54:00:aa:00:02'] }]);
    await p.settle();
    expect(p.get('b')).toMatchObject({ source: null, error: 'arp: internal error: wrong nlmsg len; arp-table: /proc/net/arp: permission denied' });
  });

  it('is not read while libvirt’s ARP source answers', async () => {
    const l = new FakeLookup();
    l.answers.set('a:2', [{ name: 'vnet0', hwaddr: '52:54:00:aa:00:01', addrs: [{ type: 0, addr: '169.254.77.12', prefix: 0 }] }]);
    let reads = 0;
    const p = withTable(l, async () => {
      reads++;
      return TABLE;
    });
    p.update([{ uuid: 'a', active: true, nics: 1, macs: ['52:54:00:aa:00:01'] }]);
    await p.settle();
    expect(p.get('a')?.source).toBe('arp');
    expect(reads).toBe(0);
  });
});
