import { describe, expect, it } from 'vitest';
import {
  decodeHeader,
  decodeSnapshot,
  encodeHeader,
  encodeSnapshot,
  RECORDING_FORMAT,
  RECORDING_SCHEMA_VERSION,
  RecordingFormatError,
  type RecordingHeader,
} from '../../../src/record/format.js';
import { domain, host, snapshot } from '../../helpers/samples.js';
import { fullSnapshot } from './full-sample.js';

const header: RecordingHeader = {
  format: RECORDING_FORMAT,
  schema: RECORDING_SCHEMA_VERSION,
  virtop: '0.1.0',
  startedWallMs: 1_700_000_000_000,
  recordedOn: 'box',
  intervalMs: 2000,
  hosts: [
    { uri: 'qemu:///system', info: fullSnapshot(1).hosts[0].info },
    { uri: 'qemu+ssh://hv2/system', info: null },
  ],
};

const roundTrip = (s: ReturnType<typeof fullSnapshot>) => decodeSnapshot(JSON.parse(encodeSnapshot(s)));

describe('recording format', () => {
  it('a snapshot with every field set comes back equal, bigints past 2^53 exact', () => {
    for (const tick of [0, 1, 4, 7]) {
      const s = fullSnapshot(tick);
      const back = roundTrip(s);
      expect(back).toStrictEqual(s);
      expect(typeof back.hosts[0].domains[0].cpuTimeNs).toBe('bigint');
      expect(back.hosts[0].domains[0].cpuTimeNs).toBe(s.hosts[0].domains[0].cpuTimeNs);
    }
  });

  it('writes bigints as decimal strings and one line per record', () => {
    const line = encodeSnapshot(fullSnapshot(2));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    const raw = JSON.parse(line);
    expect(raw.monoNs).toBe('2000000000');
    expect(raw.hosts[0].domains[0].cpuTimeNs).toBe((2n ** 60n + 3_000_000_000n).toString());
    expect(Object.keys(raw).slice(0, 3)).toEqual(['seq', 'wallMs', 'monoNs']);
  });

  it('keeps absent optional fields absent and nulls null', () => {
    const s = snapshot(0, [host({ monoNs: 5n, domains: [domain({ uuid: 'u1', process: null, cpuTimeNs: null })] })]);
    const back = roundTrip(s);
    expect(back).toStrictEqual(s);
    expect('statsMonoNs' in back.hosts[0].domains[0]).toBe(false);
    expect('stale' in back.hosts[0]).toBe(false);
  });

  it('decoded snapshots are frozen like the collector’s', () => {
    const back = roundTrip(fullSnapshot(1));
    expect(Object.isFrozen(back)).toBe(true);
    expect(Object.isFrozen(back.hosts)).toBe(true);
  });

  it('header round trip', () => {
    expect(decodeHeader(JSON.parse(encodeHeader(header)))).toStrictEqual(header);
  });

  it.each([
    [{ format: 'something-else', schema: 1 }, /not a virtop recording/],
    [{ ...JSON.parse(encodeHeader(header)), schema: RECORDING_SCHEMA_VERSION + 1 }, /newer than this virtop reads/],
    [{ ...JSON.parse(encodeHeader(header)), schema: 0 }, /unknown version/],
    [[1, 2], /expected an object/],
  ])('rejects header %j', (h, msg) => {
    expect(() => decodeHeader(h)).toThrow(RecordingFormatError);
    expect(() => decodeHeader(h)).toThrow(msg);
  });

  it.each([
    ['a counter written as a number', (r: any) => (r.hosts[0].domains[0].cpuTimeNs = 5), /cpuTimeNs: expected an integer/],
    ['a counter that is not an integer', (r: any) => (r.hosts[0].domains[0].disks[0].rdBytes = '1.5'), /rdBytes/],
    ['an unknown state', (r: any) => (r.hosts[0].domains[0].state = 'dancing'), /domains\[0\]\.state: unknown value "dancing"/],
    ['an unknown status', (r: any) => (r.hosts[0].status = 'maybe'), /hosts\[0\]\.status: unknown value "maybe"/],
    ['no hosts array', (r: any) => delete r.hosts, /record.hosts: expected an array/],
    ['a thread without tid', (r: any) => delete r.hosts[0].domains[0].process.threads[1].tid, /threads\[1\].tid/],
  ])('rejects a record with %s, naming the field', (_what, mutate, msg) => {
    const raw = JSON.parse(encodeSnapshot(fullSnapshot(1)));
    mutate(raw);
    expect(() => decodeSnapshot(raw)).toThrow(RecordingFormatError);
    expect(() => decodeSnapshot(raw)).toThrow(msg);
  });
});
