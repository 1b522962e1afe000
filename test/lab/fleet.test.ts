// Three hosts in one screen — qemu:///system (lab guests), the same daemon
// over loopback TCP (through a proxy this test can cut) and test:///default:
// the table shows all, the hosts view shows three, cutting the TCP host
// leaves the others connected, and a bulk pause/resume of two tagged lab
// guests goes through the preview and lands in the action log.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { haveTmux, promptBack, TmuxSession } from '../helpers/tmux.js';
import { assertBuilt, ROOT } from '../helpers/run.js';
import { describeLab, domState, ensureLab, type LabHandle, labSh, teardownLab, waitFor } from './lab.js';
import { CuttableProxy } from './proxy.js';

const GUESTS = ['virtop-lab-idle', 'virtop-lab-idle2'];
const session = new TmuxSession(`virtop-lab-fleet-${process.pid}`);
const STATE = mkdtempSync(join(tmpdir(), 'virtop-fleet-state-'));
const LOG = join(STATE, 'virtop', 'actions.log');

/** Rows of the hosts view: host label → the row text. */
function hostRows(s: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = s.split('\n');
  const title = lines.findIndex((l) => /^\s*HOST\s+HOSTNAME\s+STATUS/.test(l));
  if (title < 0) return out;
  for (const l of lines.slice(title + 1)) {
    const m = /^(\S+)\s+\S+\s+(connected|slow|lost \d+s|reconnecting|failed)\b/.exec(l);
    if (!m) break;
    out.set(m[1], m[2]);
  }
  return out;
}

describeLab('fleet: three hosts, tagging and a bulk action', () => {
  let lab: LabHandle;
  const proxy = new CuttableProxy();

  beforeAll(async () => {
    if (!haveTmux) throw new Error('tmux is not installed');
    assertBuilt();
    lab = await ensureLab(GUESTS);
    await labSh(['tcp', 'on']);
    await proxy.start();
    session.start(ROOT, [`XDG_STATE_HOME=${STATE}`, `XDG_CONFIG_HOME=${STATE}`], 180, 50);
    session.type(`node bin/virtop -d 1 -c qemu:///system -c qemu+tcp://127.0.0.1:${proxy.port}/system -c test:///default`);
    session.keys('Enter');
  });

  afterAll(async () => {
    session.keys('q');
    await session.waitFor(promptBack, 'the shell prompt', 5000).catch(() => undefined);
    session.kill();
    await proxy.stop();
    await labSh(['tcp', 'off']);
    if (lab) await teardownLab(lab);
  });

  it('shows the domains of all three hosts and three hosts in H', async () => {
    const s = await session.waitFor(
      (x) => /test:default/.test(x) && /127\.0\.0\.1/.test(x) && /qemu:system/.test(x) && /virtop-lab-idle2/.test(x),
      'domains from all three hosts',
      20_000,
    );
    expect(s).toMatch(/HOST/);
    session.keys('H');
    const h = await session.waitFor((x) => hostRows(x).size === 3, 'three rows in the hosts view');
    expect([...hostRows(h).values()].every((v) => v === 'connected')).toBe(true);
  }, 60_000);

  it('cutting the TCP host leaves the other two connected', async () => {
    proxy.cut = true;
    const tcpStatus = (x: string) => [...hostRows(x).entries()].find(([k]) => k.startsWith('127.0.0.1'))?.[1] ?? '';
    await session.waitFor((x) => tcpStatus(x) !== '' && tcpStatus(x) !== 'connected', 'the TCP host not answering', 40_000);
    // Bytes swallowed by the cut are gone for good: wait until keepalive declares the
    // connection lost, as a real dead link would be, before restoring the path.
    const s = await session.waitFor((x) => /^(lost|reconnecting)/.test(tcpStatus(x)), 'the TCP host declared lost', 60_000);
    const rows = hostRows(s);
    const others = [...rows.entries()].filter(([k]) => !k.startsWith('127.0.0.1'));
    expect(others).toHaveLength(2);
    for (const [, v] of others) expect(v).toBe('connected');
    proxy.cut = false;
    await session.waitFor((x) => [...hostRows(x).values()].every((v) => v === 'connected'), 'the TCP host back', 40_000);
  }, 150_000);

  it('tags two lab guests by filter, previews, pauses and resumes them, and logs each action', async () => {
    session.keys('0');
    session.keys('/');
    session.type('virtop-lab-idle qemu:///');
    session.keys('Enter');
    await session.waitFor((x) => /virtop-lab-idle2/.test(x) && !/127\.0\.0\.1 .*virtop-lab-idle/.test(x), 'the filtered table');
    session.keys('t');
    await session.waitFor((x) => /tagged 2 domain\(s\) matching/.test(x), 'two tagged');
    session.keys('p');
    const preview = await session.waitFor((x) => /Preview: pause 2 tagged domain\(s\)/.test(x), 'the preview');
    expect(preview).toContain('virsh -c qemu:///system suspend virtop-lab-idle');
    expect(preview).toContain('virsh -c qemu:///system suspend virtop-lab-idle2');
    session.keys('y');
    await waitFor('both paused', async () => ((await Promise.all(GUESTS.map(domState)))).every((s) => s === 'paused') || undefined, 15_000);
    await session.waitFor((x) => /paused 2 tagged domain\(s\)/.test(x), 'the summary in the status line');
    // The table must have caught up (both guests P) before the next action is planned.
    await session.waitFor((x) => (x.match(/^\*\s*\d+ P /gm) ?? []).length === 2, 'both tagged rows paused', 15_000);
    session.keys('p');
    await session.waitFor((x) => /Preview: resume 2 tagged domain\(s\)/.test(x), 'the resume preview');
    session.keys('y');
    await waitFor('both running', async () => ((await Promise.all(GUESTS.map(domState)))).every((s) => s === 'running') || undefined, 15_000);

    const entries = await waitFor('four log lines', async () => {
      try {
        const lines = readFileSync(LOG, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
        return lines.length >= 4 ? lines : undefined;
      } catch {
        return undefined;
      }
    });
    expect(entries.map((e: { domain: string; args: { op: string }; ok: boolean; host: string; action: string }) => [e.host, e.domain, e.action, e.args.op, e.ok]).sort()).toEqual(
      [
        ['qemu:///system', 'virtop-lab-idle', 'pause-resume', 'pause', true],
        ['qemu:///system', 'virtop-lab-idle', 'pause-resume', 'resume', true],
        ['qemu:///system', 'virtop-lab-idle2', 'pause-resume', 'pause', true],
        ['qemu:///system', 'virtop-lab-idle2', 'pause-resume', 'resume', true],
      ].sort(),
    );
    for (const e of entries) expect(e).toMatchObject({ user: expect.any(String), time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    session.keys('L');
    await session.waitFor((x) => /Action log/.test(x) && (x.match(/pause-resume/g) ?? []).length >= 4, 'the action log view');
  }, 90_000);
});
