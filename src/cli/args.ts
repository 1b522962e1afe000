// Command line → Options. All validation lives here so bad input gets one
// clear line and exit code 2 before anything connects to libvirt.

import { ArgvError, formatHelp, parseArgv, type ArgSpec } from './argv.js';
import { isSortKey, SORT_KEYS } from '../model/sort.js';
import { checkInterval } from '../config/interval.js';
import { readHostsFile } from './hosts-file.js';
import type { ListenAddress } from '../export/address.js';
import { isLibvirtUri } from '../util/uri.js';
import { parseByteSize } from './quantities.js';
import { parseDurationSec } from '../util/units.js';
import type { Options } from '../app/options.js';

export class UsageError extends Error {
  readonly exitCode = 2;
}

export type ParseOutcome =
  | { kind: 'run'; options: Options }
  | { kind: 'exit'; code: number; output: string }
  /** --version: the report needs the addon, so the app writes it */
  | { kind: 'version' };

export const DEFAULT_URI = 'qemu:///system';

/** One option of the command line, as --help, the man page and the shell completion all show it. */
export interface OptionSpec extends ArgSpec {
  /** what its value names, for the man page and completion: a file, a URI, a choice */
  value?: { kind: 'file' | 'uri' | 'choice' | 'text'; label: string; choices?: readonly string[] };
}

/** Every option: the one source for parsing, --help, virtop(1) and the bash completion (scripts/manpage.mjs). */
export const OPTIONS: readonly OptionSpec[] = [
  { name: 'hosts', type: 'string', description: 'read host URIs from FILE, one per line (# comments); adds to -c', value: { kind: 'file', label: 'FILE' } },
  {
    name: 'connect',
    alias: 'c',
    type: 'string',
    array: true,
    description: 'libvirt URI to watch (repeatable: several hosts at once)',
    defaultDescription: DEFAULT_URI,
    value: { kind: 'uri', label: 'URI' },
  },
  { name: 'delay', alias: 'd', type: 'string', description: 'refresh interval in seconds (fractions allowed)', defaultDescription: '2', value: { kind: 'text', label: 'SECONDS' } },
  { name: 'iterations', alias: 'n', type: 'string', description: 'stop after N ticks', value: { kind: 'text', label: 'N' } },
  { name: 'batch', alias: 'b', type: 'boolean', description: 'batch mode: print frames to stdout, no TUI', default: false },
  { name: 'csv', type: 'string', description: 'write CSV rows to FILE ("-" for stdout); implies --batch', value: { kind: 'file', label: 'FILE' } },
  { name: 'json', type: 'boolean', description: 'NDJSON to stdout, one object per tick; implies --batch', default: false },
  { name: 'demo', type: 'boolean', description: 'watch the built-in demo host (libvirt test driver)', default: false },
  { name: 'readonly', type: 'boolean', description: 'disable every action', default: false },
  {
    name: 'sort',
    type: 'string',
    description: `sort column: ${Object.keys(SORT_KEYS).join(', ')}`,
    defaultDescription: 'cpu',
    value: { kind: 'choice', label: 'COLUMN', choices: Object.keys(SORT_KEYS) },
  },
  { name: 'reverse', type: 'boolean', description: 'reverse the sort order', defaultDescription: 'false' },
  {
    name: 'theme',
    type: 'string',
    description: 'colour theme: default, light, high-contrast, monochrome, or the path of a theme file',
    defaultDescription: 'default (monochrome when NO_COLOR is set)',
    value: { kind: 'file', label: 'NAME|FILE', choices: ['default', 'light', 'high-contrast', 'monochrome'] },
  },
  { name: 'history', type: 'string', description: 'samples of history kept per metric', default: '600', value: { kind: 'text', label: 'N' } },
  {
    name: 'prometheus',
    type: 'string',
    description: 'run headless, serving Prometheus metrics on [ADDR]:PORT at /metrics',
    defaultDescription: '127.0.0.1:9177 when given without a value',
    value: { kind: 'text', label: '[ADDR]:PORT' },
  },
  {
    name: 'web.config.file',
    type: 'string',
    description: 'with --prometheus: TLS and basic auth from FILE (the web config format Prometheus exporters share)',
    value: { kind: 'file', label: 'FILE' },
  },
  {
    name: 'metadata-labels',
    type: 'boolean',
    description: 'with --prometheus: put name (OpenStack instance or title), flavor and project_name labels on every domain series',
  },
  { name: 'record', type: 'string', description: 'record every tick to FILE (gzip NDJSON) while monitoring', value: { kind: 'file', label: 'FILE' } },
  {
    name: 'record-max-size',
    type: 'string',
    description: 'with --record: start a new file past SIZE (e.g. 500M, 2G); the full one becomes FILE.1',
    value: { kind: 'text', label: 'SIZE' },
  },
  { name: 'record-max-age', type: 'string', description: 'with --record: start a new file after DURATION (e.g. 30m, 6h, 1d)', value: { kind: 'text', label: 'DURATION' } },
  { name: 'record-keep', type: 'string', description: 'with a cap: older files kept (FILE.1 … FILE.N)', defaultDescription: '5', value: { kind: 'text', label: 'N' } },
  { name: 'replay', type: 'string', description: 'play back a recording made with --record (TUI, or -b/--json/--csv)', value: { kind: 'file', label: 'FILE' } },
  {
    name: 'virt-top-compat',
    type: 'boolean',
    description: "first on the line: read the rest as virt-top's command line, its ~/.virt-toprc, CSV and stream layouts (as when started through a link named virt-top; virt-top --help lists them)",
  },
  { name: 'version', alias: 'V', type: 'boolean', description: 'print the version, git revision, libvirt loaded at run time and where the addon comes from' },
  { name: 'help', alias: 'h', type: 'boolean', description: 'show this help' },
];

