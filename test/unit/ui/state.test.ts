import { describe, expect, it } from 'vitest';
import { buildKeymap, Command, DEFAULT_BINDINGS, isKeyName, keyLabel, normalizeKey } from '../../../src/ui/keymap.js';
import { handleKey, initialState, reconcile, reconcileList, scrollFor } from '../../../src/ui/state.js';
import { filterDomains, matchesFilter, filterTerms } from '../../../src/ui/filter.js';
import { buildModel } from './fixture.js';
import type { ActionContext, Reaction, UiState } from '../../../src/ui/state-types.js';

const { keymap } = buildKeymap();

function ctx(over: Partial<ActionContext> = {}): ActionContext {
  return { rowKeys: ['a', 'b', 'c', 'd', 'e'], pageSize: 3, listKeys: [], sortCycle: ['id', 'cpu', 'mem', 'time', 'name'], nowMs: 1000, ...over };
}

function press(s: UiState, keys: string[], c: ActionContext = ctx()): [UiState, Reaction[]] {
  const reactions: Reaction[] = [];
  for (const k of keys) {
    const [n, r] = handleKey(s, k, keymap, c);
    s = n;
    reactions.push(r);
  }
  return [s, reactions];
}

const start = () => ({ ...initialState({ sort: 'cpu', reverse: false, intervalSec: 2 }), selectedKey: 'a' });

describe('keymap', () => {
  it('binds every command and no key twice', () => {
    const { keymap: km, problems } = buildKeymap();
    expect(problems).toEqual([]);
    for (const cmd of Object.values(Command)) expect(DEFAULT_BINDINGS[cmd].keys.length).toBeGreaterThan(0);
    expect(km.get('M')).toBe(Command.SortMem);
    expect(km.get('f1')).toBe(Command.Help);
    expect(km.get('C-c')).toBe(Command.Quit);
  });

  it('binds the fleet keys as htop does: Space tags, Z pauses', () => {
    expect(keymap.get('space')).toBe(Command.ToggleTag);
    expect(keymap.get('Z')).toBe(Command.TogglePause);
    expect(keymap.get('H')).toBe(Command.ViewHosts);
    expect(keymap.get('L')).toBe(Command.ViewLog);
  });

  it('takes overrides: they replace the command’s default keys, which are then free', () => {
    const r = buildKeymap({ [Command.Quit]: ['Q', 'C-q'], [Command.SortCpu]: ['q'] });
    expect(r.problems).toEqual([]);
    expect(r.keymap.get('Q')).toBe(Command.Quit);
    expect(r.keymap.get('C-q')).toBe(Command.Quit);
    expect(r.keymap.get('q')).toBe(Command.SortCpu); // quit's old key, now sort-cpu's
    expect(r.keymap.get('P')).toBeUndefined();
    expect(r.keymap.get('f10')).toBeUndefined();
  });

  it.each<[string, Record<string, string[]>, { command: string; message: string }[], [string, Command | undefined][]]>([
    [
      'a key another command keeps: the override is dropped, the defaults stay',
      { [Command.Quit]: ['M'] },
      [{ command: 'quit', message: "'M' is already sort-mem's key; quit keeps its default keys (q, f10, C-c)" }],
      [['M', Command.SortMem], ['q', Command.Quit]],
    ],
    [
      'a dropped override gives its default key back, which can clash with another override in turn',
      { [Command.Quit]: ['x'], [Command.SortCpu]: ['q'] },
      [
        { command: 'quit', message: "'x' is already replay-speed's key; quit keeps its default keys (q, f10, C-c)" },
        { command: 'sort-cpu', message: "'q' is already quit's key; sort-cpu keeps its default keys (P)" },
      ],
      [['x', Command.ReplaySpeedCycle], ['q', Command.Quit], ['P', Command.SortCpu]],
    ],
    [
      'an unknown command',
      { 'launch-missiles': ['L'] },
      [{ command: 'launch-missiles', message: "'launch-missiles' is not a command (the commands are listed in docs/tui.md)" }],
      [['L', Command.ViewLog]],
    ],
    [
      'a key name the screen never reports',
      { [Command.Help]: ['ctrl+h', 'f13'] },
      [{ command: 'help', message: "'ctrl+h', 'f13' are not key names (e.g. x, X, C-x, f5, pagedown); help keeps its default keys" }],
      [['?', Command.Help]],
    ],
    [
      'two overrides on one key: the later command in the table is blamed',
      { [Command.SortCpu]: ['y'], [Command.SortMem]: ['y'] },
      [{ command: 'sort-mem', message: "'y' is already sort-cpu's key; sort-mem keeps its default keys (M)" }],
      [['y', Command.SortCpu], ['M', Command.SortMem]],
    ],
  ])('reports %s', (_what, overrides, problems, bound) => {
    const r = buildKeymap(overrides);
    expect(r.problems).toEqual(problems);
    for (const [key, cmd] of bound) expect(r.keymap.get(key), key).toBe(cmd);
  });

  it.each([
    ['x', true],
    ['X', true],
    ['/', true],
    ['C-x', true],
    ['M-1', true],
    ['f12', true],
    ['pagedown', true],
    ['f13', false],
    ['ctrl+x', false],
    ['xx', false],
    [' ', false],
    ['', false],
  ])('isKeyName(%j) = %s', (key, want) => {
    expect(isKeyName(key)).toBe(want);
  });

  it('normalizes blessed key events', () => {
    expect(normalizeKey('M', { name: 'm', shift: true, full: 'S-m' })).toBe('M');
    expect(normalizeKey('\r', { name: 'enter', full: 'enter' })).toBe('enter');
    expect(normalizeKey('\r', { name: 'return', full: 'return' })).toBeNull();
    expect(normalizeKey(' ', { name: 'space', full: 'space' })).toBe('space');
    expect(normalizeKey('\x03', { name: 'c', ctrl: true, full: 'C-c' })).toBe('C-c');
    expect(normalizeKey(undefined, { name: 'f1', full: 'f1' })).toBe('f1');
    expect(normalizeKey('\x1b', { name: 'escape', full: 'escape' })).toBe('escape');
    expect(normalizeKey('<', { name: undefined, full: '<' })).toBe('<');
    expect(keyLabel('C-c')).toBe('Ctrl-C');
    expect(keyLabel('pagedown')).toBe('PgDn');
  });
});

