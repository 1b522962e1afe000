// fd 2 moved into a file and back by the addon, in a child process (moving
// the test runner's own stderr would hide its report): what libxml2 prints
// from inside libvirt lands in the file, not on the terminal.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { assertBuilt, ROOT } from '../helpers/run.js';

beforeAll(() => assertBuilt());

it('redirectStderr sends libvirt’s and Node’s stderr to the file; restoreStderr brings it back', async () => {
  const log = join(mkdtempSync(join(tmpdir(), 'virtop-fd2-')), 'virtop.log');
  const mod = (p: string) => JSON.stringify(pathToFileURL(join(ROOT, 'dist', p)).href);
  const script = `
    const { redirectStderr, restoreStderr } = await import(${mod('libvirt/stderr.js')});
    const { Connection } = await import(${mod('libvirt/connection.js')});
    redirectStderr(${JSON.stringify(log)});
    process.stderr.write('from node\\n');
    await Connection.open('test:///no/such/host.xml', { readonly: true }).catch(() => undefined);
    restoreStderr();
    process.stderr.write('back on the terminal\\n');
  `;
  const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout: 30_000 }, (err, _out, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
    );
  });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('back on the terminal\n');
  expect(readFileSync(log, 'utf8')).toBe('from node\nI/O warning : failed to load external entity "/no/such/host.xml"\n');
});
