import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../../src/cli/args.js';

async function opts(argv: string[]) {
  const r = await parseArgs(argv);
  if (r.kind !== 'run') throw new Error('expected options');
  return r.options;
}

describe('parseArgs', () => {
  it('defaults to qemu:///system every 2 s', async () => {
    const o = await opts([]);
    expect(o).toMatchObject({ connect: ['qemu:///system'], delaySec: 2, iterations: null, batch: false, json: false, csv: null, demo: false, sort: 'cpu' });
  });

  it('takes several hosts, fractional delays and batch outputs', async () => {
    const o = await opts(['-c', 'qemu:///system', '-c', 'test:///default', '-d', '0.5', '-n', '3', '--json']);
    expect(o.connect).toEqual(['qemu:///system', 'test:///default']);
    expect(o.delaySec).toBe(0.5);
    expect(o.iterations).toBe(3);
    expect(o.batch).toBe(true);
  });

  it('--csv implies batch; --demo needs no URI', async () => {
    expect((await opts(['--csv', 'out.csv'])).batch).toBe(true);
    const d = await opts(['--demo', '-b']);
    expect(d.demo).toBe(true);
    expect(d.connect).toEqual([]);
  });

  it('--version and -V ask for the version report, whatever else is given', async () => {
    expect(await parseArgs(['--version'])).toEqual({ kind: 'version' });
    expect(await parseArgs(['-V', '--demo'])).toEqual({ kind: 'version' });
  });

  it('--help returns the usage text instead of running', async () => {
    const r = await parseArgs(['--help']);
    expect(r.kind).toBe('exit');
    if (r.kind === 'exit') {
      expect(r.code).toBe(0);
      expect(r.output).toContain('--connect');
      expect(r.output).toContain('--delay');
    }
  });

  it.each([
    [['-d', '0'], /--delay must be/],
    [['-d', '-1'], /--delay must be|Not enough|delay/],
    [['-d', 'abc'], /--delay must be/],
    [['-d', '0.01'], /below 0.1 s/],
    [['-n', 'abc'], /--iterations must be a positive whole number/],
    [['-n', '0'], /--iterations must be/],
    [['-n', '1.5'], /--iterations must be/],
    [['--bogus'], /Unknown argument/i],
    [['--sort', 'nope'], /unknown sort column 'nope'/],
    [['-c', 'not a uri'], /not a libvirt URI/],
    [['-c', ''], /needs a libvirt URI/],
    [['--demo', '-c', 'qemu:///system'], /drop --connect or --demo/],
    [['--csv', ''], /--csv needs a file name/],
    [['--json', '--csv', '-'], /both write to stdout/],
    [['--history', '0'], /--history must be/],
    [['-b', '--virt-top-compat'], /--virt-top-compat must come first/],
  ])('rejects %j', async (argv, message) => {
    await expect(parseArgs(argv as string[])).rejects.toThrow(message);
    await expect(parseArgs(argv as string[])).rejects.toBeInstanceOf(UsageError);
  });
});

describe('parseArgs: --theme and what the command line set', () => {
  it('takes --theme and leaves it null otherwise', async () => {
    expect((await opts(['--theme', 'light'])).theme).toBe('light');
    expect((await opts(['--theme', './my theme.json'])).theme).toBe('./my theme.json');
    expect((await opts([])).theme).toBeNull();
    await expect(parseArgs(['--theme', ''])).rejects.toThrow(/--theme needs a theme name/);
  });

  it('says which settings were typed, so they win over the config file', async () => {
    expect((await opts([])).explicit).toEqual({ delay: false, sort: false, reverse: false });
    const o = await opts(['-d', '5', '--sort', 'mem', '--reverse']);
    expect(o.explicit).toEqual({ delay: true, sort: true, reverse: true });
    expect(o).toMatchObject({ delaySec: 5, sort: 'mem', reverse: true });
    expect((await opts(['--no-reverse'])).explicit.reverse).toBe(true);
  });
});

describe('--hosts FILE', () => {
  it('reads URIs with comments and blank lines, adding to -c', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'virtop-hosts-'));
    const f = join(dir, 'hosts');
    writeFileSync(f, '# fleet\nqemu+ssh://hv1/system   # rack 1\n\n  qemu+tcp://127.0.0.1/system\nqemu+ssh://hv1/system\n');
    const r = await parseArgs(['--hosts', f, '-c', 'test:///default']);
    expect(r.kind === 'run' && r.options.connect).toEqual(['test:///default', 'qemu+ssh://hv1/system', 'qemu+tcp://127.0.0.1/system']);
    writeFileSync(f, 'qemu+ssh://ok/system\nnot a uri\n');
    await expect(parseArgs(['--hosts', f])).rejects.toThrow(/hosts:2: 'not a uri' is not a libvirt URI/);
    writeFileSync(f, '# nothing\n');
    await expect(parseArgs(['--hosts', f])).rejects.toThrow(/no host URIs in the file/);
    await expect(parseArgs(['--hosts', join(dir, 'missing')])).rejects.toThrow(/cannot read hosts file '.*missing': no such file/);
  });
});

