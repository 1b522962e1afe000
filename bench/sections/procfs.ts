// /proc reads for 1000 threads (target < 5 ms): the reads of a real process
// that has 1000 threads (a python3 helper that parks 999 threads, 40 % of
// them named like QEMU vCPU threads), through:
//
//   shipped    ProcessReader over nodeProcFs(): what localProcProbe() uses —
//              handles kept open between ticks, synchronous reads in slices
//              of at most 2 ms with a yield to the event loop in between
//   no yield   the same in one synchronous stretch: what the slicing costs
//   all new    the shipped reader with every file's text new each read. The
//              helper's threads sleep, so their stat and schedstat read the
//              same every time and the shipped case skips parsing them (as
//              it does for a QEMU's idle threads); here the clock rate
//              alternates, which makes every parse count, as for threads
//              that all ran since the last tick
//   cold       a fresh ProcessReader each time: opening every file, as on
//              a QEMU's first tick, and closing them again
//   async fs   readProcess() over nodeProcFs(): the path before ProcessReader
//   sync fs    readProcess() over nodeProcFs('', { sync: true })
//   floors     stat + schedstat per thread with no parsing, opened, read and
//              closed each time (raw) or re-read with pread() on descriptors
//              kept open (pread); and pread + the parsers with no bookkeeping
//
// Ratios are against the pread floor, measured in the same loop. A separate
// pass measures the longest the shipped reader held the event loop.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSchedstat, parseStat } from '../../src/procfs/parse.js';
import { ProcessReader } from '../../src/procfs/process-reader.js';
import { nodeProcFs, type ProcFs } from '../../src/procfs/fs.js';
import { readProcess } from '../../src/procfs/process.js';
import type { BenchContext } from '../lib/context.js';
import { fmtMs, fmtRatio, verdict, type Row } from '../lib/report.js';
import { pairedRatio, summarize, type Summary } from '../lib/stats.js';
import { adopt, benchTmp, onPath, sideBySide, sleep } from '../lib/util.js';

export interface ProcfsResult {
  skipped: string | null;
  source: string;
  threads: number;
  cases: Record<string, { wallMs: Summary; cpuMs: Summary; perThreadUs: number }>;
  ratios: Record<string, number>;
  /** the longest the event loop was held during a shipped read, ms (median and max over reads) */
  loopHoldMs: { median: number; max: number } | null;
  notes: string[];
}

const PY = `
import threading, sys, ctypes
try:
    libc = ctypes.CDLL(None)
except Exception:
    libc = None
ev = threading.Event()
def body(name):
    if libc is not None:
        try: libc.prctl(15, name.encode(), 0, 0, 0)
        except Exception: pass
    ev.wait()
n = int(sys.argv[1])
for i in range(n - 1):
    threading.Thread(target=body, args=(f"CPU {i % 4}/KVM" if i % 10 < 4 else f"worker-{i}",), daemon=True).start()
print("ready", flush=True)
sys.stdin.read()
`;

async function spawnThreads(n: number): Promise<ChildProcess | null> {
  if (!onPath('python3')) return null;
  const script = join(benchTmp(), 'threads.py');
  writeFileSync(script, PY);
  const child = adopt(spawn('python3', [script, String(n)], { stdio: ['pipe', 'pipe', 'ignore'] }));
  const ready = await new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(t);
        resolve(true);
      }
    });
    child.on('exit', () => resolve(false));
    child.on('error', () => resolve(false));
  });
  if (!ready || child.pid === undefined) {
    child.kill('SIGKILL');
    return null;
  }
  return child;
}

function tids(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map(Number).filter(Number.isSafeInteger);
}

const buf = Buffer.allocUnsafe(4096);

/** open + read + close of stat and schedstat per thread, no parsing. */
function rawFloor(pid: number): number {
  let bytes = 0;
  for (const tid of tids(pid)) {
    for (const f of ['stat', 'schedstat']) {
      try {
        const fd = openSync(`/proc/${pid}/task/${tid}/${f}`, 'r');
        try {
          bytes += readSync(fd, buf, 0, buf.length, null);
        } finally {
          closeSync(fd);
        }
      } catch {
        /* thread gone */
      }
    }
  }
  return bytes;
}

/** pread() at offset 0 on descriptors opened once (seq_file regenerates the text). */
function preadAll(fds: readonly number[]): number {
  let bytes = 0;
  for (const fd of fds) bytes += readSync(fd, buf, 0, buf.length, 0);
  return bytes;
}

/** pread as above, then the parsers readProcess runs on each thread's files: the least a reader can do. */
function preadParseAll(fds: readonly number[]): number {
  let ok = 0;
  for (let i = 0; i + 1 < fds.length; i += 2) {
    const stat = parseStat(buf.toString('utf8', 0, readSync(fds[i], buf, 0, buf.length, 0)));
    const sched = parseSchedstat(buf.toString('utf8', 0, readSync(fds[i + 1], buf, 0, buf.length, 0)));
    if (stat.ok && sched.ok) ok++;
  }
  return ok;
}

/** Runs fn while a setImmediate chain notes the longest gap between turns of the event loop. */
async function longestHold(fn: () => Promise<unknown>): Promise<number> {
  let running = true;
  let last = performance.now();
  let longest = 0;
  const spin = (): void => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(spin);
  };
  setImmediate(spin);
  await fn();
  running = false;
  // the stretch between the last turn and the end counts too
  return Math.max(longest, performance.now() - last);
}

