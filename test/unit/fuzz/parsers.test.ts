// Property-based fuzzing (fast-check) of every parser that reads what
// virtop does not control: libvirt's XML and typed parameters, /proc,
// recordings, the hosts file, the config file and the command line. Each
// gets RUNS generated inputs — random text, and real inputs mutated (bytes
// flipped, cut, spliced, nested deep) — and must return its result or its
// own typed error, never throw anything else, and never hang (the vitest
// timeout). The counts are printed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../../src/cli/args.js';
import { parseHostsFile } from '../../../src/cli/hosts-file.js';
import { domainFromRecord } from '../../../src/collector/bulk.js';
import { validateConfig } from '../../../src/config/config.js';
import { parseDomainXml } from '../../../src/libvirt/domain-xml.js';
import { parseNetworkXml, parsePoolXml, volumeFormat } from '../../../src/libvirt/pool-network-xml.js';
import type { ParamValue } from '../../../src/libvirt/types.js';
import { parseHugepages, parseNodeMeminfo, parsePressure } from '../../../src/procfs/host-extra.js';
import { parseProcNetArp } from '../../../src/procfs/neigh.js';
import * as proc from '../../../src/procfs/parse.js';
import { decodeHeader, decodeSnapshot, RecordingFormatError } from '../../../src/record/format.js';
import { encodeSnapshot } from '../../../src/record/format.js';
import { fullSnapshot } from '../record/full-sample.js';

const RUNS = Number(process.env.VIRTOP_FUZZ_RUNS ?? 2000);
const ROOT = join(import.meta.dirname, '../../..');
const PROC = join(ROOT, 'test/fixtures/proc/qemu-host/root/proc');
const read = (p: string) => readFileSync(p, 'utf8');
const counts: Record<string, number> = {};
// thousands of inputs per test: far beyond vitest's 5 s default, yet a hang still fails
const SLOW = 120_000;

afterAll(() => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  process.stdout.write(`fuzz: ${total} generated inputs over ${Object.keys(counts).length} parsers, 0 uncaught exceptions\n`);
});

/** Runs `check` on RUNS inputs from `arb`; counts them. */
function fuzz<T>(name: string, arb: fc.Arbitrary<T>, check: (v: T) => void): void {
  let n = 0;
  fc.assert(
    fc.property(arb, (v) => {
      n++;
      check(v);
    }),
    { numRuns: RUNS, seed: 20261206 },
  );
  counts[name] = n;
}

/** A real input with random damage: characters replaced, inserted, cut, or a piece repeated. */
function mutated(base: string): fc.Arbitrary<string> {
  const edit = fc.record({ at: fc.nat({ max: Math.max(0, base.length) }), len: fc.nat({ max: 40 }), text: fc.string({ maxLength: 20, unit: 'binary' }), kind: fc.constantFrom('replace', 'insert', 'cut', 'repeat') });
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let s = base;
    for (const e of edits) {
      const at = Math.min(e.at, s.length);
      if (e.kind === 'replace') s = s.slice(0, at) + e.text + s.slice(at + e.text.length);
      else if (e.kind === 'insert') s = s.slice(0, at) + e.text + s.slice(at);
      else if (e.kind === 'cut') s = s.slice(0, at) + s.slice(at + e.len);
      else s = s.slice(0, at) + s.slice(at, at + e.len).repeat(50) + s.slice(at);
    }
    return s;
  });
}

/** Random text of every kind, including control characters and lone surrogates. */
const anyText = fc.oneof(fc.string({ maxLength: 300, unit: 'binary' }), fc.string({ maxLength: 300, unit: 'grapheme' }));

const DOMAIN_XML = `<domain type='kvm' id='3'>
  <name>web-01</name><uuid>11111111-2222-3333-4444-555555555555</uuid>
  <memory unit='KiB'>4194304</memory><currentMemory unit='KiB'>2097152</currentMemory>
  <vcpu placement='static' current='2'>8</vcpu>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/libvirt/images/web.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <interface type='network'><mac address='52:54:00:aa:bb:cc'/><source network='default' bridge='virbr0'/><target dev='vnet3'/><model type='virtio'/></interface>
    <memballoon model='virtio'><stats period='5'/></memballoon>
  </devices>
</domain>`;
const POOL_XML = "<pool type='dir'><name>default</name><target><path>/var/lib/libvirt/images</path></target></pool>";
const NET_XML = "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/><ip address='192.168.122.1' netmask='255.255.255.0'><dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp></ip></network>";
const VOL_XML = "<volume type='file'><name>a.qcow2</name><target><format type='qcow2'/></target></volume>";