describe('moving the selection', () => {
  it.each([
    [['down'], 'b'],
    [['j', 'j'], 'c'],
    [['down', 'up', 'k'], 'a'],
    [['pagedown'], 'c'],
    [['end'], 'e'],
    [['G', 'g'], 'a'],
    [['end', 'down'], 'e'],
  ])('%j selects %s', (keys, want) => {
    expect(press(start(), keys)[0].selectedKey).toBe(want);
  });

  it('follows the domain, not the row, when the order changes', () => {
    let s = press(start(), ['down', 'down'])[0];
    expect(s.selectedKey).toBe('c');
    s = reconcile(s, ['e', 'c', 'a', 'b', 'd'], 3);
    expect(s.selectedKey).toBe('c');
    expect(s.selectedIndex).toBe(1);
  });

  it('stays on the same row when the selected domain goes away', () => {
    const s = reconcile({ ...start(), selectedKey: 'c', selectedIndex: 2 }, ['a', 'b', 'd', 'e'], 3);
    expect(s.selectedKey).toBe('d');
    expect(reconcile({ ...start(), selectedKey: 'x', selectedIndex: 9 }, ['a', 'b'], 3).selectedKey).toBe('b');
    expect(reconcile(start(), [], 3).selectedKey).toBeNull();
  });

  it('scrolls to keep the selection visible', () => {
    expect(scrollFor(0, 0, 3, 10)).toBe(0);
    expect(scrollFor(5, 0, 3, 10)).toBe(3);
    expect(scrollFor(1, 3, 3, 10)).toBe(1);
    expect(scrollFor(9, 9, 3, 10)).toBe(7);
    const s = reconcile({ ...start(), selectedKey: 'e' }, ['a', 'b', 'c', 'd', 'e'], 3);
    expect(s.scroll).toBe(2);
    const l = reconcileList({ ...start(), listCursor: { cpus: 50, nics: 0, disks: 0, hosts: 0, log: 0, noisy: 0, storage: 0, networks: 0 } }, 'cpus', 10, 4);
    expect(l.listCursor.cpus).toBe(9);
    expect(l.listScroll.cpus).toBe(6);
  });
});