const HELP_HEAD = 'virtop [options]\n\nLive monitor and quick-ops console for libvirt/KVM hosts.';

/** --help's text, as wide as the terminal (80 columns when not one). */
export function helpText(columns = process.stdout.columns || 80): string {
  return formatHelp(HELP_HEAD, OPTIONS, columns);
}

function positiveInt(name: string, raw: string): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`${name} must be a positive whole number, got '${raw}'`);
  }
  return Number(raw);
}

export function validateUri(uri: string): string {
  if (uri.trim() === '') throw new UsageError('--connect needs a libvirt URI, e.g. qemu:///system');
  if (!isLibvirtUri(uri)) {
    throw new UsageError(`'${uri}' is not a libvirt URI (expected e.g. qemu:///system or qemu+ssh://host/system)`);
  }
  return uri;
}

export async function parseArgs(rawArgv: string[]): Promise<ParseOutcome> {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseArgv(rawArgv, OPTIONS);
  } catch (e) {
    if (e instanceof ArgvError) throw new UsageError(e.message);
    throw e;
  }
  if (parsed.help) return { kind: 'exit', code: 0, output: helpText() };
  // main() switches to virt-top's command line when it comes first; anywhere else it would be ignored
  if (parsed['virt-top-compat']) throw new UsageError("--virt-top-compat must come first: the words after it are read as virt-top's options");
  if (parsed.version) return { kind: 'version' };

  const delayRaw = parsed.delay === undefined ? '2' : String(parsed.delay);
  const delay = checkInterval(delayRaw);
  if (!delay.ok) throw new UsageError(`--delay ${delay.reason}, got '${delayRaw}'`);
  const delaySec = delay.seconds;

  const iterations = parsed.iterations === undefined ? null : positiveInt('--iterations', String(parsed.iterations));
  const historySize = positiveInt('--history', String(parsed.history));
  if (historySize > 100_000) throw new UsageError(`--history is at most 100000 samples, got ${historySize}`);

  const sort = parsed.sort === undefined ? 'cpu' : String(parsed.sort);
  if (!isSortKey(sort)) throw new UsageError(`unknown sort column '${sort}' (one of: ${Object.keys(SORT_KEYS).join(', ')})`);

  const demo = Boolean(parsed.demo);
  const connectRaw = (parsed.connect as string[] | undefined) ?? [];
  const connect = connectRaw.map(validateUri);
  if (parsed.hosts !== undefined) {
    const file = await readHostsFile(String(parsed.hosts));
    if (!file.ok) throw new UsageError(file.error);
    connect.push(...file.uris);
  }
  if (demo && connect.length > 0) throw new UsageError('--demo watches the built-in demo host; drop --connect or --demo');

  const csv = parsed.csv === undefined ? null : String(parsed.csv);
  if (csv !== null && csv.trim() === '') throw new UsageError('--csv needs a file name, or - for stdout');
  const json = Boolean(parsed.json);
  if (json && csv === '-') throw new UsageError('--json and --csv - both write to stdout; send the CSV to a file');

  const modes = await exportModes(parsed, { batch: Boolean(parsed.batch) || json || csv !== null, demo, connect: connect.length > 0 });

  const theme = parsed.theme === undefined ? null : String(parsed.theme);
  if (theme !== null && theme.trim() === '') throw new UsageError('--theme needs a theme name or the path of a theme file');

  return {
    kind: 'run',
    options: {
      connect: connect.length ? [...new Set(connect)] : demo ? [] : [DEFAULT_URI],
      delaySec,
      iterations,
      batch: Boolean(parsed.batch) || json || csv !== null,
      csv,
      json,
      demo,
      // A replay shows the past: acting on today's guests from it would be a mistake.
      readonly: Boolean(parsed.readonly) || modes.replay !== null,
      sort,
      reverse: Boolean(parsed.reverse),
      historySize,
      theme,
      ...modes,
      explicit: { delay: parsed.delay !== undefined, sort: parsed.sort !== undefined, reverse: parsed.reverse !== undefined },
    },
  };
}

