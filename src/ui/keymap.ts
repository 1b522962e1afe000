// Commands and the keys that trigger them. The table is data: the config
// file's "keys" section overrides it (buildKeymap(overrides)). Keys are
// written as blessed names them ("up", "pagedown", "enter", "escape", "f1",
// "C-c") or as the character typed ("M", "/", "<", "space").

export enum Command {
  Quit = 'quit',
  Help = 'help',
  Up = 'up',
  Down = 'down',
  PageUp = 'page-up',
  PageDown = 'page-down',
  Home = 'home',
  End = 'end',
  ToggleDetail = 'toggle-detail',
  Back = 'back',
  ViewDomains = 'view-domains',
  ViewCpus = 'view-cpus',
  ViewNics = 'view-nics',
  ViewDisks = 'view-disks',
  SortCpu = 'sort-cpu',
  SortMem = 'sort-mem',
  SortTime = 'sort-time',
  SortName = 'sort-name',
  SortBlock = 'sort-block',
  SortNet = 'sort-net',
  SortPrev = 'sort-prev',
  SortNext = 'sort-next',
  ReverseSort = 'reverse-sort',
  Filter = 'filter',
  ChooseColumns = 'choose-columns',
  SetInterval = 'set-interval',
  TogglePause = 'toggle-pause',
  ToggleIoUnit = 'toggle-io-unit',
  WriteConfig = 'write-config',
  Redraw = 'redraw',
  RefreshInventory = 'refresh-inventory',
  DomainStart = 'domain-start',
  DomainShutdown = 'domain-shutdown',
  DomainReboot = 'domain-reboot',
  DomainForceOff = 'domain-force-off',
  DomainPauseResume = 'domain-pause-resume',
  DomainBalloon = 'domain-balloon',
  DomainVcpus = 'domain-vcpus',
  DomainMemStats = 'domain-mem-stats',
  DomainAutostart = 'domain-autostart',
  ShowXml = 'show-xml',
  ToggleTag = 'toggle-tag',
  TagFiltered = 'tag-filtered',
  UntagAll = 'untag-all',
  GroupByHost = 'group-by-host',
  ViewHosts = 'view-hosts',
  ViewLog = 'view-log',
  ViewNoisy = 'view-noisy',
  ViewStorage = 'view-storage',
  ViewNetworks = 'view-networks',
  ToggleIrix = 'toggle-irix',
  ToggleDisplayNames = 'toggle-display-names',
  ToggleCapacity = 'toggle-capacity',
  RewindBack = 'rewind-back',
  RewindForward = 'rewind-forward',
  ReplayStepBack = 'replay-step-back',
  ReplayStepForward = 'replay-step-forward',
  ReplayFaster = 'replay-faster',
  ReplaySlower = 'replay-slower',
  ReplaySpeedCycle = 'replay-speed',
  ReplayJump = 'replay-jump',
}

export interface CommandInfo {
  keys: string[];
  help: string;
  section: 'Move' | 'Views' | 'Sort' | 'Show' | 'Refresh' | 'Act' | 'Other';
}