describe('sorting', () => {
  it('P M T N B I choose the sort column; the same key again reverses', () => {
    expect(press(start(), ['M'])[0]).toMatchObject({ sort: 'mem', reverse: false });
    expect(press(start(), ['M', 'M'])[0]).toMatchObject({ sort: 'mem', reverse: true });
    expect(press(start(), ['T'])[0].sort).toBe('time');
    expect(press(start(), ['N'])[0].sort).toBe('name');
    expect(press(start(), ['B'])[0].sort).toBe('block');
    expect(press(start(), ['i', 'B'])[0].sort).toBe('blockreq');
    expect(press(start(), ['I'])[0].sort).toBe('net');
    expect(press(start(), ['P'])[0]).toMatchObject({ sort: 'cpu', reverse: true });
    expect(press(start(), ['r'])[0].reverse).toBe(true);
  });

  it('< and > walk the sortable columns', () => {
    expect(press(start(), ['>'])[0].sort).toBe('mem');
    expect(press(start(), ['<', '<'])[0].sort).toBe('name');
    expect(press({ ...start(), sort: 'rss' }, ['>'])[0].sort).toBe('id');
  });

  it('switching the I/O unit keeps a block sort on the same columns', () => {
    const s = press({ ...start(), sort: 'block' }, ['i'])[0];
    expect(s).toMatchObject({ io: 'reqs', sort: 'blockreq' });
  });
});

describe('filter prompt', () => {
  it('filters as you type, Enter keeps, Esc clears', () => {
    let [s] = press(start(), ['/', 'w', 'e', 'b']);
    expect(s.filter).toBe('web');
    expect(s.overlay).toMatchObject({ kind: 'prompt', purpose: 'filter', text: 'web' });
    [s] = press(s, ['backspace']);
    expect(s.filter).toBe('we');
    [s] = press(s, ['enter']);
    expect(s.overlay).toBeNull();
    expect(s.filter).toBe('we');
    [s] = press(s, ['/', 'x', 'escape']);
    expect(s.filter).toBe('');
    expect(s.overlay).toBeNull();
  });

  it('takes command keys as text while open', () => {
    const [s, r] = press(start(), ['/', 'q', 'M', 'space', 'j']);
    expect(s.filter).toBe('qM j');
    expect(r.some((x) => x.quit)).toBe(false);
  });

  it('Esc outside the prompt clears the filter after closing other things', () => {
    const s = { ...start(), filter: 'web', detailOpen: true, view: 'nics' as const };
    const [a] = press(s, ['escape']);
    expect(a.view).toBe('domains');
    const [b] = press(a, ['escape']);
    expect(b.detailOpen).toBe(false);
    const [c] = press(b, ['escape']);
    expect(c.filter).toBe('');
  });
});

describe('interval prompt', () => {
  it('sets a valid interval and asks the app to apply it', () => {
    const [s, r] = press(start(), ['d', 'C-u', '0', '.', '5', 'enter']);
    expect(s.intervalSec).toBe(0.5);
    expect(s.overlay).toBeNull();
    expect(r[r.length - 1]).toEqual({ setIntervalSec: 0.5 });
    expect(s.status?.text).toBe('refreshing every 0.5s');
  });

  it.each([
    ['0.01', /below 0.1 s/],
    ['abc', /must be a number of seconds above 0/],
    ['100000', /at most 86400/],
  ])('keeps the prompt open with a message for %j', (text, msg) => {
    const [s, r] = press(start(), ['d', 'C-u', ...text.split(''), 'enter']);
    expect(s.intervalSec).toBe(2);
    expect(s.overlay).toMatchObject({ kind: 'prompt', purpose: 'interval' });
    expect(s.overlay?.kind === 'prompt' && s.overlay.error).toMatch(msg);
    expect(r[r.length - 1].setIntervalSec).toBeUndefined();
  });

  it('Esc cancels', () => {
    const [s] = press(start(), ['d', '5', 'escape']);
    expect(s).toMatchObject({ intervalSec: 2, overlay: null });
  });
});

