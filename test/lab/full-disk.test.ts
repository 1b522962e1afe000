// A guest paused by a full disk, on the real daemon: virtop-lab-full writes
// its whole 64 MiB disk while the qcow2 image sits on an 8 MiB tmpfs
// (lab.sh), so QEMU meets ENOSPC and pauses it. A transient dir pool over
// that tmpfs plays the full thin pool. virtop must say why the guest is
// paused and which disk, in batch JSON and on the screen, and show the pool
// full: the figures against virsh domstate --reason, domblkerror, pool-info.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt, ROOT, runVirtop } from '../helpers/run.js';
import { assertFrame } from '../helpers/schema.js';
import { haveTmux, promptBack, tableRows, TmuxSession } from '../helpers/tmux.js';
import { describeLab, ensureLab, LAB_CONNECT, LAB_WORK, type LabHandle, teardownLab, virsh, waitFor } from './lab.js';

const G = 'virtop-lab-full';
const POOL = 'virtop-lab-fullpool';
const session = new TmuxSession(`virtop-lab-full-${process.pid}`);

interface DiskJson {
  name: string;
  ioError: string | null;
  pool: string | null;
}
interface PoolJson {
  name: string;
  capacityBytes: number;
  availableBytes: number;
  usedPercent: number;
  fullInSec: number | null;
  volumes: { path: string; usedBy: string[] }[] | null;
}

describeLab('a guest paused by a full disk', () => {
  let lab: LabHandle;

  beforeAll(async () => {
    assertBuilt();
    lab = await ensureLab([G]);
    await waitFor(
      `${G} paused on an I/O error`,
      async () => ((await virsh(['domstate', '--reason', G])).includes('paused (I/O error)') ? true : undefined),
      60_000,
      500,
    );
    await virsh(['pool-destroy', POOL]).catch(() => undefined);
    await virsh(['pool-create-as', POOL, 'dir', '--target', `${LAB_WORK}/full`]);
  }, 300_000);

  afterAll(async () => {
    if (haveTmux) {
      session.keys('q');
      await session.waitFor(promptBack, 'the shell prompt', 5000).catch(() => undefined);
      session.kill();
    }
    await virsh(['pool-destroy', POOL]).catch(() => undefined);
    if (lab) await teardownLab(lab);
  });

  it('batch JSON: paused for an I/O error, vda out of space, on a pool with nothing left', async () => {
    // the lab itself, as libvirt tells it
    expect((await virsh(['domblkerror', G])).trim()).toBe('vda: no space');
    const r = await runVirtop(['-b', '-n', '4', '-d', '1', '--json', '-c', LAB_CONNECT]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const frames = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    frames.forEach((f, i) => assertFrame(f, `tick ${i}`));
    for (const f of frames) {
      const d = f.domains.find((x: { name: string }) => x.name === G);
      expect(d).toMatchObject({ state: 'paused', stateReason: 'ioerror' });
      expect(d.disks.map((k: DiskJson) => [k.name, k.ioError])).toEqual([['vda', 'nospace']]);
    }
    // The pools come from a slow loop: by the last tick it has answered.
    const last = frames[frames.length - 1];
    const pool: PoolJson = last.hosts[0].pools?.find((p: PoolJson) => p.name === POOL);
    expect(pool, `${POOL} in the last tick`).toBeDefined();
    const info = await virsh(['pool-info', POOL, '--bytes']);
    const field = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(info)?.[1]);
    expect(pool.capacityBytes).toBe(field('Capacity'));
    expect(pool.availableBytes).toBe(field('Available'));
    expect(pool.availableBytes).toBeLessThan(64 * 1024); // a tmpfs can keep a page or few back from a file
    expect(pool.usedPercent).toBeGreaterThan(99);
    expect(pool.volumes?.find((v) => v.path === `${LAB_WORK}/full/${G}.qcow2`)?.usedBy).toEqual([G]);
    if (pool.availableBytes === 0) expect(pool.fullInSec).toBe(0);
    const d = last.domains.find((x: { name: string }) => x.name === G);
    expect(d.disks[0].pool).toBe(POOL);
  }, 60_000);

  it('on screen: the detail pane names the disk and why, view 3 marks it, view 5 shows the pool full', async () => {
    if (!haveTmux) throw new Error('tmux is not installed');
    session.start(ROOT, [`XDG_CONFIG_HOME=${mkdtempSync(join(tmpdir(), 'virtop-lab-full-'))}`]);
    session.type(`node bin/virtop -c ${LAB_CONNECT} -d 1`);
    session.keys('Enter');
    const row = (s: string) => tableRows(s).get(G) ?? '';
    await session.waitFor((s) => row(s) !== '', `${G} in the table`, 20_000);
    session.keys('/');
    session.type(G);
    session.keys('Enter');
    // Columns of the default table: ID S ...; S is P for paused.
    await session.waitFor((s) => tableRows(s).size === 1 && row(s).trim().split(/\s+/)[1] === 'P', 'the filtered table, state P');
    session.keys('Enter');
    await session.waitFor((s) => /▌virtop-lab-full paused \(ioerror: vda no space\)/.test(s), 'the detail title with the disk and why');
    session.keys('Escape');
    await session.waitFor((s) => !/▌virtop-lab-full/.test(s), 'the detail pane closed');
    session.keys('3');
    await session.waitFor((s) => /virtop-lab-fu\S*\s+vda\s+\S*virtop-lab-full\.qcow2\s.*NOSPC\s*$/m.test(s), 'view 3: vda marked NOSPC');
    session.keys('5');
    await session.waitFor((s) => new RegExp(`^${POOL}\\s+dir\\s+running\\s.*(\\s0\\s+100\\.0\\s.*\\sfull\\s|\\s99\\.\\d\\s)`, 'm').test(s), 'view 5: the pool full', 45_000);
  }, 120_000);
});
