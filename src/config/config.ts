// Settings file: $XDG_CONFIG_HOME/virtop/config.json (default
// ~/.config/virtop/config.json). Reading never fails: a missing file gives
// defaults, a corrupt or partly written one gives warnings naming the file
// and the problem, and whatever fields are good are still used. Writing is
// atomic: a temp file in the same directory, fsync, rename.

import { promises as fsp } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { isSortKey, type SortKey } from '../model/sort.js';
import { checkInterval } from './interval.js';

export interface ConfigFile {
  theme?: string;
  /** ids of the domain-table columns shown, in order */
  columns?: string[];
  sort?: SortKey;
  reverse?: boolean;
  /** refresh interval, seconds */
  interval?: number;
  /** "bytes" or "reqs": what the RD/WR columns show */
  io?: 'bytes' | 'reqs';
  /** key overrides: command name → the keys that trigger it (they replace its default keys) */
  keys?: Record<string, string[]>;
  /** disk latency (ms per request) from which it is marked as slow (warn) and as a stall (crit) */
  latencyMs?: LatencyThresholds;
}

export interface LatencyThresholds {
  warn: number;
  crit: number;
}

/** 20 ms is slow for any SSD-backed or cached disk; 100 ms is what a guest feels as a stall. */
export const DEFAULT_LATENCY_MS: LatencyThresholds = { warn: 20, crit: 100 };

export interface ConfigLoad {
  path: string;
  config: ConfigFile;
  warnings: string[];
  /** false when there was no file */
  found: boolean;
  /** line of each entry of "keys" in the file (1-based), so a problem with one can name it */
  keyLines?: Record<string, number>;
}

/** Line (1-based) of the first `"name":` after the `"keys"` entry, or null. */
export function keyEntryLine(text: string, name: string): number | null {
  const keysAt = text.indexOf('"keys"');
  if (keysAt < 0) return null;
  const at = text.indexOf(`${JSON.stringify(name)}`, keysAt + 6);
  if (at < 0) return null;
  return text.slice(0, at).split('\n').length;
}

/** Where the settings live; env and home are passed in so tests can use a temp dir. */
export function configPath(env: NodeJS.ProcessEnv, home: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, '.config');
  return join(base, 'virtop', 'config.json');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks each field on its own; a bad field is dropped with a warning, the rest is kept. */
export function validateConfig(json: unknown, path: string): { config: ConfigFile; warnings: string[] } {
  const warnings: string[] = [];
  const config: ConfigFile = {};
  const warn = (key: string, msg: string) => warnings.push(`${path}: "${key}" ${msg}; ignored`);
  if (!isObject(json)) {
    warnings.push(`${path}: expected a JSON object; using defaults`);
    return { config, warnings };
  }
  for (const [k, v] of Object.entries(json)) {
    switch (k) {
      case 'theme':
        if (typeof v === 'string' && v.trim() !== '') config.theme = v;
        else warn(k, 'must be a theme name or path');
        break;
      case 'columns':
        if (Array.isArray(v) && v.every((c) => typeof c === 'string')) config.columns = v as string[];
        else warn(k, 'must be a list of column names');
        break;
      case 'sort':
        if (typeof v === 'string' && isSortKey(v)) config.sort = v;
        else warn(k, `is not a sort column (${JSON.stringify(v)})`);
        break;
      case 'reverse':
        if (typeof v === 'boolean') config.reverse = v;
        else warn(k, 'must be true or false');
        break;
      case 'interval': {
        const c = typeof v === 'number' ? checkInterval(v) : null;
        if (c?.ok) config.interval = c.seconds;
        else warn(k, c ? c.reason : 'must be a number of seconds');
        break;
      }
      case 'io':
        if (v === 'bytes' || v === 'reqs') config.io = v;
        else warn(k, 'must be "bytes" or "reqs"');
        break;
      case 'keys':
        if (!isObject(v)) {
          warn(k, 'must map command names to a key or a list of keys, e.g. {"quit": ["q", "x"]}');
          break;
        }
        config.keys = {};
        for (const [cmd, keys] of Object.entries(v)) {
          const list = typeof keys === 'string' ? [keys] : keys;
          if (Array.isArray(list) && list.length > 0 && list.every((x) => typeof x === 'string' && x !== '')) config.keys[cmd] = list as string[];
          else warnings.push(`${path}: "keys.${cmd}" must be a key or a non-empty list of keys; its default keys stay`);
        }
        break;
      case 'latencyMs': {
        const ok = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0 && x <= 600_000;
        if (isObject(v) && ok(v.warn) && ok(v.crit) && v.warn < v.crit && Object.keys(v).every((x) => x === 'warn' || x === 'crit')) {
          config.latencyMs = { warn: v.warn, crit: v.crit };
        } else warn(k, 'must be {"warn": MS, "crit": MS} with 0 < warn < crit (ms per request)');
        break;
      }
      case 'version':
        break;
      default:
        warn(k, 'is not a setting');
    }
  }
  return { config, warnings };
}

