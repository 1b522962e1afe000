// virt-top's command line and init file in virtop's compatible mode.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args.js';
import { endTimeOf, parseVirtTopArgs, virtTopHelp, wantsVirtTopCompat, type VirtTopIo } from '../../../src/cli/virt-top.js';
import { parseVirtTopRc } from '../../../src/config/virt-toprc.js';

const NOW = new Date(2026, 11, 6, 16, 0, 0); // local time

function io(files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): VirtTopIo {
  return { readFile: (p) => files[p] ?? null, home: '/home/ops', env, now: NOW };
}

function run(argv: string[], files?: Record<string, string>, env?: NodeJS.ProcessEnv) {
  const r = parseVirtTopArgs(argv, io(files, env));
  if (r.kind !== 'run') throw new Error(`expected a run, got ${r.kind}`);
  return r;
}

function usageError(argv: string[], files?: Record<string, string>): string {
  try {
    parseVirtTopArgs(argv, io(files));
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('expected a usage error');
}

describe('virt-top options', () => {
  it("defaults are virt-top's: 3 s, no end, the task view, the default URI", () => {
    const { options, notices } = run([]);
    expect(options).toMatchObject({ connect: ['qemu:///system'], delaySec: 3, iterations: null, batch: false, readonly: false, sort: 'cpu', initialView: 'domains' });
    expect(options.virtTop).toEqual({ csv: null, stream: false, script: false, blockInBytes: false, endTimeMs: null });
    expect(notices).toEqual([]);
    expect(run([], {}, { LIBVIRT_DEFAULT_URI: 'qemu+ssh://hv2/system' }).options.connect).toEqual(['qemu+ssh://hv2/system']);
  });

  it.each([
    [['-d', '0.5'], { delaySec: 0.5 }],
    [['-n', '20'], { iterations: 20 }],
    [['-n', '-1'], { iterations: null }],
    [['-b'], { batch: true }],
    [['-s'], { readonly: true }],
    [['-c', 'test:///default'], { connect: ['test:///default'] }],
    [['--connect=test:///default'], { connect: ['test:///default'] }],
    [['-o', 'netrx'], { sort: 'netrx' }],
    [['-o', 'blockwrrq'], { sort: 'blockwrrq' }],
    [['-o', 'time'], { sort: 'time' }],
    [['-1'], { initialView: 'cpus' }],
    [['-2'], { initialView: 'nics' }],
    [['-3'], { initialView: 'disks' }],
    [['--script'], { batch: true }],
    [['--stream'], { batch: true }],
  ] as const)('%j', (argv, want) => {
    expect(run([...argv]).options).toMatchObject(want);
  });

  it('--csv with the --no-csv-* and --block-in-bytes switches', () => {
    const m = run(['--csv', 'out.csv', '--no-csv-mem', '--no-csv-net', '--block-in-bytes', '--stream']).options.virtTop;
    expect(m).toEqual({
      csv: { path: 'out.csv', flags: { cpu: true, mem: false, block: true, net: false, blockInBytes: true } },
      stream: true,
      script: false,
      blockInBytes: true,
      endTimeMs: null,
    });
  });

  it('what it cannot honour gets one line naming it', () => {
    expect(run(['--hist-cpu', '30', '--debug', '/tmp/d.log']).notices).toEqual([
      "--hist-cpu is not honoured: virtop's CPU view shows each interval, with no historical average",
      "--debug is not honoured: libvirt's messages go to virtop's own stderr log, not to /tmp/d.log",
    ]);
    expect(run(['-3', '-b']).notices).toEqual(['the starting view (disks) applies to the interactive screen only']);
  });

  it.each([
    [['-d', '0'], '-d: cannot set a negative delay'],
    [['-d', 'soon'], "-d: expecting a number of seconds, got 'soon'"],
    [['-n', '2x'], "-n: expecting an integer, got '2x'"],
    [['-n', '0'], '-n 0: nothing to do (a negative count runs until stopped)'],
    [['-o', 'disk'], '-o: disk: sort order should be: cpu|mem|time|id|name|netrx|nettx|blockrdrq|blockwrrq'],
    [['-c'], "option '-c' needs an argument (uri)"],
    [['--json'], "unknown option '--json'"],
    [['extra'], 'extra: unknown parameter'],
    [['-b=1'], "unknown option '-b=1'"],
    [['--stream=yes'], "option '--stream' takes no argument"],
    [['-c', 'nonsense'], "'nonsense' is not a libvirt URI (expected e.g. qemu:///system or qemu+ssh://host/system)"],
    [['--csv', ''], '--csv needs a file name'],
  ])('%j is refused: %s', (argv, msg) => {
    expect(usageError(argv)).toBe(msg);
  });

  it('--help lists every option; --version is the version report', () => {
    expect(parseVirtTopArgs(['--help'], io())).toEqual({ kind: 'exit', code: 0, output: virtTopHelp() });
    for (const o of ['-1', '-2', '-3', '-b', '-c, --connect', '--csv', '--no-csv-cpu', '--no-csv-mem', '--no-csv-block', '--no-csv-net', '-d', '--debug', '--end-time', '--hist-cpu', '--init-file', '--no-init-file', '-n', '-o', '-s', '--script', '--stream', '--block-in-bytes', '--version']) {
      expect(virtTopHelp()).toContain(`  ${o}`);
    }
    expect(parseVirtTopArgs(['--version'], io())).toEqual({ kind: 'version' });
  });

  it('--help lays its table out as virtop --help does: long texts wrapped under their column, within 80 characters', () => {
    const lines = virtTopHelp().split('\n').slice(4, -2);
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(lines).toContain('  -c, --connect uri  connect to libvirt URI');
    const at = lines.indexOf('  -o sort            sort order:');
    expect(lines[at + 1]).toBe('                     cpu|mem|time|id|name|netrx|nettx|blockrdrq|blockwrrq');
  });
});

describe('--end-time', () => {
  const at = (h: number, m: number, s: number, day = 6) => new Date(2026, 11, day, h, m, s).getTime();
  it.each([
    ['+90', NOW.getTime() + 90_000],
    ['+01:02:03', NOW.getTime() + 3_723_000],
    ['17:30:00', at(17, 30, 0)],
    ['2026-12-07 08:00:05', at(8, 0, 5, 7)],
  ])('%s', (v, ms) => {
    expect(endTimeOf(v, NOW, '--end-time')).toBe(ms);
  });
  it.each(['25:00:00', 'tomorrow', '2026-02-30 10:00:00', '+', '+1:2'])('%s is refused', (v) => {
    expect(() => endTimeOf(v, NOW, '--end-time')).toThrow(UsageError);
  });
});

describe('~/.virt-toprc', () => {
  const RC = '/home/ops/.virt-toprc';

  it('reads "key value" lines, skipping comments and blank lines', () => {
    expect(parseVirtTopRc('# saved by virt-top\n\ndelay 2.5\nsort  mem \ncsv-net false\r\nbatch\n')).toEqual([
      { line: 3, key: 'delay', value: '2.5' },
      { line: 4, key: 'sort', value: 'mem' },
      { line: 5, key: 'csv-net', value: 'false' },
      { line: 6, key: 'batch', value: '' },
    ]);
  });

  it("honours virt-top's keys; the command line wins over the file", () => {
    const files = { [RC]: 'display block\ndelay 5\niterations 7\nsort mem\nconnect test:///default\ncsv /var/log/vt.csv\ncsv-cpu false\nblock-in-bytes true\nsecure true\nend-time +60\n' };
    const fromFile = run([], files).options;
    expect(fromFile).toMatchObject({ initialView: 'disks', delaySec: 5, iterations: 7, sort: 'mem', connect: ['test:///default'], readonly: true });
    expect(fromFile.virtTop).toMatchObject({ csv: { path: '/var/log/vt.csv', flags: { cpu: false, blockInBytes: true } }, endTimeMs: NOW.getTime() + 60_000 });
    expect(run(['-d', '1', '-o', 'name', '-n', '3'], files).options).toMatchObject({ delaySec: 1, sort: 'name', iterations: 3 });
  });

  it('--init-file reads another file; --no-init-file none; a missing file is no error', () => {
    expect(run(['--init-file', '/etc/vt.rc'], { '/etc/vt.rc': 'delay 9\n', [RC]: 'delay 5\n' }).options.delaySec).toBe(9);
    expect(run(['--no-init-file'], { [RC]: 'delay 5\n' }).options.delaySec).toBe(3);
    expect(run(['--init-file', '/nowhere']).options.delaySec).toBe(3);
  });

  it('an unknown key is named with its line and ignored; a bad value stops with the place', () => {
    expect(run([], { [RC]: 'delay 2\ncolour blue\noverwrite-init-file false\n' }).notices).toEqual([`${RC}:2: configuration item 'colour' ignored`]);
    expect(usageError([], { [RC]: 'delay 2\nbatch yes\n' })).toBe(`${RC}:2: could not parse 'yes': expecting true|false`);
    expect(usageError([], { [RC]: 'display graph\n' })).toBe(`${RC}:1: graph: display should be task|pcpu|block|net`);
  });
});

describe('when the compatible mode is on', () => {
  it.each([
    [['--virt-top-compat', '-b'], ['/usr/bin/virtop', 'node'], true],
    [['-b'], ['/usr/local/bin/virt-top', 'node'], true],
    [['-b'], ['/opt/virtop/bin/virtop', 'virt-top'], true],
    [['-b'], ['/usr/bin/virtop', 'node'], false],
    [['-b', '--virt-top-compat'], ['/usr/bin/virtop', 'node'], false],
    [['-b'], ['/usr/bin/virt-top-wrapper', 'node'], false],
  ])('%j started as %j: %s', (argv, names, on) => {
    expect(wantsVirtTopCompat(argv, names)).toBe(on);
  });
});
