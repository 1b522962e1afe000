// A domain's XML written to a backup file before an admin changes anything
// ("virsh dumpxml NAME > backup.xml", done right): its own file per copy,
// named after the domain and the time, readable by the owner only, and
// written atomically, so a full disk leaves no half file behind.

import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** What the writer does to the filesystem; tests pass one that fails. */
export interface BackupFs {
  mkdir(path: string): Promise<void>;
  /** creates `path` (which must not exist) with mode 0600 and writes `text` to disk */
  writeNew(path: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export const nodeBackupFs: BackupFs = {
  mkdir: async (path) => {
    await mkdir(path, { recursive: true, mode: 0o700 });
  },
  writeNew: async (path, text) => {
    const fh = await open(path, 'wx', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  rename,
  unlink,
};

/** 20261206T095301: the local time, sortable, with no character a file name must avoid. */
export function backupStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}T${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** A domain name as a file name: anything but letters, digits, '.', '_' and '-' becomes '_', and it never starts with '.'. */
export function safeFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return s === '' ? '_' : s.slice(0, 200);
}

/**
 * Writes `xml` to DIR/NAME-STAMP.xml and returns that path. The text goes to
 * a temporary file first and is renamed into place once it is all on disk;
 * on any failure the temporary file is removed and the error names the path.
 */
export async function writeXmlBackup(dir: string, domainName: string, xml: string, now: Date, fs: BackupFs = nodeBackupFs): Promise<string> {
  const path = join(dir, `${safeFileName(domainName)}-${backupStamp(now)}.xml`);
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.mkdir(dir);
    await fs.writeNew(tmp, xml.endsWith('\n') ? xml : `${xml}\n`);
    await fs.rename(tmp, path);
    return path;
  } catch (e) {
    await fs.unlink(tmp).catch(() => undefined);
    throw new Error(`cannot write the XML backup ${path}: ${(e as Error).message}`);
  }
}
