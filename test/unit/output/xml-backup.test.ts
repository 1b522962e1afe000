import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupStamp, nodeBackupFs, safeFileName, writeXmlBackup, type BackupFs } from '../../../src/output/xml-backup.js';

const AT = new Date(2026, 11, 6, 9, 5, 7); // local time, as the file name says it

describe('writeXmlBackup', () => {
  it('writes NAME-STAMP.xml, mode 0600, in a directory it makes (0700), the text as given', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'virtop-xml-')), 'virtop', 'xml');
    const path = await writeXmlBackup(dir, 'web-01', '<domain/>\n', AT);
    expect(path).toBe(join(dir, 'web-01-20261206T090507.xml'));
    expect(readFileSync(path, 'utf8')).toBe('<domain/>\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual(['web-01-20261206T090507.xml']);
  });

  it('a full disk: a clear message naming the file, and nothing left behind, half-written or not', async () => {
    const made: string[] = [];
    const removed: string[] = [];
    const full: BackupFs = {
      ...nodeBackupFs,
      mkdir: async () => undefined,
      writeNew: async (p) => {
        made.push(p);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
      rename: async () => {
        throw new Error('not reached');
      },
      unlink: async (p) => {
        removed.push(p);
      },
    };
    await expect(writeXmlBackup('/var/backups/x', 'db', '<domain/>', AT, full)).rejects.toThrow(
      'cannot write the XML backup /var/backups/x/db-20261206T090507.xml: ENOSPC: no space left on device, write',
    );
    // the temporary file beside it is removed; the final name was never created
    expect(removed).toEqual(made);
    expect(made[0]).toMatch(/^\/var\/backups\/x\/db-20261206T090507\.xml\.[0-9a-f]{8}\.tmp$/);
  });

  it.each([
    ['web-01', 'web-01'],
    ['test vm ünïcode (old)', 'test_vm__n_code__old_'],
    ['../../etc/passwd', '__.._etc_passwd'],
    ['.hidden', '_hidden'],
    ['', '_'],
  ])('file name for %j is %j', (name, file) => {
    expect(safeFileName(name)).toBe(file);
  });

  it('the stamp is local time, sortable', () => {
    expect(backupStamp(AT)).toBe('20261206T090507');
  });
});
