// Writer and reader together on real files: round trip, random access,
// files cut off at random offsets (a crash mid-write), damaged and foreign files.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingFormatError } from '../../../src/record/format.js';
import { readRecording } from '../../../src/record/reader.js';
import { FirstError, Recorder, RecordingError } from '../../../src/record/writer.js';
import type { Snapshot } from '../../../src/types/sample.js';
import { fullSnapshot } from './full-sample.js';
import { mulberry32 } from '../../helpers/prng.js';

const dir = mkdtempSync(join(tmpdir(), 'virtop-rec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const file = () => join(dir, `r${n++}.ndjson.gz`);

async function record(snaps: Snapshot[], path = file()): Promise<string> {
  const r = await Recorder.open(path, { intervalMs: 1000, version: 'test', recordedOn: 'box' });
  for (const s of snaps) r.write(s);
  expect(await r.close()).toBeNull();
  return path;
}


const all = async (path: string) => {
  const rec = await readRecording(path);
  return { rec, snaps: Array.from({ length: rec.length }, (_, i) => rec.get(i)) };
};

describe('recording round trip', () => {
  const snaps = Array.from({ length: 150 }, (_, i) => fullSnapshot(i));

  it('reads back every snapshot equal, across block boundaries, with the header', async () => {
    const path = await record(snaps);
    const { rec, snaps: back } = await all(path);
    expect(rec.length).toBe(150);
    expect(back).toStrictEqual(snaps);
    expect(rec.report).toEqual({ truncated: false, closed: true, damaged: null });
    expect(rec.header).toMatchObject({ format: 'virtop-recording', schema: 1, virtop: 'test', recordedOn: 'box', intervalMs: 1000 });
    expect(rec.header.startedWallMs).toBe(snaps[0].wallMs);
    expect(rec.header.hosts).toEqual([{ uri: 'qemu:///system', info: snaps[0].hosts[0].info }]);
    // random access in any order
    for (const i of [149, 0, 64, 63, 128, 5]) expect(rec.get(i)).toStrictEqual(snaps[i]);
    expect(() => rec.get(150)).toThrow(RangeError);
  });

  it('indexAt finds the record in force at a time', async () => {
    const { rec } = await all(await record(snaps.slice(0, 10)));
    const t0 = snaps[0].wallMs;
    expect(rec.indexAt(t0 - 5000)).toBe(0);
    expect(rec.indexAt(t0)).toBe(0);
    expect(rec.indexAt(t0 + 2500)).toBe(2);
    expect(rec.indexAt(t0 + 3000)).toBe(3);
    expect(rec.indexAt(t0 + 1e9)).toBe(9);
    expect(rec.monoNs(3)).toBe(snaps[3].monoNs);
  });

  it('is gzip: zcat-able NDJSON with the header first', async () => {
    const path = await record(snaps.slice(0, 3));
    const { gunzipSync } = await import('node:zlib');
    const lines = gunzipSync(readFileSync(path)).toString().trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[0]).format).toBe('virtop-recording');
    expect(JSON.parse(lines[1]).seq).toBe(0);
  });

  it('a recorder closed before any tick leaves a file that says it is empty', async () => {
    const path = await record([]);
    await expect(readRecording(path)).rejects.toThrow(/empty/);
  });
});