export async function loadConfig(path: string): Promise<ConfigLoad> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path, config: {}, warnings: [], found: false };
    return { path, config: {}, warnings: [`${path}: cannot read it (${(e as Error).message}); using defaults`], found: false };
  }
  if (text.trim() === '') return { path, config: {}, warnings: [`${path}: the file is empty; using defaults`], found: true };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { path, config: {}, warnings: [`${path}: not valid JSON (${(e as Error).message}); using defaults`], found: true };
  }
  const { config, warnings } = validateConfig(json, path);
  const keyLines: Record<string, number> = {};
  for (const cmd of Object.keys(config.keys ?? {})) {
    const line = keyEntryLine(text, cmd);
    if (line !== null) keyLines[cmd] = line;
  }
  return { path, config, warnings, found: true, keyLines };
}

/** Writes the settings atomically. Throws an Error whose message names the file. */
export async function saveConfig(path: string, config: ConfigFile): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.config.json.${process.pid}.${Date.now().toString(36)}.tmp`);
  const body = `${JSON.stringify({ version: 1, ...config }, null, 2)}\n`;
  try {
    await fsp.mkdir(dir, { recursive: true, mode: 0o755 });
    const fh = await fsp.open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(body, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, path);
  } catch (e) {
    await fsp.unlink(tmp).catch(() => undefined);
    throw new Error(`cannot write ${path}: ${(e as Error).message}`);
  }
  // Make the rename itself durable; not every file system lets a directory be fsynced.
  try {
    const dh = await fsp.open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    /* best effort */
  }
}

export interface CliSettings {
  delaySec: number;
  sort: SortKey;
  reverse: boolean;
  theme: string | null;
  /** which of these the user typed on the command line */
  explicit: { delay: boolean; sort: boolean; reverse: boolean };
}

export interface Settings {
  intervalSec: number;
  sort: SortKey;
  reverse: boolean;
  /** theme spec to load; null for the default (or NO_COLOR's monochrome) */
  theme: string | null;
  /** true when --theme chose it (errors are then fatal) */
  themeFromCli: boolean;
  columns: string[] | null;
  io: 'bytes' | 'reqs';
  /** the config file's key overrides, and the line of each (for messages) */
  keys: Record<string, string[]>;
  keyLines: Record<string, number>;
  /** disk latency marks; null: the built-in DEFAULT_LATENCY_MS */
  latencyMs: LatencyThresholds | null;
}

/** Command-line options win over the file; the file wins over built-in defaults. */
export function mergeSettings(cli: CliSettings, file: ConfigFile, keyLines: Record<string, number> = {}): Settings {
  return {
    intervalSec: cli.explicit.delay ? cli.delaySec : (file.interval ?? cli.delaySec),
    sort: cli.explicit.sort ? cli.sort : (file.sort ?? cli.sort),
    reverse: cli.explicit.reverse ? cli.reverse : (file.reverse ?? cli.reverse),
    theme: cli.theme ?? file.theme ?? null,
    themeFromCli: cli.theme !== null,
    columns: file.columns ?? null,
    io: file.io ?? 'bytes',
    keys: file.keys ?? {},
    keyLines,
    latencyMs: file.latencyMs ?? null,
  };
}
