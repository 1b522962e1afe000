// Host capacity readings beyond CPU and memory totals: KSM sharing
// (/sys/kernel/mm/ksm), hugepages (/proc/meminfo), free memory per NUMA node
// (/sys/devices/system/node/node*/meminfo) and pressure stall information
// (/proc/pressure/{cpu,memory,io}). All cheap files; all optional — a kernel
// without KSM, NUMA sysfs or PSI gives null for that part, never 0.
//
// Parsers are pure; readHostExtra() goes through the ProcFs interface like
// the rest of src/procfs, so tests replay fixtures.

import type { HostExtra, KsmSample, HugepagesSample, NumaNodeSample, PressureLine, PressureSample } from '../types/sample.js';
import { fail, ok, type ParseResult } from './parse.js';
import type { ProcFs } from './fs.js';

const UNSIGNED = /^\d+$/;

function big(token: string | undefined): bigint | null {
  return token !== undefined && UNSIGNED.test(token) ? BigInt(token) : null;
}

// ---------------------------------------------------------------------------
// PSI: "some avg10=0.12 avg60=0.05 avg300=0.01 total=123456"

function parsePressureLine(fields: string[]): PressureLine | null {
  const kv = new Map<string, string>();
  for (const f of fields) {
    const eq = f.indexOf('=');
    if (eq > 0) kv.set(f.slice(0, eq), f.slice(eq + 1));
  }
  const num = (k: string): number | null => {
    const v = kv.get(k);
    if (v === undefined || !/^\d+(\.\d+)?$/.test(v)) return null;
    return Number(v);
  };
  const avg10 = num('avg10');
  const avg60 = num('avg60');
  const avg300 = num('avg300');
  const totalUs = big(kv.get('total'));
  if (avg10 === null || avg60 === null || avg300 === null || totalUs === null) return null;
  return { avg10, avg60, avg300, totalUs };
}

/**
 * One /proc/pressure file. "full" is absent for cpu before Linux 5.13 (and
 * meaningless at the system level there): null, not zero.
 */
export function parsePressure(text: string): ParseResult<PressureSample> {
  if (typeof text !== 'string') return fail('not a string');
  let some: PressureLine | null = null;
  let full: PressureLine | null = null;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'some') some = parsePressureLine(fields.slice(1));
    else if (fields[0] === 'full') full = parsePressureLine(fields.slice(1));
  }
  if (some === null) return fail('no "some" line');
  return ok({ some, full });
}

// ---------------------------------------------------------------------------
// /proc/meminfo hugepage lines

export function parseHugepages(meminfo: string): ParseResult<HugepagesSample> {
  if (typeof meminfo !== 'string') return fail('not a string');
  const kv = new Map<string, string>();
  for (const line of meminfo.split('\n')) {
    const m = /^([A-Za-z_()]+):\s+(\d+)(\s+kB)?\s*$/.exec(line);
    if (m) kv.set(m[1], m[2]);
  }
  const pageSizeKiB = big(kv.get('Hugepagesize'));
  const totalPages = big(kv.get('HugePages_Total'));
  if (pageSizeKiB === null || totalPages === null) return fail('no hugepage lines');
  return ok({
    totalPages,
    freePages: big(kv.get('HugePages_Free')),
    reservedPages: big(kv.get('HugePages_Rsvd')),
    surplusPages: big(kv.get('HugePages_Surp')),
    pageSizeKiB,
    anonHugeKiB: big(kv.get('AnonHugePages')),
  });
}

// ---------------------------------------------------------------------------
// /sys/devices/system/node/nodeN/meminfo: "Node 0 MemTotal:  8130892 kB"

export function parseNodeMeminfo(text: string, node: number): ParseResult<NumaNodeSample> {
  if (typeof text !== 'string') return fail('not a string');
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^Node\s+(\d+)\s+([A-Za-z_()]+):\s+(\d+)/.exec(line);
    if (m && Number(m[1]) === node) kv.set(m[2], m[3]);
  }
  const totalKiB = big(kv.get('MemTotal'));
  const freeKiB = big(kv.get('MemFree'));
  if (totalKiB === null && freeKiB === null) return fail(`no MemTotal/MemFree for node ${node}`);
  return ok({
    node,
    totalKiB,
    freeKiB,
    hugepagesTotal: big(kv.get('HugePages_Total')),
    hugepagesFree: big(kv.get('HugePages_Free')),
  });
}

