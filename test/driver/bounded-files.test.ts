// Files virtop writes stay bounded and a full disk stops only the writing:
// a capped recording rotates into whole, replayable files; a recording, the
// action log and the config on a full tmpfs each say why in one line while
// monitoring goes on (#17, item 7). Mounting a tmpfs needs root, as CI is.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runVirtop } from '../helpers/run.js';
import { parseFrames } from '../helpers/schema.js';
import { readRecording } from '../../src/record/reader.js';
import { ActionLog } from '../../src/actions/log.js';
import { saveConfig } from '../../src/config/config.js';
import type { Plan } from '../../src/actions/commands.js';

beforeAll(() => assertBuilt());
const dir = mkdtempSync(join(tmpdir(), 'virtop-bounded-'));
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) execFileSync('umount', [m]);
  rmSync(dir, { recursive: true, force: true });
});

/** A tmpfs of `kib` KiB: the smallest disk that can fill up in a test. */
function tinyDisk(name: string, kib: number): string {
  const at = join(dir, name);
  mkdirSync(at);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k,mode=0755`, 'tmpfs', at]);
  mounts.push(at);
  return at;
}

/** Fills what is left of a tmpfs with one file; returns its path so a test can free the space again. */
function fill(at: string): string {
  const f = join(at, 'filler');
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${f}`, 'bs=4k'], { stdio: 'ignore' });
  } catch {
    /* dd stops with an error when the disk is full: that is the point */
  }
  return f;
}

async function seqs(path: string): Promise<{ seqs: number[]; closed: boolean }> {
  const rec = await readRecording(path);
  return { seqs: Array.from({ length: rec.length }, (_, i) => rec.get(i).seq), closed: rec.report.closed };
}

describe('--record with a cap', () => {
  it('past 64K a new file begins: FILE, FILE.1, FILE.2 kept, older ones deleted, every record once and in order', async () => {
    const rec = join(dir, 'capped.ndjson.gz');
    const r = await runVirtop(['--demo', '--json', '-d', '0.1', '-n', '60', '--record', rec, '--record-max-size', '64K', '--record-keep', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(parseFrames(r.stdout)).toHaveLength(60);
    expect(readdirSync(dir).filter((f) => f.startsWith('capped.')).sort()).toEqual(['capped.ndjson.gz', 'capped.ndjson.gz.1', 'capped.ndjson.gz.2']);
    const parts = [await seqs(`${rec}.2`), await seqs(`${rec}.1`), await seqs(rec)];
    for (const p of parts) {
      expect(p.closed).toBe(true);
      expect(p.seqs.length).toBeGreaterThan(0);
    }
    const kept = parts.flatMap((p) => p.seqs);
    // contiguous, ending at the last tick (the oldest files were deleted)
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => kept[0] + i));
    // a snapshot's seq counts ticks from 0: the 60th is 59
    expect(kept[kept.length - 1]).toBe(59);
    console.log(`capped recording: 60 ticks, ${kept.length} kept in 3 files of ${parts.map((p) => p.seqs.length).join(', ')} records`);
    // an older file replays on its own
    const back = await runVirtop(['--replay', `${rec}.1`, '--json']);
    expect(back.code).toBe(0);
    expect(parseFrames(back.stdout)).toHaveLength(parts[1].seqs.length);
  }, 60_000);
});

describe('a full disk', () => {
  it('--record on a full tmpfs: one line saying so, every frame still printed, the records before it replay', async () => {
    const at = tinyDisk('rec', 64);
    const rec = join(at, 'full.ndjson.gz');
    const r = await runVirtop(['--demo', '--json', '-d', '0.1', '-n', '40', '--record', rec]);
    expect(parseFrames(r.stdout)).toHaveLength(40);
    expect(r.stderr).toBe(`virtop: recording to '${rec}' stopped: ENOSPC: no space left on device, write\n`);
    expect(r.code).toBe(1);
    const back = await readRecording(rec);
    expect(back.length).toBeGreaterThan(0);
    expect(back.length).toBeLessThan(40);
    console.log(`full disk: recording stopped after ${back.length} of 40 records; 40 frames printed`);
  }, 60_000);

  it('the action log on a full disk: the reason, the entry kept in memory; once there is room the log goes on, every line valid', async () => {
    const at = tinyDisk('state', 64);
    const path = join(at, 'virtop', 'actions.log');
    const log = new ActionLog(path, 'alice');
    const plan: Plan = { host: 'test:///default', domainUuid: 'u', domainName: 'web-01', command: 'start', args: {}, rereadsInventory: false } as unknown as Plan;
    await log.record(plan, { ok: true, message: 'started', refresh: true });
    const filler = fill(at);
    // a big result so the append cannot fit in a last partial block
    await log.record(plan, { ok: true, message: 'x'.repeat(20_000), refresh: true });
    expect(log.lastError).toBe(`cannot write the action log ${path}: ENOSPC: no space left on device, write`);
    expect(log.entries()).toHaveLength(2);
    rmSync(filler);
    await log.record(plan, { ok: true, message: 'third', refresh: true });
    expect(log.lastError).toBeNull();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const results = lines.map((l) => (JSON.parse(l) as { result: string; action: string }).result.slice(0, 40));
    expect(results[0]).toBe('started');
    expect(results[results.length - 1]).toBe('third');
  });

  it('W on a full disk: the reason, and the config that was there is intact', async () => {
    const at = tinyDisk('config', 64);
    const path = join(at, 'virtop', 'config.json');
    await saveConfig(path, { sort: 'cpu', interval: 2 });
    const before = readFileSync(path, 'utf8');
    const filler = fill(at);
    await expect(saveConfig(path, { sort: 'mem', interval: 5, columns: Array.from({ length: 2000 }, () => 'name') })).rejects.toThrow(
      `cannot write ${path}: ENOSPC: no space left on device`,
    );
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(readdirSync(join(at, 'virtop'))).toEqual(['config.json']);
    rmSync(filler);
    expect(existsSync(filler)).toBe(false);
  });
});