describe('other commands', () => {
  it('Ctrl-R asks for pools and networks to be read again; 5 and 6 open their views', () => {
    expect(press(start(), ['C-r'])[1][0]).toEqual({ refreshInventory: true });
    expect(press(start(), ['5'])[0].view).toBe('storage');
    expect(press(start(), ['6'])[0].view).toBe('networks');
  });

  it('Z pauses and resumes', () => {
    const [s, r] = press(start(), ['Z']);
    expect(s.paused).toBe(true);
    expect(r[0]).toEqual({ setPaused: true });
    const [t, r2] = press(s, ['Z']);
    expect(t.paused).toBe(false);
    expect(r2[0]).toEqual({ setPaused: false });
  });

  it('views switch with 1 2 3 and back with 0', () => {
    expect(press(start(), ['1'])[0].view).toBe('cpus');
    expect(press(start(), ['2'])[0].view).toBe('nics');
    expect(press(start(), ['3'])[0].view).toBe('disks');
    expect(press(start(), ['3', '0'])[0].view).toBe('domains');
  });

  it('Enter toggles the detail pane; from a list it opens the row\'s domain', () => {
    expect(press(start(), ['enter'])[0].detailOpen).toBe(true);
    expect(press(start(), ['tab', 'tab'])[0].detailOpen).toBe(false);
    const c = ctx({ listKeys: ['x', 'y'] });
    const [s] = press({ ...start(), view: 'nics', listCursor: { cpus: 0, nics: 1, disks: 0, hosts: 0, log: 0, noisy: 0, storage: 0, networks: 0 } }, ['enter'], c);
    expect(s).toMatchObject({ view: 'domains', selectedKey: 'y', detailOpen: true });
  });

  it('views 5 and 6: Enter opens a pool or network alone, Enter or Esc closes it with the cursor back; a volume opens its domain', () => {
    const cursor = (storage: number) => ({ cpus: 0, nics: 0, disks: 0, hosts: 0, log: 0, noisy: 0, storage, networks: 0 });
    // the list of pools, cursor on the second
    const list = ctx({ listKeys: [null, null, null], listOpens: ['h#p1', 'h#p2', 'h#p3'] });
    let [s] = press({ ...start(), view: 'storage', listCursor: cursor(1) }, ['enter'], list);
    expect(s).toMatchObject({ view: 'storage', opened: { storage: { key: 'h#p2', cursorWas: 1 } }, detailOpen: false });
    expect(s.listCursor.storage).toBe(0);
    // inside it: the pool's row, then its volumes; the second volume is used by domain 'd'
    const inside = ctx({ listKeys: [null, null, 'd'], listOpens: ['h#p2', null, null] });
    const [closed] = press(s, ['enter'], inside);
    expect(closed).toMatchObject({ view: 'storage', opened: { storage: null } });
    expect(closed.listCursor.storage).toBe(1);
    const [back] = press(s, ['escape'], inside);
    expect(back).toMatchObject({ view: 'storage', opened: { storage: null } });
    expect(back.listCursor.storage).toBe(1);
    // Esc again: back to the domains
    expect(press(back, ['escape'], list)[0].view).toBe('domains');
    [s] = press({ ...s, listCursor: cursor(2) }, ['enter'], inside);
    expect(s).toMatchObject({ view: 'domains', selectedKey: 'd', detailOpen: true });
    // a volume no domain uses: nothing happens
    const [same] = press({ ...start(), view: 'storage', opened: { storage: { key: 'h#p2', cursorWas: 1 } }, listCursor: cursor(1) }, ['enter'], inside);
    expect(same).toMatchObject({ view: 'storage', opened: { storage: { key: 'h#p2', cursorWas: 1 } } });
  });

  it('q, F10 and Ctrl-C quit; W asks to write the config', () => {
    for (const k of ['q', 'f10', 'C-c']) expect(press(start(), [k])[1][0].quit).toBe(true);
    expect(press(start(), ['W'])[1][0].writeConfig).toBe(true);
  });

  it('help opens with ? h F1 and any key closes it', () => {
    for (const k of ['?', 'h', 'f1']) expect(press(start(), [k])[0].overlay?.kind).toBe('help');
    const [s, r] = press(start(), ['?', 'down', 'x']);
    expect(s.overlay).toBeNull();
    expect(r.some((x) => x.quit)).toBe(false);
  });

  it('f opens the column chooser; space toggles; NAME stays', () => {
    let [s] = press(start(), ['f', 'space']);
    expect(s.columns).not.toContain('id');
    [s] = press(s, ['space']);
    expect(s.columns[0]).toBe('id');
    [s] = press(s, ['up', 'space']);
    expect(s.columns).toContain('name');
    [s] = press(s, ['escape']);
    expect(s.overlay).toBeNull();
  });

  it('Space tags and moves down, t tags the filtered rows, u untags', () => {
    let [s] = press(start(), ['space', 'space']);
    expect(s.tagged).toEqual(['a', 'b']);
    expect(s.selectedKey).toBe('c');
    [s] = press(s, ['k', 'space']);
    expect(s.tagged).toEqual(['a']);
    [s] = press({ ...s, filter: 'x' }, ['t'], ctx({ rowKeys: ['d', 'e'] }));
    expect(s.tagged).toEqual(['a', 'd', 'e']);
    expect(s.status?.text).toMatch(/tagged 2 domain\(s\) matching 'x'; 3 tagged in all/);
    [s] = press(s, ['u']);
    expect(s.tagged).toEqual([]);
  });

  it('= groups by host; H and L open the hosts and log views', () => {
    expect(press(start(), ['='])[0].groupByHost).toBe(true);
    expect(press(start(), ['H'])[0].view).toBe('hosts');
    expect(press(start(), ['L'])[0].view).toBe('log');
  });

  it('unknown keys change nothing', () => {
    const s0 = start();
    const [s, r] = press(s0, ['~']);
    expect(s).toBe(s0);
    expect(r[0].none).toBe(true);
  });
});