// ---------------------------------------------------------------------------
// /sys/kernel/mm/ksm/*: one number per file

const KSM_FILES = ['run', 'pages_shared', 'pages_sharing', 'pages_unshared', 'pages_volatile'] as const;

export function ksmFromFiles(files: Partial<Record<(typeof KSM_FILES)[number], string>>, pageSizeKiB = 4): KsmSample | null {
  const v = (k: (typeof KSM_FILES)[number]) => big(files[k]?.trim());
  const run = v('run');
  const shared = v('pages_shared');
  const sharing = v('pages_sharing');
  if (run === null && shared === null && sharing === null) return null;
  return {
    run: run === null ? null : Number(run),
    pagesShared: shared,
    pagesSharing: sharing,
    pagesUnshared: v('pages_unshared'),
    pagesVolatile: v('pages_volatile'),
    pageSizeKiB,
  };
}

// ---------------------------------------------------------------------------
// Reader

export interface HostExtraOptions {
  /** base page size for KSM page counts; 4 KiB on x86 */
  pageSizeKiB?: number;
  /** read at most this many NUMA nodes (a big box has 8; guard against odd sysfs) */
  maxNodes?: number;
}

/** Everything above in one go. Never rejects; `error` lists unexpected failures (missing files are normal). */
export async function readHostExtra(fs: ProcFs, opts: HostExtraOptions = {}): Promise<HostExtra> {
  const errors: string[] = [];
  const text = async (path: string): Promise<string | null> => {
    const r = await fs.readFile(path);
    if (r.ok) return r.value;
    if (r.kind !== 'missing') errors.push(`${path}: ${r.error}`);
    return null;
  };

  const ksmPromise = Promise.all(KSM_FILES.map(async (f) => [f, await text(`/sys/kernel/mm/ksm/${f}`)] as const));
  const pressurePromise = Promise.all(
    (['cpu', 'memory', 'io'] as const).map(async (k) => {
      const t = await text(`/proc/pressure/${k}`);
      if (t === null) return null;
      const p = parsePressure(t);
      if (!p.ok) {
        errors.push(`/proc/pressure/${k}: ${p.error}`);
        return null;
      }
      return p.value;
    }),
  );
  const meminfoPromise = text('/proc/meminfo');
  const nodesPromise = (async (): Promise<NumaNodeSample[]> => {
    const dir = await fs.readdir('/sys/devices/system/node');
    if (!dir.ok) return [];
    const ids = dir.value
      .map((n) => /^node(\d+)$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b)
      .slice(0, opts.maxNodes ?? 64);
    const out = await Promise.all(
      ids.map(async (id) => {
        const t = await text(`/sys/devices/system/node/node${id}/meminfo`);
        if (t === null) return null;
        const p = parseNodeMeminfo(t, id);
        if (!p.ok) {
          errors.push(`node${id}/meminfo: ${p.error}`);
          return null;
        }
        return p.value;
      }),
    );
    return out.filter((n): n is NumaNodeSample => n !== null);
  })();

  const [ksmFiles, pressure, meminfo, numa] = await Promise.all([ksmPromise, pressurePromise, meminfoPromise, nodesPromise]);
  const files: Partial<Record<(typeof KSM_FILES)[number], string>> = {};
  for (const [k, v] of ksmFiles) if (v !== null) files[k] = v;
  const huge = meminfo === null ? null : parseHugepages(meminfo);
  const [cpu, memory, io] = pressure;
  return {
    ksm: ksmFromFiles(files, opts.pageSizeKiB ?? 4),
    hugepages: huge && huge.ok ? huge.value : null,
    numa,
    pressure: cpu === null && memory === null && io === null ? null : { cpu, memory, io },
    error: errors.length ? errors.join('; ') : null,
  };
}
