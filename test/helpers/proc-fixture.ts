// The captured qemu-host /proc tree (test/fixtures/proc/qemu-host; what it
// holds is described in test/unit/procfs/reader.test.ts), with the reads
// listed in its errors.json failing the way the kernel made them fail.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProcTree, type FixtureEntry } from './memory-procfs.js';
import { type ReadErrorKind } from '../../src/procfs/fs.js';

export const QEMU_HOST_FIXTURE = join(import.meta.dirname, '../fixtures/proc/qemu-host');

export async function loadQemuHostFixture(): Promise<Record<string, FixtureEntry>> {
  const entries: Record<string, FixtureEntry> = await loadProcTree(join(QEMU_HOST_FIXTURE, 'root'));
  const errors = JSON.parse(readFileSync(join(QEMU_HOST_FIXTURE, 'errors.json'), 'utf8')) as Record<string, ReadErrorKind>;
  for (const [path, kind] of Object.entries(errors)) entries[path] = { error: kind };
  return entries;
}
