// The real program in tmux against qemu:///system: an admin balloons a lab
// guest from 192 MiB to 160 MiB and back, hot-adds a vCPU, pauses and
// resumes it, and stops and starts it, each change visible on screen
// within a refresh or two; bad input is refused on screen.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { haveTmux, promptBack, tableRows, TmuxSession } from '../helpers/tmux.js';
import { assertBuilt, ROOT } from '../helpers/run.js';
import { describeLab, domstats, ensureLab, LAB_GUESTS, type LabHandle, statNum, teardownLab } from './lab.js';

const G = LAB_GUESTS.idle;
const session = new TmuxSession(`virtop-lab-tui-${process.pid}`);

describeLab('TUI actions on a real guest', () => {
  let lab: LabHandle;

  const row = (s: string) => tableRows(s).get(G) ?? '';
  // Columns of the default table: ID S %CPU %VCPU VCPU MEMUSE MEMCUR ...
  const cells = (s: string) => row(s).trim().split(/\s+/);
  const state = (s: string) => cells(s)[1];
  const vcpus = (s: string) => cells(s)[4];
  const memcur = (s: string) => cells(s)[6];

  beforeAll(async () => {
    if (!haveTmux) throw new Error('tmux is not installed');
    assertBuilt();
    lab = await ensureLab([G]);
    session.start(ROOT, [`XDG_CONFIG_HOME=${mkdtempSync(join(tmpdir(), 'virtop-lab-tui-'))}`]);
    session.type('node bin/virtop -c qemu:///system -d 1');
    session.keys('Enter');
    await session.waitFor((s) => row(s) !== '', `${G} in the table`, 20_000);
    // Show only the lab guest, so it is the selected row.
    session.keys('/');
    session.type(G);
    session.keys('Enter');
    await session.waitFor((s) => tableRows(s).size === 1 && row(s) !== '', 'the filtered table');
  });

  afterAll(async () => {
    session.keys('q');
    await session.waitFor(promptBack, 'the shell prompt', 5000).catch(() => undefined);
    session.kill();
    if (lab) await teardownLab([G]);
  });

  it('balloons down and back, refusing a bad size', async () => {
    // Right after boot the balloon driver is still inflating from 256 MiB
    // towards the configured 192 MiB; start from the settled value.
    await session.waitFor((s) => memcur(s) === '192M', 'MEMCUR settled at 192M', 30_000);
    session.keys('b');
    await session.waitFor((s) => /Memory for virtop-lab-idle \(now 192 MiB, max 256 MiB/.test(s), 'the balloon prompt');
    session.type('9G');
    session.keys('Enter');
    await session.waitFor((s) => /above the domain's maximum of 256 MiB/.test(s), 'the refusal');
    session.keys('C-u');
    session.type('160M');
    session.keys('Enter');
    await session.waitFor((s) => memcur(s) === '160M', 'MEMCUR 160M', 8000);
    await session.waitFor((s) => /set memory of virtop-lab-idle on qemu:\/\/\/system to 160 MiB/.test(s), 'the status line');
    expect(statNum(await domstats(G), 'balloon.current')).toBe(160 * 1024);
    session.keys('b');
    session.type('192M');
    session.keys('Enter');
    await session.waitFor((s) => memcur(s) === '192M', 'MEMCUR back to 192M', 8000);
  }, 60_000);

  it('hot-adds a vCPU', async () => {
    const before = Number(vcpus(session.screen()));
    session.keys('v');
    await session.waitFor((s) => /vCPUs for virtop-lab-idle \(now \d+, max 4\)/.test(s), 'the vCPU prompt');
    session.type('+1');
    session.keys('Enter');
    await session.waitFor((s) => Number(vcpus(s)) === before + 1, `VCPU ${before + 1}`, 8000);
  }, 30_000);

  it('pauses and resumes', async () => {
    session.keys('p');
    await session.waitFor((s) => state(s) === 'P', 'state P', 8000);
    session.keys('p');
    await session.waitFor((s) => state(s) === 'R', 'state R', 8000);
  }, 30_000);

  it('asks before a graceful stop, then starts again', async () => {
    session.keys('S');
    await session.waitFor((s) => /Shut down virtop-lab-idle on qemu:\/\/\/system\? \(y\/N\)/.test(s), 'the confirmation');
    session.keys('n');
    await session.waitFor((s) => /cancelled: shut down/.test(s), 'cancelled');
    expect(state(session.screen())).toBe('R');
    session.keys('S');
    await session.waitFor((s) => /Shut down virtop-lab-idle/.test(s), 'the confirmation again');
    session.keys('y');
    await session.waitFor((s) => state(s) === 'O', 'state O (shut off)', 30_000);
    session.keys('s');
    await session.waitFor((s) => state(s) === 'R', 'state R again', 15_000);
  }, 60_000);
});