describe('--prometheus, --record, --replay', () => {
  it('--prometheus alone binds 127.0.0.1:9177; a port or [ADDR]:PORT picks another', async () => {
    expect((await opts(['--prometheus'])).prometheus).toEqual({ host: '127.0.0.1', port: 9177 });
    expect((await opts(['--prometheus', '--demo'])).prometheus).toEqual({ host: '127.0.0.1', port: 9177 });
    expect((await opts(['--prometheus', '9100'])).prometheus).toEqual({ host: '127.0.0.1', port: 9100 });
    expect((await opts(['--prometheus', ':9100'])).prometheus).toEqual({ host: '127.0.0.1', port: 9100 });
    expect((await opts(['--prometheus=0.0.0.0:9177'])).prometheus).toEqual({ host: '0.0.0.0', port: 9177 });
    expect((await opts(['--prometheus', '[::1]:9177'])).prometheus).toEqual({ host: '::1', port: 9177 });
    expect((await opts([])).prometheus).toBeNull();
  });

  it('--record and --replay take a file; a replay is read-only and needs no host', async () => {
    const r = await opts(['--record', 'night.ndjson.gz', '-b']);
    expect(r).toMatchObject({ record: 'night.ndjson.gz', replay: null, batch: true });
    const p = await opts(['--replay', 'night.ndjson.gz', '--json', '-n', '5']);
    expect(p).toMatchObject({ replay: 'night.ndjson.gz', record: null, json: true, iterations: 5, readonly: true });
    expect((await opts(['--replay', 'x.gz'])).batch).toBe(false);
    // recording works with the exporter too
    expect(await opts(['--prometheus', '--record', 'r.gz'])).toMatchObject({ record: 'r.gz', prometheus: { port: 9177 } });
  });

  it.each([
    [['--prometheus', 'example.com:9177'], /--prometheus: 'example.com' is not an IP address/],
    [['--prometheus', '1.2.3.4'], /has no port/],
    [['--prometheus', ':99999'], /no valid port/],
    [['--prometheus', '::1:9177'], /brackets/],
    [['--prometheus', ':9177', '-b'], /--prometheus runs without output of its own/],
    [['--prometheus', ':9177', '--csv', 'x.csv'], /drop -b, --json and --csv/],
    [['--prometheus', ':9177', '-n', '2'], /drop --iterations/],
    [['--prometheus', ':1', '--prometheus', ':2'], /only once/],
    [['--record', ''], /--record needs a file name/],
    [['--record', '-'], /--record needs a file name \(a recording is not written to or read from a pipe\)/],
    [['--replay', '-'], /--replay needs a file name/],
    [['--record', 'a', '--record', 'b'], /--record can be given only once/],
    [['--replay', 'a.gz', '--record', 'b.gz'], /--replay and --record cannot be combined/],
    [['--replay', 'a.gz', '--prometheus'], /cannot serve a --replay/],
    [['--replay', 'a.gz', '--demo'], /drop --connect and --demo/],
    [['--replay', 'a.gz', '-c', 'qemu:///system'], /drop --connect and --demo/],
    [['--replay', 'a.gz', '-d', '5'], /--replay keeps the recorded pace; drop --delay/],
    [['--record-max-size', '1G'], /--record-max-size caps a recording; add --record FILE/],
    [['--metadata-labels'], /--metadata-labels labels the exporter's series; add --prometheus/],
    [['--record', 'r.gz', '--record-max-size', 'big'], /--record-max-size must be a size such as 500M or 2G, got 'big'/],
    [['--record', 'r.gz', '--record-max-size', '1K'], /at least 64K/],
    [['--record', 'r.gz', '--record-max-age', 'soon'], /--record-max-age must be a duration such as 30m, 6h or 1d, got 'soon'/],
    [['--record', 'r.gz', '--record-max-age', '10s'], /at least 1m/],
    [['--record', 'r.gz', '--record-keep', '3'], /--record-keep needs --record-max-size or --record-max-age/],
    [['--record', 'r.gz', '--record-max-age', '1h', '--record-keep', '0'], /--record-keep must be a positive whole number, got '0'/],
    [['--record', 'r.gz', '--record-max-age', '1h', '--record-max-age', '2h'], /--record-max-age can be given only once/],
  ])('rejects %j', async (argv, message) => {
    await expect(parseArgs(argv as string[])).rejects.toThrow(message);
    await expect(parseArgs(argv as string[])).rejects.toBeInstanceOf(UsageError);
  });

  it('--metadata-labels goes with --prometheus; off unless given', async () => {
    expect((await opts(['--prometheus', '--metadata-labels'])).metadataLabels).toBe(true);
    expect((await opts(['--prometheus'])).metadataLabels).toBe(false);
  });

  it('a recording capped by size, age or both; 5 old files kept unless told', async () => {
    expect((await opts(['--record', 'r.gz'])).recordCap).toBeNull();
    expect((await opts(['--record', 'r.gz', '--record-max-size', '500M'])).recordCap).toEqual({ maxBytes: 524_288_000, maxAgeSec: null, keep: 5 });
    expect((await opts(['--record', 'r.gz', '--record-max-age', '1h30m', '--record-keep', '24'])).recordCap).toEqual({
      maxBytes: null,
      maxAgeSec: 5400,
      keep: 24,
    });
    expect((await opts(['--record', 'r.gz', '--record-max-size', '2GiB', '--record-max-age', '1d'])).recordCap).toEqual({
      maxBytes: 2_147_483_648,
      maxAgeSec: 86_400,
      keep: 5,
    });
  });

  it('--help lists the new options', async () => {
    const r = await parseArgs(['--help']);
    expect(r.kind === 'exit' && r.output).toMatch(/--prometheus[\s\S]*--record[\s\S]*--replay/);
  });
});
