// The option table parser behind virtop's command line.
import { describe, expect, it } from 'vitest';
import { ArgvError, formatHelp, parseArgv, type ArgSpec } from '../../../src/cli/argv.js';

const SPECS: ArgSpec[] = [
  { name: 'connect', alias: 'c', type: 'string', array: true, description: 'a URI', value: { label: 'URI' } },
  { name: 'delay', alias: 'd', type: 'string', description: 'seconds', defaultDescription: '2' },
  { name: 'batch', alias: 'b', type: 'boolean', description: 'batch', default: false },
  { name: 'version', alias: 'V', type: 'boolean', description: 'version' },
  { name: 'csv', type: 'string', description: 'a file' },
  { name: 'prometheus', type: 'string', description: 'listen' },
  { name: 'history', type: 'string', description: 'samples', default: '600' },
  { name: 'web.config.file', type: 'string', description: 'one name with dots' },
];

describe('parseArgv', () => {
  it.each([
    [[], { batch: false, history: '600' }],
    [['-c', 'qemu:///system', '--connect=test:///default'], { connect: ['qemu:///system', 'test:///default'], batch: false, history: '600' }],
    [['-d', '0.5', '-b'], { delay: '0.5', batch: true, history: '600' }],
    [['-d0.5', '-bV'], { delay: '0.5', batch: true, version: true, history: '600' }],
    [['-d=3'], { delay: '3', batch: false, history: '600' }],
    [['-d', '-1'], { delay: '-1', batch: false, history: '600' }],
    [['--csv', '-'], { csv: '-', batch: false, history: '600' }],
    [['--csv'], { csv: '', batch: false, history: '600' }],
    [['--prometheus', '-b'], { prometheus: '', batch: true, history: '600' }],
    [['--no-batch'], { batch: false, history: '600' }],
    [['--batch=false', '--version=true'], { batch: false, version: true, history: '600' }],
    [['--csv', 'a', '--csv', 'b'], { csv: ['a', 'b'], batch: false, history: '600' }],
    [['--web.config.file', 'w.yml'], { 'web.config.file': 'w.yml', batch: false, history: '600' }],
    [['--history', '10', '--'], { history: '10', batch: false }],
  ])('%j', (argv, want) => {
    expect(parseArgv(argv, SPECS)).toEqual(want);
  });

  it.each([
    [['--bogus'], 'Unknown argument: bogus'],
    [['-x'], 'Unknown argument: x'],
    [['-bx'], 'Unknown argument: x'],
    [['stray'], 'Unknown argument: stray'],
    [['-c', 'a', 'b'], 'Unknown argument: b'],
    [['--', '-b'], 'Unknown argument: -b'],
    [['--batch=yes'], "--batch takes no value (or true/false), got 'yes'"],
    [['--no-csv'], 'Unknown argument: no-csv'],
  ])('%j is refused: %s', (argv, msg) => {
    expect(() => parseArgv(argv, SPECS)).toThrow(new ArgvError(msg));
  });
});

describe('formatHelp', () => {
  it('one row per option, aliases first, values named, defaults said, long text wrapped under its column', () => {
    const text = formatHelp('tool [options]', [...SPECS, { name: 'long', type: 'boolean', description: 'word '.repeat(30).trim() }], 80);
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['tool [options]', '', 'Options:']);
    expect(lines[3]).toBe('  -c, --connect URI      a URI');
    expect(lines[4]).toBe('  -d, --delay            seconds [default: 2]');
    expect(text).toContain('      --history          samples [default: 600]');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    const wrapped = lines.filter((l) => l.includes('word'));
    expect(wrapped.length).toBeGreaterThan(1);
    for (const l of wrapped.slice(1)) expect(l.startsWith(' '.repeat(25))).toBe(true);
  });
});
