// virt-top's command line, with virt-top's meaning (virtop --virt-top-compat,
// or virtop started under the name virt-top): its options, its ~/.virt-toprc
// keys, and one line for each one virtop does not do the same way. The
// result is ordinary Options plus what only this mode has (virt-top's CSV
// and stream layouts, --end-time). Arguments only: the files are read
// through `io`.

import { join } from 'node:path';
import type { Options, StartView, VirtTopMode } from '../app/options.js';
import { checkInterval } from '../config/interval.js';
import { parseVirtTopRc } from '../config/virt-toprc.js';
import type { SortKey } from '../model/sort.js';
import { DEFAULT_URI, UsageError, validateUri } from './args.js';
import { optionTable } from './argv.js';

export const COMPAT_FLAG = '--virt-top-compat';

/** virt-top's -o names and the virtop sort keys that order the same way. */
export const VIRT_TOP_SORT: Readonly<Record<string, SortKey>> = {
  cpu: 'cpu',
  mem: 'mem',
  time: 'time',
  id: 'id',
  name: 'name',
  netrx: 'netrx',
  nettx: 'nettx',
  blockrdrq: 'blockrdrq',
  blockwrrq: 'blockwrrq',
};

const DISPLAYS: Readonly<Record<string, StartView>> = { task: 'domains', pcpu: 'cpus', net: 'nics', block: 'disks' };

export interface VirtTopIo {
  /** the file's text, or null when it cannot be read (virt-top ignores a missing init file) */
  readFile(path: string): string | null;
  home: string | null;
  env: NodeJS.ProcessEnv;
  now: Date;
}

export type VirtTopOutcome =
  | { kind: 'run'; options: Options; notices: string[] }
  | { kind: 'exit'; code: number; output: string }
  | { kind: 'version' };

/** What the command line and the init file set; undefined: not set. */
interface Settings {
  delaySec?: number;
  iterations?: number;
  batch?: boolean;
  secure?: boolean;
  script?: boolean;
  stream?: boolean;
  csv?: string;
  csvCpu?: boolean;
  csvMem?: boolean;
  csvBlock?: boolean;
  csvNet?: boolean;
  blockInBytes?: boolean;
  sort?: SortKey;
  view?: StartView;
  endTimeMs?: number;
  histCpu?: number;
  connect?: string;
  debug?: string;
  initFile?: string | null;
}

interface OptSpec {
  names: string[];
  /** the value's name in --help; absent: a flag */
  value?: string;
  help: string;
  set(s: Settings, value: string, ctx: { now: Date; where: string }): void;
}

