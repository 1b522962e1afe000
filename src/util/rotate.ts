// Numbered rotation, as logrotate names it: FILE becomes FILE.1, FILE.1
// becomes FILE.2, and so on up to FILE.<keep>; what would become
// FILE.<keep+1> is deleted. Each step is a rename, which is atomic, so a
// reader never sees a half-moved file and no line or record is split.

import { rename, unlink } from 'node:fs/promises';

function missing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Moves FILE aside, keeping `keep` older files (keep ≥ 1). A gap in the numbers is skipped, not an error. */
export async function rotateNumbered(path: string, keep: number): Promise<void> {
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be a whole number ≥ 1, not ${keep}`);
  await unlink(`${path}.${keep}`).catch((e: unknown) => {
    if (!missing(e)) throw e;
  });
  for (let i = keep - 1; i >= 0; i--) {
    const from = i === 0 ? path : `${path}.${i}`;
    await rename(from, `${path}.${i + 1}`).catch((e: unknown) => {
      if (!missing(e)) throw e;
    });
  }
}