/** --prometheus, --record and --replay, and what they cannot be combined with. */
async function exportModes(
  parsed: Record<string, unknown>,
  ctx: { batch: boolean; demo: boolean; connect: boolean },
): Promise<Pick<Options, 'prometheus' | 'record' | 'recordCap' | 'replay' | 'webConfigFile' | 'metadataLabels'>> {
  const fileArg = (name: string): string | null => {
    const v = parsed[name];
    if (v === undefined) return null;
    if (Array.isArray(v)) throw new UsageError(`--${name} can be given only once`);
    const s = String(v);
    if (s.trim() === '') throw new UsageError(`--${name} needs a file name`);
    if (s === '-') throw new UsageError(`--${name} needs a file name (a recording is not written to or read from a pipe)`);
    return s;
  };
  const record = fileArg('record');
  const replay = fileArg('replay');
  const webRaw = parsed['web.config.file'];
  if (Array.isArray(webRaw)) throw new UsageError('--web.config.file can be given only once');
  const webConfigFile = webRaw === undefined ? null : String(webRaw);
  if (webConfigFile !== null && webConfigFile.trim() === '') throw new UsageError('--web.config.file needs a file name');
  if (webConfigFile !== null && parsed.prometheus === undefined) throw new UsageError('--web.config.file configures the exporter; add --prometheus');
  const metadataLabels = Boolean(parsed['metadata-labels']);
  if (metadataLabels && parsed.prometheus === undefined) throw new UsageError('--metadata-labels labels the exporter\'s series; add --prometheus');

  let prometheus: ListenAddress | null = null;
  if (parsed.prometheus !== undefined) {
    if (Array.isArray(parsed.prometheus)) throw new UsageError('--prometheus can be given only once');
    // Loaded only for the exporter: it brings node:net.
    const { AddressError, parseListenAddress } = await import('../export/address.js');
    try {
      prometheus = parseListenAddress(String(parsed.prometheus));
    } catch (e) {
      if (e instanceof AddressError) throw new UsageError(e.message);
      throw e;
    }
    if (ctx.batch) throw new UsageError('--prometheus runs without output of its own; drop -b, --json and --csv');
    if (parsed.iterations !== undefined) throw new UsageError('--prometheus serves until stopped; drop --iterations');
  }

  if (replay !== null) {
    if (record !== null) throw new UsageError('--replay and --record cannot be combined (the recording is already on disk)');
    if (prometheus !== null) throw new UsageError('--prometheus serves live hosts; it cannot serve a --replay');
    if (ctx.demo || ctx.connect) throw new UsageError('--replay plays a recording; drop --connect and --demo');
    if (parsed.delay !== undefined) throw new UsageError('--replay keeps the recorded pace; drop --delay');
  }
  return { prometheus, record, recordCap: recordCap(parsed, record !== null), replay, webConfigFile, metadataLabels };
}

/** Closed recording files kept beside the current one when no --record-keep is given. */
export const DEFAULT_RECORD_KEEP = 5;

/** Files closed once each gets too big or too old, and how many old ones stay; null: one file, no cap. */
function recordCap(parsed: Record<string, unknown>, recording: boolean): Options['recordCap'] {
  const one = (name: string): string | null => {
    const v = parsed[name];
    if (v === undefined) return null;
    if (Array.isArray(v)) throw new UsageError(`--${name} can be given only once`);
    if (!recording) throw new UsageError(`--${name} caps a recording; add --record FILE`);
    return String(v);
  };
  const sizeRaw = one('record-max-size');
  const ageRaw = one('record-max-age');
  const keepRaw = one('record-keep');
  if (sizeRaw === null && ageRaw === null) {
    if (keepRaw !== null) throw new UsageError('--record-keep needs --record-max-size or --record-max-age (without a cap there is one file)');
    return null;
  }
  let maxBytes: number | null = null;
  if (sizeRaw !== null) {
    maxBytes = parseByteSize(sizeRaw);
    if (maxBytes === null) throw new UsageError(`--record-max-size must be a size such as 500M or 2G, got '${sizeRaw}'`);
    // below this a file would hold only its header and a record or two
    if (maxBytes < 64 * 1024) throw new UsageError(`--record-max-size must be at least 64K, got '${sizeRaw}'`);
  }
  let maxAgeSec: number | null = null;
  if (ageRaw !== null) {
    maxAgeSec = parseDurationSec(ageRaw);
    if (maxAgeSec === null) throw new UsageError(`--record-max-age must be a duration such as 30m, 6h or 1d, got '${ageRaw}'`);
    if (maxAgeSec < 60) throw new UsageError(`--record-max-age must be at least 1m, got '${ageRaw}'`);
  }
  const keep = keepRaw === null ? DEFAULT_RECORD_KEEP : positiveInt('--record-keep', keepRaw);
  return { maxBytes, maxAgeSec, keep };
}