/** XML built from hostile pieces: deep nesting, huge attributes, entities, a DOCTYPE. */
const hostileXml = fc
  .record({
    depth: fc.nat({ max: 2000 }),
    attr: fc.nat({ max: 100_000 }),
    entity: fc.constantFrom('&lt;', '&#x41;', '&#0;', '&#xD800;', '&undefined;', '&amp', '&#99999999;', ''),
    doctype: fc.constantFrom('', '<!DOCTYPE d [<!ENTITY x "xxxxxxxxxx"><!ENTITY y "&x;&x;&x;&x;&x;">]>', '<!DOCTYPE d SYSTEM "file:///etc/passwd">'),
    root: fc.constantFrom('domain', 'pool', 'network', 'volume'),
  })
  .map(({ depth, attr, entity, doctype, root }) => `${doctype}<${root} a='${'x'.repeat(attr)}${entity}'>${'<n>'.repeat(depth)}&y;${entity}${'</n>'.repeat(depth)}</${root}>`);

function xmlResult(r: { ok: boolean }): void {
  expect(typeof r.ok).toBe('boolean');
}

describe('fuzz: libvirt XML readers', () => {
  it('domain XML: random, mutated and hostile input gives a result or a reason', () => {
    fuzz('domain XML (random)', anyText, (s) => xmlResult(parseDomainXml(s)));
    fuzz('domain XML (mutated)', mutated(DOMAIN_XML), (s) => xmlResult(parseDomainXml(s)));
    fuzz('domain XML (hostile)', hostileXml, (s) => xmlResult(parseDomainXml(s)));
  }, SLOW);

  it('pool, network and volume XML likewise', () => {
    fuzz('pool XML', fc.oneof(mutated(POOL_XML), hostileXml, anyText), (s) => xmlResult(parsePoolXml(s)));
    fuzz('network XML', fc.oneof(mutated(NET_XML), hostileXml, anyText), (s) => xmlResult(parseNetworkXml(s)));
    fuzz('volume XML', fc.oneof(mutated(VOL_XML), hostileXml, anyText), (s) => {
      const f = volumeFormat(s);
      expect(f === null || typeof f === 'string').toBe(true);
    });
  }, SLOW);
});

describe('fuzz: typed parameters from the binding', () => {
  const KEYS = [
    'state.state', 'state.reason', 'cpu.time', 'cpu.user', 'cpu.system', 'balloon.current', 'balloon.maximum', 'balloon.available',
    'balloon.unused', 'balloon.last-update', 'vcpu.current', 'vcpu.maximum', 'vcpu.0.state', 'vcpu.0.time', 'vcpu.1.time', 'vcpu.7.wait',
    'block.count', 'block.0.name', 'block.0.path', 'block.0.rd.reqs', 'block.0.rd.bytes', 'block.0.rd.times', 'block.0.allocation', 'block.0.capacity',
    'block.1.name', 'net.count', 'net.0.name', 'net.0.rx.bytes', 'net.0.tx.drop', 'net.5.name',
  ];
  const value: fc.Arbitrary<ParamValue> = fc.oneof(
    fc.double(), // NaN, ±Infinity, -0, negatives
    fc.integer(),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    fc.string({ maxLength: 40, unit: 'binary' }),
    fc.constantFrom('18446744073709551617', '-1', 'NaN', '1e400', ''),
    fc.boolean(),
  );
  it('every type for every key: a domain sample with its state, never an exception', () => {
    const params = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: KEYS.length });
    fuzz('typed parameters', params, (p) => {
      const d = domainFromRecord({ name: 'x', uuid: 'u', params: p as Record<string, ParamValue> }, { id: 1, persistent: true, state: null }, null);
      expect(typeof d.state).toBe('string');
      expect(Array.isArray(d.disks) && Array.isArray(d.nics) && Array.isArray(d.vcpus)).toBe(true);
    });
  }, SLOW);
});