export async function benchProcfs(ctx: BenchContext): Promise<ProcfsResult> {
  const n = 1000;
  const child = await spawnThreads(n);
  if (!child || child.pid === undefined) {
    return {
      skipped: 'python3 not available (needed to make a process with 1000 threads)',
      source: '',
      threads: 0,
      cases: {},
      ratios: {},
      loopHoldMs: null,
      notes: [],
    };
  }
  const pid = child.pid;
  const fds: number[] = [];
  const readers: ProcessReader[] = [];
  try {
    for (let i = 0; i < 50 && tids(pid).length < n; i++) await sleep(100);
    const threads = tids(pid).length;
    for (const tid of tids(pid)) {
      fds.push(openSync(`/proc/${pid}/task/${tid}/stat`, 'r'));
      fds.push(openSync(`/proc/${pid}/task/${tid}/schedstat`, 'r'));
    }
    const asyncFs: ProcFs = nodeProcFs();
    const syncFs: ProcFs = nodeProcFs('', { sync: true });
    const shipped = new ProcessReader(asyncFs);
    const noYield = new ProcessReader(asyncFs, { sliceMs: Infinity });
    const allNew = new ProcessReader(asyncFs);
    readers.push(shipped, noYield, allNew);
    let flip = false;
    const bootTimeMs = Date.now() - 1000;
    const opts = { threads: true, bootTimeMs };
    const check = (p: Awaited<ReturnType<typeof readProcess>>) => {
      if (p.threads.length < threads * 0.99) throw new Error(`readProcess saw ${p.threads.length} of ${threads} threads: ${p.error}`);
    };
    const cases = [
      { name: NAMES.shipped, run: async () => check(await shipped.read(pid, opts)) },
      { name: NAMES.noYield, run: async () => check(await noYield.read(pid, opts)) },
      { name: NAMES.allNew, run: async () => check(await allNew.read(pid, { ...opts, clkTck: (flip = !flip) ? 100 : 1000 })) },
      {
        name: NAMES.cold,
        run: async () => {
          const cold = new ProcessReader(asyncFs, { sweepEveryMs: 0 });
          try {
            check(await cold.read(pid, opts));
          } finally {
            cold.close();
          }
        },
      },
      { name: NAMES.async, run: async () => check(await readProcess(asyncFs, pid, opts)) },
      { name: NAMES.sync, run: async () => check(await readProcess(syncFs, pid, opts)) },
      { name: NAMES.raw, run: async () => void rawFloor(pid) },
      { name: NAMES.pread, run: async () => void preadAll(fds) },
      { name: NAMES.preadParse, run: async () => void preadParseAll(fds) },
    ];
    const s = await sideBySide(cases, 3, ctx.quick ? 8 : 40);
    const floor = s.get(NAMES.pread)!.wall;
    const out: ProcfsResult['cases'] = {};
    const ratios: Record<string, number> = {};
    for (const [k, v] of s) {
      const w = summarize(v.wall);
      out[k] = { wallMs: w, cpuMs: summarize(v.cpu), perThreadUs: (w.median / threads) * 1000 };
      if (k !== NAMES.pread) ratios[`${k} / pread floor`] = pairedRatio(v.wall, floor);
    }

    const holds: number[] = [];
    for (let i = 0; i < (ctx.quick ? 5 : 20); i++) holds.push(await longestHold(() => shipped.read(pid, opts)));
    const hold = summarize(holds);
    const openAfter = shipped.openHandles;
    return {
      skipped: null,
      source: `python3 helper, ${threads} threads`,
      threads,
      cases: out,
      ratios,
      loopHoldMs: { median: hold.median, max: hold.max },
      notes: [`shipped reader keeps ${openAfter} files open for ${threads} threads`],
    };
  } finally {
    for (const r of readers) r.close();
    for (const fd of fds) closeSync(fd);
    child.stdin?.end();
    child.kill('SIGKILL');
  }
}

const NAMES = {
  shipped: 'ProcessReader, kept handles (shipped)',
  noYield: 'ProcessReader, one stretch, no yield',
  allNew: 'ProcessReader, every text new (parse all)',
  cold: 'ProcessReader, cold: open+read+close all',
  async: 'readProcess, async fs (before)',
  sync: 'readProcess, sync fs',
  raw: 'raw floor: open+read+close, no parse',
  pread: 'pread floor: kept-open fds, no parse',
  preadParse: 'pread + parse floor, no bookkeeping',
} as const;

export function procfsRows(r: ProcfsResult): Row[] {
  if (r.skipped) return [{ section: '/proc 1000 thr', case: 'skipped', median: '', p99: '', n: null, ratio: '', note: r.skipped }];
  const sec = `/proc ${r.threads} thr`;
  const rows: Row[] = Object.entries(r.cases).map(([name, c]) => {
    const ratio = r.ratios[`${name} / pread floor`];
    return {
      section: sec,
      case: name,
      median: fmtMs(c.wallMs.median),
      p99: fmtMs(c.wallMs.p99),
      n: c.wallMs.n,
      ratio: ratio === undefined ? '' : fmtRatio(ratio),
      note: `${verdict(c.wallMs.median < 5, '<5 ms')}; ${c.perThreadUs.toFixed(1)} µs/thread${ratio === undefined ? '' : ' (ratio vs pread floor)'}`,
    };
  });
  if (r.loopHoldMs) {
    rows.push({
      section: sec,
      case: 'event loop held by a shipped read',
      median: fmtMs(r.loopHoldMs.median),
      p99: fmtMs(r.loopHoldMs.max),
      n: null,
      ratio: '',
      note: `longest stretch between loop turns (p99 column: max); ${r.notes.join('; ')}`,
    });
  }
  return rows;
}