describe('filter', () => {
  const { view } = buildModel(20, 2, { 0: 'web-01', 1: 'Web-02', 2: 'db-primary' });
  it('matches name, state and host, case-insensitively, all words', () => {
    expect(filterTerms('  Web  run ')).toEqual(['web', 'run']);
    expect(filterDomains(view.domains, 'web').map((d) => d.name)).toEqual(['web-01', 'Web-02']);
    expect(filterDomains(view.domains, 'shutoff').length).toBe(2);
    expect(filterDomains(view.domains, 'paused').every((d) => d.state === 'paused')).toBe(true);
    expect(filterDomains(view.domains, 'system').length).toBe(20);
    expect(filterDomains(view.domains, 'web paused')).toEqual([]);
    expect(filterDomains(view.domains, '').length).toBe(20);
    expect(matchesFilter(view.domains[2], ['db', 'run'])).toBe(true);
  });
});

describe('domain actions', () => {
  const { view } = buildModel(12, 2, { 0: 'web-01' });
  const running = view.domains.find((d) => d.state === 'running')!;
  const off = view.domains.find((d) => d.state === 'shutoff')!;
  const actx = (d: typeof running | null) =>
    ctx({ rowKeys: view.domains.map((x) => x.key), selected: d, domain: (k) => view.domains.find((x) => x.key === k) ?? null });
  const sel = (d: typeof running) => ({ ...start(), selectedKey: d.key });

  it('b opens a prompt naming the domain; bad input keeps it open with the reason and sends nothing', () => {
    let [s, r] = press(sel(running), ['b'], actx(running));
    expect(s.overlay).toMatchObject({ kind: 'action-prompt', domainKey: running.key });
    expect((s.overlay as { label: string }).label).toMatch(new RegExp(`^Memory for ${running.name} \\(now `));
    [s, r] = press(s, ['x', 'y', 'z', 'enter'], actx(running));
    expect(s.overlay).toMatchObject({ kind: 'action-prompt', error: expect.stringMatching(/not a size/) });
    expect(r.some((x) => x.runPlan)).toBe(false);
    [s, r] = press(s, ['escape'], actx(running));
    expect(s.overlay).toBeNull();
    expect(s.status?.text).toBe('cancelled');
  });

  it('a valid balloon size runs at once; Tab also saves it to the config', () => {
    const [s, r] = press(sel(running), ['b', 'tab', '+', '1', 'M', 'enter'], actx(running));
    const plan = r[r.length - 1].runPlan;
    expect(plan?.summary).toMatch(/set memory of .* \(live and in the config\)/);
    expect(s.overlay).toBeNull();
  });

  it('force off asks first; only y confirms', () => {
    let [s, r] = press(sel(running), ['F'], actx(running));
    expect(s.overlay).toMatchObject({ kind: 'confirm', question: expect.stringMatching(new RegExp(`Force off ${running.name}`)) });
    expect(r[0].runPlan).toBeUndefined();
    [s, r] = press(s, ['n'], actx(running));
    expect(s.overlay).toBeNull();
    expect(s.status?.text).toMatch(/^cancelled: force off/);
    [s, r] = press(s, ['F', 'y'], actx(running));
    expect(r[1].runPlan?.summary).toMatch(/^force off /);
  });

  it('refuses in the wrong state, without a prompt', () => {
    const [s, r] = press(sel(off), ['b'], actx(off));
    expect(s.overlay).toBeNull();
    expect(s.status?.text).toMatch(/memory can only be ballooned on a running domain/);
    expect(r[0].runPlan).toBeUndefined();
    const [s2, r2] = press(sel(off), ['s'], actx(off));
    expect(r2[0].runPlan?.summary).toMatch(/^start /);
    expect(s2.status?.text).toMatch(/^start .*…$/);
  });

  it('read-only mode answers every action key and runs nothing', () => {
    const ro = { ...sel(running), readonly: true };
    for (const k of ['s', 'S', 'R', 'F', 'p', 'b', 'v', 'm']) {
      const [s, r] = press(ro, [k], actx(running));
      expect(s.status?.text, k).toMatch(/read-only mode/);
      expect(r[0].runPlan).toBeUndefined();
      expect(s.overlay).toBeNull();
    }
  });

  it('says when the domain went away while the prompt was open', () => {
    let [s] = press(sel(running), ['v'], actx(running));
    const gone = ctx({ rowKeys: [], selected: null, domain: () => null });
    [s] = press(s, ['+', '1', 'enter'], gone);
    expect(s.status?.text).toMatch(/domain is gone/);
  });
});

