// The XML pane's reads and backups against the test driver: what it shows
// and what it writes is what `virsh dumpxml` prints.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainXmlAccess } from '../../src/app/domain-xml.js';
import { DEFAULT_DOMAIN, DEFAULT_URI } from './helpers/env.js';

let access: DomainXmlAccess | null = null;
afterEach(async () => {
  await access?.close();
  access = null;
});

const virsh = (...args: string[]) => execFileSync('virsh', ['-c', DEFAULT_URI, ...args], { encoding: 'utf8' });

describe('the domain XML pane on the test driver', () => {
  it('shows what virsh dumpxml prints, live and --inactive; the backup holds the same, mode 0600', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'virtop-xml-')), 'xml');
    access = new DomainXmlAccess(dir);
    const live = await access.read(DEFAULT_URI, DEFAULT_DOMAIN.uuid, false);
    expect(live.trimEnd()).toBe(virsh('dumpxml', DEFAULT_DOMAIN.name).trimEnd());
    const inactive = await access.read(DEFAULT_URI, DEFAULT_DOMAIN.uuid, true);
    expect(inactive.trimEnd()).toBe(virsh('dumpxml', '--inactive', DEFAULT_DOMAIN.name).trimEnd());
    const path = await access.save(DEFAULT_DOMAIN.name, `${live.trimEnd()}\n`, false, new Date(2026, 0, 2, 3, 4, 5));
    expect(path).toBe(join(dir, 'test-20260102T030405.xml'));
    expect(readFileSync(path, 'utf8')).toBe(`${live.trimEnd()}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const other = await access.save(DEFAULT_DOMAIN.name, inactive, true, new Date(2026, 0, 2, 3, 4, 5));
    expect(other).toBe(join(dir, 'test-inactive-20260102T030405.xml'));
  });

  it('a domain that is gone: libvirt’s error, named', async () => {
    access = new DomainXmlAccess(tmpdir());
    await expect(access.read(DEFAULT_URI, '00000000-0000-0000-0000-00000000dead', false)).rejects.toThrow(/Domain not found|no domain with matching uuid/);
  });
});