export const DEFAULT_BINDINGS: Record<Command, CommandInfo> = {
  [Command.Up]: { keys: ['up', 'k'], help: 'select the row above', section: 'Move' },
  [Command.Down]: { keys: ['down', 'j'], help: 'select the row below', section: 'Move' },
  [Command.PageUp]: { keys: ['pageup', 'C-b'], help: 'one page up', section: 'Move' },
  [Command.PageDown]: { keys: ['pagedown', 'C-f'], help: 'one page down', section: 'Move' },
  [Command.Home]: { keys: ['home', 'g'], help: 'first row', section: 'Move' },
  [Command.End]: { keys: ['end', 'G'], help: 'last row; when rewound (←), back to live', section: 'Move' },
  [Command.ToggleDetail]: { keys: ['enter', 'tab'], help: 'open or close the detail pane of the selected domain; in views 5 and 6, a pool’s volumes or a network’s leases', section: 'Views' },
  [Command.ViewDomains]: { keys: ['0'], help: 'domains (the main table)', section: 'Views' },
  [Command.ViewCpus]: { keys: ['1'], help: 'physical CPUs and the vCPUs that last ran on them', section: 'Views' },
  [Command.ViewNics]: { keys: ['2'], help: 'all network interfaces', section: 'Views' },
  [Command.ViewDisks]: { keys: ['3'], help: 'all block devices', section: 'Views' },
  [Command.Back]: { keys: ['escape'], help: 'close a window, go back to domains, clear the filter', section: 'Views' },
  [Command.SortCpu]: { keys: ['P'], help: 'sort by %CPU', section: 'Sort' },
  [Command.SortMem]: { keys: ['M'], help: 'sort by %MEM', section: 'Sort' },
  [Command.SortTime]: { keys: ['T'], help: 'sort by CPU time', section: 'Sort' },
  [Command.SortName]: { keys: ['N'], help: 'sort by name', section: 'Sort' },
  [Command.SortBlock]: { keys: ['B'], help: 'sort by block I/O (read + write)', section: 'Sort' },
  [Command.SortNet]: { keys: ['I'], help: 'sort by network I/O (rx + tx)', section: 'Sort' },
  [Command.SortPrev]: { keys: ['<'], help: 'sort by the column to the left', section: 'Sort' },
  [Command.SortNext]: { keys: ['>'], help: 'sort by the column to the right', section: 'Sort' },
  [Command.ReverseSort]: { keys: ['r'], help: 'reverse the sort order', section: 'Sort' },
  [Command.Filter]: { keys: ['/'], help: 'filter on name, state or host (Enter keeps, Esc clears)', section: 'Show' },
  [Command.ChooseColumns]: { keys: ['f'], help: 'choose the columns shown', section: 'Show' },
  [Command.ToggleIoUnit]: { keys: ['i'], help: 'RD/WR columns: bytes/s or requests/s', section: 'Show' },
  [Command.SetInterval]: { keys: ['d'], help: 'set the refresh interval (seconds, 0.1 to 86400)', section: 'Refresh' },
  [Command.TogglePause]: { keys: ['Z'], help: 'pause or resume refreshing (freeze the screen); in a replay, playback', section: 'Refresh' },
  [Command.ToggleTag]: { keys: ['space'], help: 'tag or untag the selected domain (actions then apply to every tagged one)', section: 'Act' },
  [Command.TagFiltered]: { keys: ['t'], help: 'tag every domain shown (all matching the filter)', section: 'Act' },
  [Command.UntagAll]: { keys: ['u'], help: 'untag all', section: 'Act' },
  [Command.GroupByHost]: { keys: ['='], help: 'group the table by host, or mix all hosts', section: 'Show' },
  [Command.ViewHosts]: { keys: ['H'], help: 'hosts: CPU, memory, domains, overcommit, connection, tick latency', section: 'Views' },
  [Command.ViewNoisy]: { keys: ['4'], help: 'noisy neighbours: domains by steal suffered and contention caused, with sparklines', section: 'Views' },
  [Command.ViewStorage]: { keys: ['5'], help: 'storage pools and their volumes: used, overcommit, growth, time to full, who uses each volume', section: 'Views' },
  [Command.ViewNetworks]: { keys: ['6'], help: 'libvirt networks and their DHCP leases: forward mode, bridge, leases used of the range, guests', section: 'Views' },
  [Command.ToggleCapacity]: { keys: ['c'], help: 'capacity: overcommit, memory committed, KSM, hugepages, NUMA, pressure, headroom', section: 'Views' },
  [Command.ToggleDisplayNames]: { keys: ['n'], help: 'NAME shows libvirt names, or the names people know (OpenStack instance name, else the <title>)', section: 'Show' },
  [Command.ToggleIrix]: { keys: ['%'], help: 'host CPU figures: 100 % = whole host, or = one core (Irix mode)', section: 'Show' },
  [Command.ViewLog]: { keys: ['L'], help: 'action log: what was done, where, and what libvirt said', section: 'Views' },
  [Command.RewindBack]: { keys: ['left', '['], help: 'rewind: move the cursor back through the history in the detail charts (End: live)', section: 'Refresh' },
  [Command.RewindForward]: { keys: ['right', ']'], help: 'rewind: move the cursor forward (to the newest: live again)', section: 'Refresh' },
  [Command.ReplayStepBack]: { keys: [','], help: 'replay: pause and step back one tick', section: 'Refresh' },
  [Command.ReplayStepForward]: { keys: ['.'], help: 'replay: pause and step forward one tick', section: 'Refresh' },
  [Command.ReplayFaster]: { keys: ['+'], help: 'replay: faster (x1, x10, x60)', section: 'Refresh' },
  [Command.ReplaySlower]: { keys: ['-'], help: 'replay: slower (x60, x10, x1)', section: 'Refresh' },
  [Command.ReplaySpeedCycle]: { keys: ['x'], help: 'replay: next speed (x1, x10, x60)', section: 'Refresh' },
  [Command.ReplayJump]: { keys: ['J'], help: 'replay: jump to a time (HH:MM[:SS], or +5m / -30s)', section: 'Refresh' },
  [Command.Redraw]: { keys: ['C-l'], help: 'redraw the whole screen', section: 'Refresh' },
  [Command.RefreshInventory]: { keys: ['C-r'], help: 'read storage pools, volumes, networks and leases again now (otherwise every 30 s)', section: 'Refresh' },
  [Command.DomainStart]: { keys: ['s'], help: 'start the selected (shut off) domain', section: 'Act' },
  [Command.DomainShutdown]: { keys: ['S'], help: 'shut down gracefully (ACPI); asks first', section: 'Act' },
  [Command.DomainReboot]: { keys: ['R'], help: 'reboot; asks first', section: 'Act' },
  [Command.DomainForceOff]: { keys: ['F'], help: 'force off (pull the plug); asks first', section: 'Act' },
  [Command.DomainPauseResume]: { keys: ['p'], help: 'pause a running domain, resume a paused one', section: 'Act' },
  [Command.DomainBalloon]: { keys: ['b'], help: 'balloon memory live: 768M, 1.5G, +256M, -10% (Tab: also save to config)', section: 'Act' },
  [Command.DomainVcpus]: { keys: ['v'], help: 'set vCPUs live: 4, +1, -1 (Tab: also save to config)', section: 'Act' },
  [Command.DomainMemStats]: { keys: ['m'], help: 'enable guest memory stats (balloon stats period 2 s)', section: 'Act' },
  [Command.ShowXml]: { keys: ['X'], help: 'the selected domain’s XML: scroll, / search, i inactive definition, w write a backup', section: 'Views' },
  [Command.DomainAutostart]: { keys: ['a'], help: 'toggle autostart: start with the host, or not (asks before turning it off)', section: 'Act' },
  [Command.WriteConfig]: { keys: ['W'], help: 'write the current settings to the config file', section: 'Other' },
  [Command.Help]: { keys: ['?', 'h', 'f1'], help: 'this help', section: 'Other' },
  [Command.Quit]: { keys: ['q', 'f10', 'C-c'], help: 'quit', section: 'Other' },
};