const OPTS: readonly OptSpec[] = [
  { names: ['-1'], help: 'start on the physical CPUs view', set: (s) => void (s.view = 'cpus') },
  { names: ['-2'], help: 'start on the network interfaces view', set: (s) => void (s.view = 'nics') },
  { names: ['-3'], help: 'start on the block devices view', set: (s) => void (s.view = 'disks') },
  { names: ['-b'], help: 'batch mode: text frames on stdout, no screen', set: (s) => void (s.batch = true) },
  { names: ['-c', '--connect'], value: 'uri', help: 'connect to libvirt URI', set: (s, v) => void (s.connect = v) },
  { names: ['--csv'], value: 'file', help: "log statistics to FILE in virt-top's CSV layout", set: (s, v) => void (s.csv = v) },
  { names: ['--no-csv-cpu'], help: 'no CPU columns in the CSV', set: (s) => void (s.csvCpu = false) },
  { names: ['--no-csv-mem'], help: 'no memory columns in the CSV', set: (s) => void (s.csvMem = false) },
  { names: ['--no-csv-block'], help: 'no block device columns in the CSV', set: (s) => void (s.csvBlock = false) },
  { names: ['--no-csv-net'], help: 'no network columns in the CSV', set: (s) => void (s.csvNet = false) },
  { names: ['-d'], value: 'delay', help: 'delay between refreshes (seconds)', set: (s, v, c) => void (s.delaySec = delayOf(v, c.where)) },
  { names: ['--debug'], value: 'file', help: 'not done here: virtop keeps libvirt’s messages in its own log', set: (s, v) => void (s.debug = v) },
  { names: ['--end-time'], value: 'time', help: 'exit at TIME: HH:MM:SS, YYYY-MM-DD HH:MM:SS, +SECS or +HH:MM:SS', set: (s, v, c) => void (s.endTimeMs = endTimeOf(v, c.now, c.where)) },
  { names: ['--hist-cpu'], value: 'secs', help: 'not done here: virtop’s CPU view has no historical average', set: (s, v, c) => void (s.histCpu = intOf(v, c.where)) },
  { names: ['--init-file'], value: 'file', help: 'read FILE instead of ~/.virt-toprc', set: (s, v) => void (s.initFile = v) },
  { names: ['--no-init-file'], help: 'read no init file', set: (s) => void (s.initFile = null) },
  { names: ['-n'], value: 'iterations', help: 'stop after N refreshes (negative: never)', set: (s, v, c) => void (s.iterations = intOf(v, c.where)) },
  { names: ['-o'], value: 'sort', help: `sort order: ${Object.keys(VIRT_TOP_SORT).join('|')}`, set: (s, v, c) => void (s.sort = sortOf(v, c.where)) },
  { names: ['-s'], help: 'secure mode: no actions', set: (s) => void (s.secure = true) },
  { names: ['--script'], help: 'no user interface: only what --csv and --stream write', set: (s) => void (s.script = true) },
  { names: ['--stream'], help: "one text block per refresh on stdout, in virt-top's layout", set: (s) => void (s.stream = true) },
  { names: ['--block-in-bytes'], help: 'block figures in bytes rather than requests', set: (s) => void (s.blockInBytes = true) },
];

function intOf(v: string, where: string): number {
  if (!/^[+-]?\d+$/.test(v.trim())) throw new UsageError(`${where}: expecting an integer, got '${v}'`);
  return Number(v);
}