describe('fuzz: /proc parsers', () => {
  const pid = join(PROC, '6000');
  const cases: [string, string, (s: string) => unknown][] = [
    ['stat', read(join(pid, 'stat')), (s) => proc.parseStat(s)],
    ['schedstat', read(join(pid, 'task/6000/schedstat')), (s) => proc.parseSchedstat(s)],
    ['status', read(join(pid, 'status')), (s) => proc.parseStatus(s)],
    ['io', read(join(pid, 'io')), (s) => proc.parseIo(s)],
    ['meminfo', read(join(PROC, 'meminfo')), (s) => proc.parseMeminfo(s)],
    ['/proc/stat', read(join(PROC, 'stat')), (s) => proc.parseProcStat(s)],
    ['cmdline', read(join(pid, 'cmdline')), (s) => proc.parseCmdline(s)],
    ['qemu options', 'guest=web-01,debug-threads=on', (s) => proc.parseQemuOpts(s, 'guest')],
    ['pid file', '4242\n', (s) => proc.parsePidFile(s)],
    ['limits', 'Max open files            1024                 524288               files\n', (s) => proc.parseMaxOpenFiles(s)],
    ['pressure', 'some avg10=0.00 avg60=0.12 avg300=0.05 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n', (s) => parsePressure(s)],
    ['hugepages', 'HugePages_Total:      16\nHugePages_Free:       8\nHugepagesize:       2048 kB\n', (s) => parseHugepages(s)],
    ['node meminfo', 'Node 0 MemTotal:       16384000 kB\nNode 0 MemFree:        8192000 kB\n', (s) => parseNodeMeminfo(s, 0)],
    ['/proc/net/arp', 'IP address       HW type     Flags       HW address            Mask     Device\n192.168.122.7    0x1         0x2         52:54:00:aa:bb:cc     *        virbr0\n', (s) => parseProcNetArp(s)],
  ];
  it.each(cases)('%s: random and mutated text gives a result or a reason', (name, base, parse) => {
    fuzz(`/proc ${name}`, fc.oneof(mutated(base), anyText), (s) => {
      parse(s);
    });
  }, SLOW);
});

describe('fuzz: recordings, hosts file, config, command line', () => {
  const line = encodeSnapshot(fullSnapshot(3));
  it('a damaged record line: a snapshot or a RecordingFormatError naming where, nothing else', () => {
    fuzz('recording records', mutated(line), (s) => {
      let json: unknown;
      try {
        json = JSON.parse(s);
      } catch {
        return; // not JSON: the reader's own line check refuses it before decoding
      }
      try {
        decodeSnapshot(json);
      } catch (e) {
        expect(e).toBeInstanceOf(RecordingFormatError);
      }
    });
    fuzz('recording headers', fc.jsonValue(), (v) => {
      try {
        decodeHeader(v);
      } catch (e) {
        expect(e).toBeInstanceOf(RecordingFormatError);
      }
    });
  }, SLOW);

  it('the hosts file: URIs or one line saying what is wrong', () => {
    fuzz('hosts file', fc.oneof(mutated('qemu:///system\n# comment\nqemu+ssh://root@hv2/system\n'), anyText), (s) => {
      const r = parseHostsFile(s, '/etc/virtop/hosts');
      if (!r.ok) expect(r.error).toMatch(/\/etc\/virtop\/hosts/);
    });
  }, SLOW);

  it('the config file: a config with warnings, whatever JSON it holds', () => {
    fuzz('config JSON', fc.jsonValue({ maxDepth: 4 }), (v) => {
      const r = validateConfig(v, '/home/u/.config/virtop/config.json');
      expect(Array.isArray(r.warnings)).toBe(true);
    });
    const good = { version: 1, theme: 'light', columns: ['id', 'name'], sort: 'mem', interval: 1.5, keys: { quit: ['Q'] }, latencyMs: { warn: 20, crit: 100 } };
    fuzz('config (mutated values)', fc.dictionary(fc.constantFrom(...Object.keys(good)), fc.jsonValue({ maxDepth: 3 })), (patch) => {
      validateConfig({ ...good, ...patch }, 'config.json');
    });
  }, SLOW);

  it('the command line: options, or a UsageError (exit 2) with a message', async () => {
    const words = fc.constantFrom('-c', '--connect', '-d', '--delay', '-n', '-b', '--json', '--csv', '--sort', '--hosts', '--history', '--demo', '--readonly', '--replay', '--record', '-h', '--', '=', '0', '-1', 'NaN', '1e9', 'qemu:///system', 'x');
    const argv = fc.array(fc.oneof(words, fc.string({ maxLength: 12 })), { maxLength: 8 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(argv, async (a) => {
        n++;
        try {
          const r = await parseArgs(a);
          expect(['run', 'exit']).toContain(r.kind);
        } catch (e) {
          expect(e).toBeInstanceOf(UsageError);
          expect((e as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: Math.min(RUNS, 1000), seed: 20261206 },
    );
    counts['command line'] = n;
  }, SLOW);
});