export type Keymap = ReadonlyMap<string, Command>;

const NAMED_KEYS = new Set(['up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'enter', 'tab', 'escape', 'space', 'backspace', 'delete', 'insert']);

/** Whether `key` is a key name the screen can report (see normalizeKey). */
export function isKeyName(key: string): boolean {
  if (NAMED_KEYS.has(key)) return true;
  if (/^f([1-9]|1[0-2])$/.test(key)) return true;
  if (/^[CM]-[a-z0-9]$/.test(key)) return true;
  // one printable character, as typed (case matters: M is not m)
  return [...key].length === 1 && key >= ' ' && key !== '\x7f' && key !== ' ';
}

const COMMANDS = new Set<string>(Object.values(Command));

/**
 * Key → command, from the defaults plus the user's overrides (command name
 * → keys, which replace that command's default keys). An override naming an
 * unknown command or key, or taking a key another command keeps, is dropped
 * with a problem naming it, and that command keeps its default keys: a bad
 * line in the config never leaves a command without a key.
 */
export function buildKeymap(overrides: Readonly<Record<string, readonly string[]>> = {}): {
  keymap: Keymap;
  problems: { command: string; message: string }[];
} {
  const problems: { command: string; message: string }[] = [];
  const chosen = new Map<Command, readonly string[]>();
  for (const [name, keys] of Object.entries(overrides)) {
    if (!COMMANDS.has(name)) {
      problems.push({ command: name, message: `'${name}' is not a command (the commands are listed in docs/tui.md)` });
      continue;
    }
    const bad = keys.filter((k) => !isKeyName(k));
    if (bad.length) {
      problems.push({ command: name, message: `${bad.map((k) => `'${k}'`).join(', ')} ${bad.length > 1 ? 'are not key names' : 'is not a key name'} (e.g. x, X, C-x, f5, pagedown); ${name} keeps its default keys` });
      continue;
    }
    chosen.set(name as Command, keys);
  }
  // An override whose key another command keeps is dropped; dropping it can
  // give a default key back that clashes with another override, so repeat.
  for (;;) {
    const owner = new Map<string, Command>();
    let clash: { cmd: Command; key: string; other: Command } | null = null;
    for (const cmd of Object.values(Command)) {
      for (const key of chosen.get(cmd) ?? DEFAULT_BINDINGS[cmd].keys) {
        const other = owner.get(key);
        if (other === undefined) owner.set(key, cmd);
        else if (other !== cmd) {
          // blame the override: of two overrides, the later command in the table
          clash = chosen.has(cmd) ? { cmd, key, other } : { cmd: other, key, other: cmd };
          break;
        }
      }
      if (clash) break;
    }
    if (!clash) return { keymap: owner, problems };
    problems.push({
      command: clash.cmd,
      message: `'${clash.key}' is already ${clash.other}'s key; ${clash.cmd} keeps its default keys (${DEFAULT_BINDINGS[clash.cmd].keys.join(', ')})`,
    });
    chosen.delete(clash.cmd);
  }
}

export function keysFor(cmd: Command, keymap: Keymap): string[] {
  const out: string[] = [];
  for (const [k, c] of keymap) if (c === cmd) out.push(k);
  return out;
}

/** Display form of a key name: "up" → "↑", "C-c" → "Ctrl-C", "f1" → "F1". */
export function keyLabel(key: string): string {
  const named: Record<string, string> = {
    up: '↑',
    down: '↓',
    left: '←',
    right: '→',
    pageup: 'PgUp',
    pagedown: 'PgDn',
    home: 'Home',
    end: 'End',
    enter: 'Enter',
    tab: 'Tab',
    escape: 'Esc',
    space: 'Space',
  };
  if (named[key]) return named[key];
  if (/^f\d+$/.test(key)) return key.toUpperCase();
  if (/^C-.$/.test(key)) return `Ctrl-${key.slice(2).toUpperCase()}`;
  return key;
}

/** What blessed reports for a keypress, reduced to one name. */
export function normalizeKey(ch: string | undefined, key: { name?: string; full?: string; ctrl?: boolean; meta?: boolean; shift?: boolean } | undefined): string | null {
  const name = key?.name;
  // blessed reports Enter twice: as "enter" and then as "return"; keep one.
  if (name === 'return') return null;
  if (name === 'enter') return 'enter';
  if (name === 'space' && !key?.meta) return 'space';
  if (ch && ch.length === 1 && ch >= ' ' && ch !== '\x7f' && !key?.ctrl && !key?.meta) return ch;
  if (ch && [...ch].length === 1 && ch.charCodeAt(0) >= 0xa0 && !key?.ctrl && !key?.meta) return ch;
  if (key?.full) return key.full;
  return name ?? null;
}