function delayOf(v: string, where: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${where}: expecting a number of seconds, got '${v}'`);
  if (n <= 0) throw new UsageError(`${where}: cannot set a negative delay`);
  const c = checkInterval(String(n));
  if (!c.ok) throw new UsageError(`${where}: ${c.reason}, got '${v}'`);
  return c.seconds;
}

function sortOf(v: string, where: string): SortKey {
  const k = VIRT_TOP_SORT[v];
  if (!k) throw new UsageError(`${where}: ${v}: sort order should be: ${Object.keys(VIRT_TOP_SORT).join('|')}`);
  return k;
}

function boolOf(v: string, where: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new UsageError(`${where}: could not parse '${v}': expecting true|false`);
}

/**
 * --end-time as virt-top reads it: +SECS or +HH:MM:SS from now, HH:MM:SS
 * today, or YYYY-MM-DD HH:MM:SS, local time. Milliseconds since the epoch.
 */
export function endTimeOf(v: string, now: Date, where: string): number {
  const t = v.trim();
  const hms = (s: string) => {
    const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})$/.exec(s);
    if (!m) return null;
    const [h, mi, se] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return h < 24 && mi < 60 && se < 60 ? { h, mi, se } : null;
  };
  if (t.startsWith('+')) {
    const rest = t.slice(1);
    if (/^\d+$/.test(rest)) return now.getTime() + Number(rest) * 1000;
    const p = /^(\d+):(\d{1,2}):(\d{1,2})$/.exec(rest);
    if (p) return now.getTime() + (Number(p[1]) * 3600 + Number(p[2]) * 60 + Number(p[3])) * 1000;
  } else {
    const day = /^(\d{4})-(\d{1,2})-(\d{1,2})\s+(.+)$/.exec(t);
    const clock = hms(day ? day[4] : t);
    if (clock) {
      const d = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(now.getFullYear(), now.getMonth(), now.getDate());
      if (!day || (d.getMonth() === Number(day[2]) - 1 && d.getDate() === Number(day[3]))) {
        d.setHours(clock.h, clock.mi, clock.se, 0);
        return d.getTime();
      }
    }
  }
  throw new UsageError(`${where}: cannot read '${v}' as a time (HH:MM:SS, YYYY-MM-DD HH:MM:SS, +SECS or +HH:MM:SS)`);
}

/** The init file's keys and what each sets (the command line's options under other names). */
const RC_KEYS: Readonly<Record<string, (s: Settings, v: string, where: string, now: Date) => void>> = {
  display: (s, v, w) => {
    const view = DISPLAYS[v];
    if (!view) throw new UsageError(`${w}: ${v}: display should be task|pcpu|block|net`);
    s.view = view;
  },
  delay: (s, v, w) => void (s.delaySec = delayOf(v, w)),
  'hist-cpu': (s, v, w) => void (s.histCpu = intOf(v, w)),
  iterations: (s, v, w) => void (s.iterations = intOf(v, w)),
  sort: (s, v, w) => void (s.sort = sortOf(v, w)),
  connect: (s, v) => void (s.connect = v),
  debug: (s, v) => void (s.debug = v),
  csv: (s, v) => void (s.csv = v),
  'csv-cpu': (s, v, w) => void (s.csvCpu = boolOf(v, w)),
  'csv-mem': (s, v, w) => void (s.csvMem = boolOf(v, w)),
  'csv-block': (s, v, w) => void (s.csvBlock = boolOf(v, w)),
  'csv-net': (s, v, w) => void (s.csvNet = boolOf(v, w)),
  batch: (s, v, w) => void (s.batch = boolOf(v, w)),
  secure: (s, v, w) => void (s.secure = boolOf(v, w)),
  script: (s, v, w) => void (s.script = boolOf(v, w)),
  stream: (s, v, w) => void (s.stream = boolOf(v, w)),
  'block-in-bytes': (s, v, w) => void (s.blockInBytes = boolOf(v, w)),
  'end-time': (s, v, w, now) => void (s.endTimeMs = endTimeOf(v, now, w)),
  // virt-top's W key writes this; virtop never writes the file, so it means nothing here
  'overwrite-init-file': () => undefined,
};

export function virtTopHelp(columns = 80): string {
  const rows = [
    ...OPTS.map((o) => ({ left: `${o.names.join(', ')}${o.value ? ` ${o.value}` : ''}`, text: o.help })),
    { left: '--version', text: 'print the version' },
    { left: '-h, --help', text: 'this text' },
  ];
  return [
    'virtop in virt-top compatible mode: virt-top\'s options and ~/.virt-toprc, its CSV and --stream layouts.',
    '',
    'usage: virt-top [-options]   (or: virtop --virt-top-compat [-options])',
    '',
    ...optionTable(rows, columns),
    '',
    'Options given on the command line win over the init file.',
  ].join('\n');
}

function splitArgv(argv: readonly string[], now: Date): { s: Settings; help: boolean; version: boolean } {
  const s: Settings = {};
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '-help' || a === '--help') {
      help = true;
      continue;
    }
    if (a === '--version') {
      version = true;
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const spec = OPTS.find((o) => o.names.includes(name));
    if (!spec) throw new UsageError(a.startsWith('-') ? `unknown option '${a}'` : `${a}: unknown parameter`);
    let value = '';
    if (spec.value) {
      if (eq > 0) value = a.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new UsageError(`option '${name}' needs an argument (${spec.value})`);
    } else if (eq > 0) throw new UsageError(`option '${name}' takes no argument`);
    spec.set(s, value, { now, where: name });
  }
  return { s, help, version };
}

function readInitFile(path: string, io: VirtTopIo, s: Settings, notices: string[]): void {
  const text = io.readFile(path);
  if (text === null) return; // virt-top ignores an init file it cannot open
  for (const e of parseVirtTopRc(text)) {
    const where = `${path}:${e.line}`;
    const apply = Object.prototype.hasOwnProperty.call(RC_KEYS, e.key) ? RC_KEYS[e.key] : undefined;
    if (!apply) notices.push(`${where}: configuration item '${e.key}' ignored`);
    else apply(s, e.value, where, io.now);
  }
}

/** virt-top's command line (without the program name or --virt-top-compat) into Options. */
export function parseVirtTopArgs(argv: readonly string[], io: VirtTopIo): VirtTopOutcome {
  const cli = splitArgv(argv, io.now);
  if (cli.help) return { kind: 'exit', code: 0, output: virtTopHelp() };
  if (cli.version) return { kind: 'version' };
  const notices: string[] = [];
  // The init file first, the command line over it.
  const file: Settings = {};
  const initFile = cli.s.initFile === undefined ? (io.home ? join(io.home, '.virt-toprc') : '/.virt-toprc') : cli.s.initFile;
  if (initFile !== null) readInitFile(initFile, io, file, notices);
  const s: Settings = { ...file, ...definedOnly(cli.s) };

  if (s.histCpu !== undefined) notices.push('--hist-cpu is not honoured: virtop\'s CPU view shows each interval, with no historical average');
  if (s.debug !== undefined) notices.push(`--debug is not honoured: libvirt's messages go to virtop's own stderr log, not to ${s.debug}`);
  const script = s.script ?? false;
  const stream = s.stream ?? false;
  if (s.csv !== undefined && s.csv.trim() === '') throw new UsageError('--csv needs a file name');
  if (s.view !== undefined && s.view !== 'domains' && (script || stream || s.batch)) notices.push(`the starting view (${s.view}) applies to the interactive screen only`);

  const uri = s.connect === undefined || s.connect === '' ? (io.env.LIBVIRT_DEFAULT_URI || DEFAULT_URI) : s.connect;
  const iterations = s.iterations === undefined || s.iterations < 0 ? null : s.iterations;
  if (iterations === 0) throw new UsageError('-n 0: nothing to do (a negative count runs until stopped)');
  const mode: VirtTopMode = {
    csv:
      s.csv === undefined
        ? null
        : {
            path: s.csv,
            flags: { cpu: s.csvCpu ?? true, mem: s.csvMem ?? true, block: s.csvBlock ?? true, net: s.csvNet ?? true, blockInBytes: s.blockInBytes ?? false },
          },
    stream,
    script,
    blockInBytes: s.blockInBytes ?? false,
    endTimeMs: s.endTimeMs ?? null,
  };
  const options: Options = {
    connect: [validateUri(uri)],
    delaySec: s.delaySec ?? 3,
    iterations,
    batch: (s.batch ?? false) || script || stream,
    csv: null,
    json: false,
    demo: false,
    readonly: s.secure ?? false,
    sort: s.sort ?? 'cpu',
    reverse: false,
    historySize: 600,
    theme: null,
    prometheus: null,
    webConfigFile: null,
    metadataLabels: false,
    record: null,
    recordCap: null,
    replay: null,
    explicit: { delay: s.delaySec !== undefined, sort: s.sort !== undefined, reverse: false },
    initialView: s.view ?? 'domains',
    virtTop: mode,
  };
  return { kind: 'run', options, notices };
}

function definedOnly(s: Settings): Settings {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as Settings;
}

/** Started as virt-top (a link named so), or asked for with --virt-top-compat. */
export function wantsVirtTopCompat(argv: readonly string[], programNames: readonly (string | undefined)[]): boolean {
  if (argv[0] === COMPAT_FLAG) return true;
  return programNames.some((p) => p !== undefined && /(^|\/)virt-top$/.test(p));
}
