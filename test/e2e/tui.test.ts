// End to end: the real program in tmux against the demo host. Needs tmux,
// the native addon (npm run build:native) and libvirt's test driver.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveTmux, promptBack, tableNames, tmux, TmuxSession } from '../helpers/tmux.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADDON = join(ROOT, 'native/build/Release/virtop_libvirt.node');
const HOME = mkdtempSync(join(tmpdir(), 'virtop-e2e-'));
const session = new TmuxSession(`virtop-e2e-${process.pid}`);
const SESSION = session.name;
const ready = haveTmux && existsSync(ADDON);
// In CI a test that cannot run must fail, not skip.
if (!ready && process.env.CI) throw new Error(`TUI end-to-end tests cannot run: ${haveTmux ? `${ADDON} is not built` : 'tmux is not installed'}`);

const screen = () => session.screen();
const keys = (...k: string[]) => session.keys(...k);
const type = (t: string) => session.type(t);
const waitFor = (test: (s: string) => boolean, what: string, ms?: number) => session.waitFor(test, what, ms);

async function startVirtop(extra = ''): Promise<void> {
  keys('clear', 'Enter');
  type(`node bin/virtop --demo ${extra}`);
  keys('Enter');
  await waitFor((s) => tableNames(s).length >= 10 && /%CPU/.test(s), 'the domain table');
}