describe('bulk actions on tagged domains', () => {
  const { view } = buildModel(12, 2);
  const running = view.domains.filter((d) => d.state === 'running');
  const off = view.domains.find((d) => d.state === 'shutoff')!;
  const bctx = ctx({ rowKeys: view.domains.map((x) => x.key), selected: running[0], domain: (k) => view.domains.find((x) => x.key === k) ?? null });
  const tagged = (keys: string[]) => ({ ...start(), selectedKey: running[0].key, tagged: keys });

  it('p on tagged domains previews each with its virsh command; y runs them', () => {
    let [s, r] = press(tagged([running[0].key, running[1].key, off.key]), ['p'], bctx);
    expect(s.overlay?.kind).toBe('bulk-preview');
    const bulk = (s.overlay as { bulk: { plans: { summary: string; virsh: string[] }[]; skipped: { reason: string }[] } }).bulk;
    expect(bulk.plans.map((p) => p.virsh[0])).toEqual(['suspend', 'suspend']);
    expect(bulk.skipped[0].reason).toMatch(/is shutoff/);
    expect(r[0].runBulk).toBeUndefined();
    [s, r] = press(s, ['y'], bctx);
    expect(r[0].runBulk).toHaveLength(2);
    expect(s.overlay).toBeNull();
  });

  it('anything but y cancels the preview and runs nothing', () => {
    const [s, r] = press(tagged([running[0].key]), ['F', 'n'], bctx);
    expect(r.some((x) => x.runBulk)).toBe(false);
    expect(s.status?.text).toMatch(/cancelled: nothing was run/);
  });

  it('b asks one size for all tagged domains, then previews', () => {
    let [s] = press(tagged([running[0].key, running[1].key]), ['b'], bctx);
    expect(s.overlay).toMatchObject({ kind: 'action-prompt', label: 'Memory for 2 tagged domain(s): ' });
    [s] = press(s, ['1', 'M', 'enter'], bctx);
    expect(s.overlay).toMatchObject({ kind: 'action-prompt', error: expect.stringMatching(/floor/) });
    [s] = press(s, ['backspace', 'backspace', '5', '1', '2', 'M', 'enter'], bctx);
    expect(s.overlay?.kind).toBe('bulk-preview');
  });
});

describe('docs/tui.md', () => {
  it('lists every command a "keys" entry can name, with its default keys', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../docs/tui.md', import.meta.url), 'utf8');
    for (const cmd of Object.values(Command)) {
      const keys = DEFAULT_BINDINGS[cmd].keys.map((k) => `\`${k}\``).join(' ');
      expect(doc, cmd).toContain(`| \`${cmd}\` | ${keys} |`);
    }
  });
});

describe('the first view', () => {
  it("is the domain table, or the view asked for (virt-top's -1, -2, -3)", () => {
    expect(initialState({ sort: 'cpu', reverse: false, intervalSec: 3 }).view).toBe('domains');
    for (const view of ['cpus', 'nics', 'disks'] as const) expect(initialState({ sort: 'cpu', reverse: false, intervalSec: 3, view }).view).toBe(view);
  });
});