describe('a recording cut off mid-write', () => {
  const snaps = Array.from({ length: 40 }, (_, i) => fullSnapshot(i, 4));

  it('the file on disk decodes while the recorder is still open (sync flush per record)', async () => {
    const path = file();
    const r = await Recorder.open(path, { intervalMs: 1000, version: 'test' });
    for (const s of snaps.slice(0, 7)) r.write(s);
    // Each record is flushed as written; the bytes reach the file through the
    // stream's write. Read the file as a crash would leave it, once all seven are there.
    const deadline = Date.now() + 5000;
    let got: Awaited<ReturnType<typeof all>> | null = null;
    let last = '';
    while (!got || got.snaps.length < 7) {
      if (Date.now() > deadline) throw new Error(`waited 5 s for 7 records in the open recording: ${got ? `found ${got.snaps.length}` : last}`);
      await new Promise((res) => setImmediate(res));
      got = await all(path).catch((e: Error) => ((last = e.message), null)); // nothing written yet: empty, no header
    }
    const { rec, snaps: back } = got;
    expect(back).toStrictEqual(snaps.slice(0, 7));
    expect(rec.report).toEqual({ truncated: false, closed: false, damaged: null });
    await r.close();
    expect((await readRecording(path)).report.closed).toBe(true);
  });

  it('30 random cut points (fixed seed): never throws except before the header ends, always a prefix', async () => {
    const path = await record(snaps);
    const whole = readFileSync(path);
    const rand = mulberry32(20260124);
    const offsets = Array.from({ length: 30 }, () => Math.floor(rand() * whole.length)).sort((a, b) => a - b);
    offsets.push(whole.length - 1, whole.length - 8, 1, 10);
    let lastCount = 0;
    let prefixesWithRecords = 0;
    for (const off of offsets.sort((a, b) => a - b)) {
      const cut = join(dir, `cut-${off}.gz`);
      writeFileSync(cut, whole.subarray(0, off));
      let got: Snapshot[];
      try {
        got = (await all(cut)).snaps;
      } catch (e) {
        // Only a file cut inside (or before) its header may be refused, and only as "not a recording".
        expect(e).toBeInstanceOf(RecordingFormatError);
        expect(lastCount).toBe(0);
        continue;
      }
      expect(got).toStrictEqual(snaps.slice(0, got.length));
      expect(got.length).toBeGreaterThanOrEqual(lastCount);
      // a cut file is never taken for a cleanly closed one
      expect((await readRecording(cut)).report.closed).toBe(false);
      lastCount = got.length;
      if (got.length > 0) prefixesWithRecords++;
    }
    expect(prefixesWithRecords).toBeGreaterThan(20);
    // Cut in the 8-byte gzip trailer only: every record is there.
    expect(lastCount).toBe(40);
  });

  it('a cut inside a record reports it as truncated and drops only that record', async () => {
    const path = await record(snaps.slice(0, 10));
    const whole = readFileSync(path);
    const cut = join(dir, 'cut-mid.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const { rec } = await all(cut);
    expect(rec.length).toBeGreaterThan(0);
    expect(rec.length).toBeLessThan(10);
    expect(rec.report.truncated).toBe(true);
  });
});

describe('files that are not (whole) recordings', () => {
  it('corrupt bytes in the middle: the records before them, and a note', async () => {
    const snaps = Array.from({ length: 30 }, (_, i) => fullSnapshot(i));
    const buf = Buffer.from(readFileSync(await record(snaps)));
    const at = Math.floor(buf.length * 0.7);
    for (let i = at; i < at + 64; i++) buf[i] ^= 0x5a;
    const path = join(dir, 'corrupt.gz');
    writeFileSync(path, buf);
    // Flipped deflate bits either stop the stream there (reading ends, with a
    // note) or decode to a garbled line that still looks like a record; that
    // one is found when it is used (records are parsed lazily). Which one
    // happens depends on the bytes; either way what comes back is the
    // records before the damage, unchanged, and the damage is told.
    const rec = await readRecording(path);
    const back: Snapshot[] = [];
    let failed: string | null = null;
    for (let i = 0; i < rec.length && failed === null; i++) {
      try {
        back.push(rec.get(i));
      } catch (e) {
        failed = (e as Error).message;
      }
    }
    expect(back).toStrictEqual(snaps.slice(0, back.length));
    expect(back.length).toBeGreaterThan(5);
    expect(back.length).toBeLessThan(30);
    expect(rec.report.damaged ?? failed).toMatch(/damaged/);
  });

  it.each([
    ['plain text', Buffer.from('hello\nworld\n'), /not a virtop recording/],
    ['an empty file', Buffer.alloc(0), /empty/],
    ['gzip of something else', gzipSync('{"a":1}\n{"b":2}\n'), /not a virtop recording/],
    ['gzip of a header-less NDJSON', gzipSync('not json\n'), /not a virtop recording/],
    [
      'a recording from a newer virtop',
      gzipSync('{"format":"virtop-recording","schema":99,"virtop":"9","startedWallMs":0,"recordedOn":"x","intervalMs":1,"hosts":[]}\n'),
      /newer than this virtop reads/,
    ],
  ])('%s is refused with a clear reason', async (_what, bytes, msg) => {
    const path = join(dir, `bad-${n++}`);
    writeFileSync(path, bytes);
    await expect(readRecording(path)).rejects.toThrow(msg);
    await expect(readRecording(path)).rejects.toBeInstanceOf(RecordingFormatError);
  });

  it('a missing file names the path', async () => {
    await expect(readRecording(join(dir, 'nope.gz'))).rejects.toThrow(/cannot read the recording '.*nope.gz'/);
  });

  it('a record line that is whole but invalid ends the recording there', async () => {
    const good = await record([fullSnapshot(0), fullSnapshot(1)]);
    const { gunzipSync } = await import('node:zlib');
    const lines = gunzipSync(readFileSync(good)).toString().split('\n');
    lines.splice(3, 0, '{"seq":2,"wallMs":1,"monoNs":"x","hosts":[]}', lines[2]);
    const path = join(dir, 'invalid-line.gz');
    writeFileSync(path, gzipSync(lines.join('\n')));
    const { rec } = await all(path);
    expect(rec.length).toBe(2);
    expect(rec.report.damaged).toMatch(/record 3 is damaged \(not a record line\)/);
  });

  it('a record whole in shape but wrong inside is reported when it is used', async () => {
    const good = await record([fullSnapshot(0), fullSnapshot(1)]);
    const { gunzipSync } = await import('node:zlib');
    const text = gunzipSync(readFileSync(good)).toString() + '{"seq":2,"wallMs":1,"monoNs":"5","hosts":[{"bad":1}]}\n';
    const path = join(dir, 'wrong-inside.gz');
    writeFileSync(path, gzipSync(text));
    const rec = await readRecording(path);
    expect(rec.length).toBe(3);
    expect(rec.get(1)).toStrictEqual(fullSnapshot(1));
    expect(() => rec.get(2)).toThrow(RecordingFormatError);
    expect(() => rec.get(2)).toThrow(/record 3 is damaged \(record.hosts\[0\].uri: expected a string\)/);
  });
});

describe('Recorder errors', () => {
  it('cannot create the file: a RecordingError naming it', async () => {
    await expect(Recorder.open('/nonexistent-dir/x.gz', { intervalMs: 1, version: 't' })).rejects.toThrow(
      /cannot write the recording '\/nonexistent-dir\/x.gz'/,
    );
    await expect(Recorder.open('/nonexistent-dir/x.gz', { intervalMs: 1, version: 't' })).rejects.toBeInstanceOf(RecordingError);
  });

  it('a write error stops recording without throwing, and is reported once', async () => {
    const r = await Recorder.open('/dev/full', { intervalMs: 1, version: 't' });
    const seen: string[] = [];
    r.onError((e) => seen.push(e.message));
    for (let i = 0; i < 5; i++) r.write(fullSnapshot(i));
    const err = await r.close();
    expect(err).toBeInstanceOf(RecordingError);
    expect(err?.message).toMatch(/recording to '\/dev\/full' stopped: .*ENOSPC|no space/i);
    expect(seen).toHaveLength(1);
  });
});

describe('FirstError (Recorder and RotatingRecorder)', () => {
  it('keeps the first error and tells every listener of it once; later ones add nothing', () => {
    const f = new FirstError();
    const a: string[] = [];
    const b: string[] = [];
    f.listen((e) => a.push(e.message));
    f.listen((e) => b.push(e.message));
    expect(f.error).toBeNull();
    f.set(new RecordingError('disk full'));
    f.set(new RecordingError('still full'));
    expect(f.error?.message).toBe('disk full');
    expect(a).toEqual(['disk full']);
    expect(b).toEqual(['disk full']);
  });
});

describe('size', () => {
  it('stays well under 1 KB per domain per tick for busy synthetic guests', async () => {
    const snaps = Array.from({ length: 200 }, (_, i) => fullSnapshot(i, 8));
    const path = await record(snaps);
    const perDomainTick = statSync(path).size / (200 * 8);
    expect(perDomainTick).toBeLessThan(1024);
  });
});
