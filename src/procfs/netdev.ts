// Every network interface's counters in one read: /proc/net/dev. libvirt's
// interface stats for a tap device come from this same file (it parses it
// for each call), so one read per tick gives every guest NIC's counters
// exactly, without a round trip to libvirtd. Counters here are the host's
// view of the device; turning them into the guest's is the caller's.

import type { ParseResult } from './parse.js';
import { ok, fail } from './parse.js';
import { KeptOpenFile, type ProcFs } from './fs.js';

/** One interface's counters as the host sees it (field names as libvirt's interface stats). */
export interface NetDevCounters {
  rxBytes: bigint;
  rxPackets: bigint;
  rxErrs: bigint;
  rxDrop: bigint;
  txBytes: bigint;
  txPackets: bigint;
  txErrs: bigint;
  txDrop: bigint;
}

/** receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets errs drop fifo colls carrier compressed */
const FIELDS = 16;
const TX = 8;

/** What one read of /proc/net/dev gives: every interface's name, in the kernel's order, and the counters of those asked for. */
export interface NetDev {
  names: string[];
  counters: Map<string, NetDevCounters>;
}

/**
 * A /proc/net/dev text: every interface's name, and the counters of the
 * `wanted` ones (all when omitted); only those lines are parsed, as a host
 * can have thousands of interfaces of which a tick needs its guests' taps.
 * The two header lines are skipped; a line without "name:", or a wanted
 * line that is not 16 counters, makes the whole text refused, since a
 * misread column would put one guest's bytes on another. Interface names
 * cannot hold ':' (the kernel refuses them), so the first colon ends the name.
 */
export function parseNetDev(text: string, wanted?: ReadonlySet<string>): ParseResult<NetDev> {
  const names: string[] = [];
  const counters = new Map<string, NetDevCounters>();
  const lines = text.split('\n');
  if (lines.length < 2 || !lines[0].includes('|') || !lines[1].includes('|')) return fail('no /proc/net/dev header');
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (name === '') return fail(`line ${i + 1}: no "name:"`);
    names.push(name);
    if (wanted !== undefined && !wanted.has(name)) continue;
    const f = scanCounters(line, colon + 1);
    if (f === null) return fail(`line ${i + 1}: not ${FIELDS} counters for ${JSON.stringify(name)}`);
    counters.set(name, { rxBytes: f[0], rxPackets: f[1], rxErrs: f[2], rxDrop: f[3], txBytes: f[TX], txPackets: f[TX + 1], txErrs: f[TX + 2], txDrop: f[TX + 3] });
  }
  return ok({ names, counters });
}

const SPACE = 0x20;
/** Digits a double holds exactly; longer counters are parsed from their text. */
const EXACT_DIGITS = 15;
const MAX_DIGITS = 20;

/**
 * The 16 counters after "name:", each up to 20 digits between spaces, in
 * one pass; null for anything else. Only the 8 read are made bigints.
 */
function scanCounters(line: string, from: number): bigint[] | null {
  const out: bigint[] = new Array(FIELDS);
  let i = from;
  for (let f = 0; f < FIELDS; f++) {
    while (i < line.length && line.charCodeAt(i) === SPACE) i++;
    const start = i;
    let n = 0;
    for (; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
    }
    const digits = i - start;
    if (digits === 0 || digits > MAX_DIGITS || (i < line.length && line.charCodeAt(i) !== SPACE)) return null;
    if (f % TX < 4) out[f] = digits <= EXACT_DIGITS ? BigInt(n) : BigInt(line.slice(start, i));
  }
  while (i < line.length && line.charCodeAt(i) === SPACE) i++;
  return i === line.length ? out : null;
}

/** Reads /proc/net/dev tick after tick through one kept descriptor where the ProcFs has handles. */
export class NetDevReader {
  private readonly file: KeptOpenFile;

  constructor(fs: ProcFs) {
    this.file = new KeptOpenFile(fs, PATH);
  }

  async read(wanted?: ReadonlySet<string>): Promise<ParseResult<NetDev>> {
    const r = await this.file.read();
    if (!r.ok) return fail(`${PATH}: ${r.error}`);
    const parsed = parseNetDev(r.value, wanted);
    return parsed.ok ? parsed : fail(`${PATH}: ${parsed.error}`);
  }

  close(): void {
    this.file.close();
  }
}

const PATH = '/proc/net/dev';