describe.skipIf(!ready)('virtop TUI in tmux', () => {
  beforeAll(() => {
    // The test runs the compiled program: compile the current sources.
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    session.start(ROOT, [`XDG_CONFIG_HOME=${HOME}`, `XDG_STATE_HOME=${HOME}/state`]);
  }, 120_000);

  afterAll(() => session.kill());

  it('shows the table, sorts, filters, helps, switches views, handles a tiny terminal and quits cleanly', async () => {
    const t0 = Date.now();
    await startVirtop();
    const startMs = Date.now() - t0;
    let s = screen();
    expect(s).toMatch(/virtop \d\d:\d\d:\d\d │ 16 domains: 11 running, 2 paused, 3 inactive/);
    expect(tableNames(s)).toHaveLength(16);
    // inactive domains at the bottom
    // the last guest's name carries quotes, $(id), CJK and a zero-width space, shown escaped
    expect(tableNames(s).slice(-3).sort()).toEqual(['backup', 'legacy-ftp', 'test vm ünïcode (old) "$(id)" 旧\\u200b']);
    // wait for rates (second sample) so %CPU shows numbers, not "init"
    await waitFor((x) => !/ init /.test(x), 'rates after the second sample');

    // M: sort by %MEM — db-primary (64G of 256G) first, the marker on %MEM
    keys('M');
    s = await waitFor((x) => /▼%MEM/.test(x), 'the %MEM sort marker');
    expect(tableNames(s)[0]).toBe('db-primary');
    expect(tableNames(s)[1]).toBe('db-replica');
    keys('N');
    s = await waitFor((x) => /▲NAME|NAME▲/.test(x), 'the NAME sort marker');
    expect(tableNames(s)[0]).toBe('build-runner');

    // /: incremental filter; Esc clears
    keys('/');
    type('web');
    s = await waitFor((x) => /Filter: web/.test(x) && tableNames(x).length === 2, 'the filtered table');
    expect(tableNames(s).sort()).toEqual(['web-01', 'web-02']);
    keys('Escape');
    s = await waitFor((x) => tableNames(x).length === 16, 'the filter cleared');

    // ?: help lists the keys; any key closes it
    keys('?');
    s = await waitFor((x) => /virtop — keys/.test(x), 'the help screen');
    expect(s).toMatch(/sort by %MEM/);
    // Page through the help: every key is on one of its pages.
    let pages = s;
    for (let i = 0; i < 4 && !/q F10 Ctrl-C\s+quit/.test(pages); i++) {
      const before = screen();
      keys('PageDown');
      s = await waitFor((x) => x !== before, 'the next help page');
      pages += s;
    }
    expect(pages).toMatch(/balloon memory live/);
    expect(pages).toMatch(/q F10 Ctrl-C\s+quit/);
    keys('Escape');
    await waitFor((x) => !/virtop — keys/.test(x), 'help closed');

    // views 1, 2, 3 and back with 0
    keys('1');
    await waitFor((x) => /Physical CPUs/.test(x), 'view 1');
    keys('2');
    s = await waitFor((x) => /Network interfaces/.test(x), 'view 2');
    expect(s).toMatch(/DOMAIN\s+DEV\s+SOURCE/);
    keys('3');
    s = await waitFor((x) => /Block devices/.test(x), 'view 3');
    expect(s).toContain('/var/lib/libvirt/images/');
    expect(s).toMatch(/RDms\s+WRms/);
    // views 5 and 6: the demo host's pool, opened (Enter) to its volumes and their users; its two networks, one opened to its leases
    keys('5');
    s = await waitFor((x) => /Storage pools\s+1 pool\(s\), \d+ volume\(s\)/.test(x), 'view 5 with the pool read');
    expect(s).toMatch(/default\s+dir\s+running\s+(yes|no)\s+100G/);
    keys('Enter');
    s = await waitFor((x) => /Storage pool default\s+\d+ volume\(s\)\s+Esc: all pools/.test(x), 'the pool opened');
    expect(s).toMatch(/ {2}web-01-vda\.qcow2\s+qcow2\s+40G.*web-01/);
    keys('Escape');
    await waitFor((x) => /Storage pools\s+1 pool\(s\)/.test(x), 'back to the list of pools');
    keys('6');
    s = await waitFor((x) => /Networks\s+2 network\(s\), 1 host bridge\(s\), \d+ lease\(s\)/.test(x), 'view 6');
    // the demo's br0: guests plugged straight into a host bridge, no libvirt network
    expect(s).toMatch(/^br0\s+host\s+br0\s.*mail-relay, staging-api, win2019-ad/m);
    expect(s).toMatch(/default\s+nat\s+virbr0\s+active\s+(yes|no)\s+192\.168\.122\.1\/24\s+-\s+-\s+11\/253/);
    expect(s).toMatch(/storage-net\s+isolated\s+virbr1/);
    keys('Enter');
    s = await waitFor((x) => /Network default\s+11 lease\(s\), \d+ tap\(s\)/.test(x), 'the network opened');
    expect(s).toMatch(/ {2}192\.168\.122\.10\s+52:54:00:[0-9a-f:]{8}\s+build-runner, host name build-runner; expires in \d+ min/);
    // Enter on a lease (the first, under the network's row) opens the domain holding it
    const holder = /^ {2}192\.168\.122\.\d+\s+\S+\s+([\w-]+),/m.exec(s)?.[1];
    expect(holder).toBeDefined();
    keys('Down');
    keys('Enter');
    s = await waitFor((x) => x.includes(`▌${holder} `), 'the detail of the lease’s domain');
    keys('Escape');
    await waitFor((x) => !x.includes(`▌${holder} `), 'detail closed');
    keys('0');
    await waitFor((x) => tableNames(x).length === 16, 'back to domains');

    // Enter: the detail pane of the selected domain
    keys('Enter');
    s = await waitFor((x) => /vCPU threads/.test(x) && /DISK/.test(x) && /NET/.test(x), 'the detail pane');
    keys('Enter');
    await waitFor((x) => !/vCPU threads/.test(x), 'detail closed');

    // a terminal below 80x24 gets a message instead of panes, and recovers
    tmux('resize-window', '-t', SESSION, '-x', '60', '-y', '15');
    s = await waitFor((x) => /Terminal too small/.test(x), 'the small-terminal message');
    expect(s).toContain('60x15');
    tmux('resize-window', '-t', SESSION, '-x', '160', '-y', '50');
    await waitFor((x) => tableNames(x).length === 16, 'the table after growing again');

    // X: the selected domain's XML; / searches, w writes a backup (0600) where XDG_STATE_HOME points
    keys('X');
    s = await waitFor((x) => /[\w-]+ — live XML/.test(x) && /<domain type='test'/.test(x), 'the XML pane');
    const selected = /([\w-]+) — live XML/.exec(s)![1];
    expect(s).toContain(`<name>${selected}</name>`);
    // the line under the pane's title is the first one shown
    const firstShown = (x: string) => {
      const rows = x.split('\n');
      return rows[rows.findIndex((r) => r.includes('— live XML')) + 1] ?? '';
    };
    expect(firstShown(s)).toMatch(/<domain type='test'/);
    keys('/');
    type('memory');
    keys('Enter');
    await waitFor((x) => /<memory unit=/.test(firstShown(x)), 'the search scrolled to the <memory> line');
    keys('w');
    s = await waitFor((x) => /wrote \S+\.xml/.test(x), 'the backup written');
    const written = /wrote (\S+\.xml)/.exec(s)![1];
    expect(written.startsWith(join(HOME, 'state', 'virtop', 'xml'))).toBe(true);
    expect(readFileSync(written, 'utf8')).toContain(`<name>${selected}</name>`);
    expect(statSync(written).mode & 0o777).toBe(0o600);
    keys('Escape');
    await waitFor((x) => !x.includes('— live XML'), 'the XML pane closed');

    // W writes the settings where XDG_CONFIG_HOME points
    keys('W');
    await waitFor((x) => /settings written to/.test(x), 'the config written message');
    const cfg = JSON.parse(readFileSync(join(HOME, 'virtop', 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({ version: 1, sort: 'name', interval: 2 });

    // q: back to a usable shell
    keys('q');
    await waitFor(promptBack, 'the shell prompt after quitting', 5000);
    keys('clear', 'Enter');
    type('stty -a; echo "rc=$?"');
    keys('Enter');
    s = await waitFor((x) => /rc=0/.test(x), 'stty output');
    expect(s).toMatch(/(^|\s)icanon(\s|$)/m);
    expect(s).toMatch(/(^|\s)echo(\s|$)/m);
    expect(s).not.toMatch(/-icanon|(^|\s)-echo(\s|$)/m);
    process.stdout.write(`virtop --demo: first full table after ${startMs} ms (includes tmux polling)\n`);
  }, 90_000);

  it('restores the terminal on SIGTERM and exits 143', async () => {
    await startVirtop();
    const shellPid = tmux('list-panes', '-t', SESSION, '-F', '#{pane_pid}').trim();
    const child = execFileSync('pgrep', ['-P', shellPid, '-f', 'bin/virtop'], { encoding: 'utf8' }).trim().split('\n')[0];
    expect(child).toMatch(/^\d+$/);
    process.kill(Number(child), 'SIGTERM');
    await waitFor(promptBack, 'the shell prompt after SIGTERM', 5000);
    type('echo "status=$?"');
    keys('Enter');
    await waitFor((x) => /status=143/.test(x), 'exit status 143');
  }, 60_000);

  it('reads the settings written before (the config file wins over defaults)', async () => {
    await startVirtop();
    const s = await waitFor((x) => /▲NAME|NAME▲/.test(x), 'NAME sort from the config file');
    expect(tableNames(s)[0]).toBe('build-runner');
    keys('q');
    await waitFor(promptBack, 'the shell prompt', 5000);
  }, 60_000);

  it('takes key overrides from the config file, and names the line of a bad one', async () => {
    const file = join(HOME, 'virtop', 'config.json');
    const before = readFileSync(file, 'utf8');
    const cfg = JSON.parse(before);
    // quit moves to Q (q is then free); sort-mem asks for m, which domain-mem-stats keeps
    cfg.keys = { quit: ['Q'], 'sort-mem': ['M', 'm'] };
    const text = JSON.stringify(cfg, null, 2);
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('"sort-mem"')) + 1;
    try {
      await startVirtop();
      await waitFor((x) => x.includes(`config.json:${line}: keys.sort-mem: 'm' is already domain-mem-stats's key`), 'the bad override named with its line');
      keys('q'); // no longer quits: the next key still reaches the screen
      keys('?');
      await waitFor((x) => x.includes('select the row above'), 'help after q');
      keys('Escape');
      keys('Q');
      await waitFor(promptBack, 'the shell prompt after Q', 5000);
    } finally {
      writeFileSync(file, before);
    }
  }, 60_000);

  it('keeps libvirt’s own warnings off the screen: they go to the log, the latest in the status line', async () => {
    // A host whose XML cannot be read: libxml2, inside libvirt, prints to fd 2 at every reconnect attempt.
    keys('clear', 'Enter');
    type(`XDG_STATE_HOME=${HOME}/state node bin/virtop -c test:///default -c test:///no/such/host.xml`);
    keys('Enter');
    const s = await waitFor((x) => /\(more in .*virtop\.log\)/.test(x), 'the warning in the status line');
    const lines = s.split('\n');
    expect(lines[0]).toMatch(/^virtop \d\d:\d\d:\d\d │ 2 hosts/);
    // The warning is on the status line only: nowhere else on the screen.
    const hits = lines.filter((l) => l.includes('I/O warning'));
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatch(/^I\/O warning : failed to load external entity "\/no\/such\/host\.xml" \(more in /);
    expect(readFileSync(join(HOME, 'state', 'virtop', 'virtop.log'), 'utf8')).toContain('I/O warning : failed to load external entity "/no/such/host.xml"');
    keys('q');
    const after = await waitFor(promptBack, 'the shell prompt', 5000);
    // Back on the terminal, stderr is the terminal's again: nothing was lost or left behind.
    expect(after).not.toContain('I/O warning');
  }, 60_000);

  it('rewinds live: ← moves a cursor back through the detail charts (REWIND and its time), End returns to live', async () => {
    await startVirtop('-d 0.4');
    keys('Enter');
    await waitFor((x) => /vCPU threads/.test(x), 'the detail pane');
    // a few samples of history first: the header clock has moved on twice
    const clock = (x: string) => /^virtop (\d\d:\d\d:\d\d)/.exec(x)?.[1];
    const t0 = clock(screen());
    await waitFor((x) => clock(x) !== undefined && clock(x) !== t0, 'a tick');
    const t1 = clock(screen());
    await waitFor((x) => clock(x) !== undefined && clock(x) !== t1, 'another tick');
    keys('Left', 'Left', 'Left');
    let s = await waitFor((x) => /REWIND \d\d:\d\d:\d\d/.test(x.split('\n')[0]) && /◀ REWIND\s+at \d\d:\d\d:\d\d \(−/.test(x), 'REWIND in the header and the detail pane');
    expect(s).toMatch(/slot \d+\/\d+/);
    // new ticks keep coming: still rewound when the header's clock has moved on
    const at = clock(screen());
    s = await waitFor((x) => clock(x) !== undefined && clock(x) !== at, 'the next second');
    expect(s.split('\n')[0]).toMatch(/REWIND/);
    keys('End');
    s = await waitFor((x) => !/REWIND/.test(x), 'back to live');
    expect(s).toMatch(/vCPU threads/);
    keys('q');
    await waitFor(promptBack, 'the shell prompt', 5000);
  }, 60_000);

  it('replays a recording with time controls: the recording\'s time, step with , and ., jump with J', async () => {
    const file = join(HOME, 'short.ndjson.gz');
    execFileSync('node', ['bin/virtop', '--demo', '--record', file, '-b', '-n', '6', '-d', '0.3'], { cwd: ROOT, stdio: 'ignore' });
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').slice(1);
    const clock = lines.map((l) => new Date((JSON.parse(l) as { wallMs: number }).wallMs).toTimeString().slice(0, 8));
    expect(clock).toHaveLength(6);
    const header = (x: string) => x.split('\n')[0];
    keys('clear', 'Enter');
    type(`node bin/virtop --replay ${file}`);
    keys('Enter');
    // plays at the recorded pace (0.3 s a tick) to the end
    let s = await waitFor((x) => /REPLAY 6\/6 x1 END/.test(header(x)) && tableNames(x).length === 16, 'the replay at its end');
    expect(header(s)).toContain(`virtop ${clock[5]}`);
    keys(',');
    s = await waitFor((x) => /REPLAY 5\/6 x1 PAUSED/.test(header(x)), 'a step back');
    expect(header(s)).toContain(`virtop ${clock[4]}`);
    keys(',');
    await waitFor((x) => /REPLAY 4\/6 x1 PAUSED/.test(header(x)), 'another step back');
    keys('.');
    s = await waitFor((x) => /REPLAY 5\/6 x1 PAUSED/.test(header(x)), 'a step forward');
    expect(header(s)).toContain(`virtop ${clock[4]}`);
    // J: bad input is explained in the prompt; a time of day jumps there
    keys('J');
    type('abc');
    keys('Enter');
    s = await waitFor((x) => /Jump to .*abc.*use HH:MM\[:SS\]/.test(x), 'the jump prompt refusing abc');
    keys('C-u');
    type(clock[0]);
    keys('Enter');
    s = await waitFor((x) => /REPLAY 1\/6 x1 PAUSED/.test(header(x)), 'the jump to the first record');
    expect(header(s)).toContain(`virtop ${clock[0]}`);
    expect(s).toMatch(new RegExp(`jumped to ${clock[0]}`));
    // relative, past the end: stops at the last record
    keys('J');
    type('+5m');
    keys('Enter');
    await waitFor((x) => /REPLAY 6\/6/.test(header(x)) && /end of the recording/.test(x), 'the relative jump to the end');
    keys('x');
    await waitFor((x) => /REPLAY 6\/6 x10/.test(header(x)), 'speed x10');
    keys('q');
    await waitFor(promptBack, 'the shell prompt', 5000);
  }, 60_000);

  it('n shows the names people know: the OpenStack instance names of the demo k8s nodes; / finds them by project', async () => {
    await startVirtop();
    keys('n');
    let s = await waitFor((x) => tableNames(x).includes('k8s-worker-a'), 'the Nova instance names');
    expect(tableNames(s).filter((n) => n.startsWith('k8s-')).sort()).toEqual(['k8s-worker-a', 'k8s-worker-b', 'k8s-worker-c']);
    keys('/');
    type('platform');
    keys('Enter');
    s = await waitFor((x) => tableNames(x).length === 3, 'the three instances of project platform');
    keys('n');
    s = await waitFor((x) => tableNames(x).includes('k8s-node-1'), "libvirt's names again");
    expect(tableNames(s).sort()).toEqual(['k8s-node-1', 'k8s-node-2', 'k8s-node-3']);
    keys('q');
    await waitFor(promptBack, 'the shell prompt');
  }, 60_000);

  it('rejects an unknown --theme with one line and exit 2', () => {
    const r = spawnSync('node', ['bin/virtop', '--demo', '--theme', 'nope'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^virtop: unknown theme 'nope' \(built-in themes: default, high-contrast, light, monochrome/);
  });
});
