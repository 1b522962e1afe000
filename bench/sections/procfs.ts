// /proc reads for 1000 threads (target < 5 ms): readProcess() with threads
// of a real process that has 1000 threads (a python3 helper that parks 999
// threads, 40 % of them named like QEMU vCPU threads), through:
//
//   async fs   nodeProcFs() — what localProcProbe() uses today
//   sync fs    nodeProcFs('', { sync: true })
//   raw floor  the same 2 files per thread opened, read and closed with
//              sync syscalls and no parsing: the cost of the syscalls alone
//   pread      stat + schedstat re-read with pread() on descriptors kept
//              open between ticks: what a fd-caching reader could reach
//
// Without python3 it falls back to the QEMU processes of the lab (if any),
// scaled per thread.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeProcFs, readProcess, type ProcFs } from '../../src/procfs/reader.js';
import type { BenchContext } from '../lib/context.js';
import { fmtMs, fmtRatio, verdict, type Row } from '../lib/report.js';
import { pairedRatio, summarize, type Summary } from '../lib/stats.js';
import { adopt, benchTmp, onPath, rotate, sleep, timed } from '../lib/util.js';

export interface ProcfsResult {
  skipped: string | null;
  source: string;
  threads: number;
  cases: Record<string, { wallMs: Summary; cpuMs: Summary; perThreadUs: number }>;
  ratios: Record<string, number>;
  /** the longest the event loop was held by one sync scan */
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

export async function benchProcfs(ctx: BenchContext): Promise<ProcfsResult> {
  const n = 1000;
  const child = await spawnThreads(n);
  if (!child || child.pid === undefined) {
    return { skipped: 'python3 not available (needed to make a process with 1000 threads)', source: '', threads: 0, cases: {}, ratios: {}, notes: [] };
  }
  const pid = child.pid;
  const fds: number[] = [];
  try {
    for (let i = 0; i < 50 && tids(pid).length < n; i++) await sleep(100);
    const threads = tids(pid).length;
    for (const tid of tids(pid)) {
      fds.push(openSync(`/proc/${pid}/task/${tid}/stat`, 'r'));
      fds.push(openSync(`/proc/${pid}/task/${tid}/schedstat`, 'r'));
    }
    const asyncFs: ProcFs = nodeProcFs();
    const syncFs: ProcFs = nodeProcFs('', { sync: true });
    const bootTimeMs = Date.now() - 1000;
    const check = (p: Awaited<ReturnType<typeof readProcess>>) => {
      if (p.threads.length < threads * 0.99) throw new Error(`readProcess saw ${p.threads.length} of ${threads} threads: ${p.error}`);
    };
    const cases = [
      { name: 'readProcess, async fs (as shipped)', run: async () => check(await readProcess(asyncFs, pid, { threads: true, bootTimeMs })) },
      { name: 'readProcess, sync fs', run: async () => check(await readProcess(syncFs, pid, { threads: true, bootTimeMs })) },
      { name: 'raw floor: open+read+close, no parse', run: async () => void rawFloor(pid) },
      { name: 'pread on kept-open fds, no parse', run: async () => void preadAll(fds) },
    ];
    const warm = 3;
    const iters = ctx.quick ? 8 : 40;
    const s = new Map(cases.map((c) => [c.name, { wall: [] as number[], cpu: [] as number[] }]));
    for (let i = 0; i < warm + iters; i++) {
      for (const c of rotate(cases, i)) {
        const t = await timed(c.run);
        if (i >= warm) {
          s.get(c.name)!.wall.push(t.wallMs);
          s.get(c.name)!.cpu.push(t.cpuMs);
        }
      }
    }
    const raw = s.get(cases[2].name)!;
    const out: ProcfsResult['cases'] = {};
    for (const [k, v] of s) {
      const w = summarize(v.wall);
      out[k] = { wallMs: w, cpuMs: summarize(v.cpu), perThreadUs: (w.median / threads) * 1000 };
    }
    return {
      skipped: null,
      source: `python3 helper, ${threads} threads`,
      threads,
      cases: out,
      ratios: {
        'async/raw floor': pairedRatio(s.get(cases[0].name)!.wall, raw.wall),
        'sync/raw floor': pairedRatio(s.get(cases[1].name)!.wall, raw.wall),
        'pread/raw floor': pairedRatio(s.get(cases[3].name)!.wall, raw.wall),
      },
      notes: [],
    };
  } finally {
    for (const fd of fds) closeSync(fd);
    child.stdin?.end();
    child.kill('SIGKILL');
  }
}

export function procfsRows(r: ProcfsResult): Row[] {
  if (r.skipped) return [{ section: '/proc 1000 thr', case: 'skipped', median: '', p99: '', n: null, ratio: '', note: r.skipped }];
  const sec = `/proc ${r.threads} thr`;
  const ratioFor: Record<string, string> = {
    'readProcess, async fs (as shipped)': 'async/raw floor',
    'readProcess, sync fs': 'sync/raw floor',
    'pread on kept-open fds, no parse': 'pread/raw floor',
  };
  return Object.entries(r.cases).map(([name, c]) => ({
    section: sec,
    case: name,
    median: fmtMs(c.wallMs.median),
    p99: fmtMs(c.wallMs.p99),
    n: c.wallMs.n,
    ratio: ratioFor[name] ? fmtRatio(r.ratios[ratioFor[name]]) : '',
    note: `${verdict(c.wallMs.median < 5, '<5 ms')}; ${c.perThreadUs.toFixed(1)} µs/thread${ratioFor[name] ? ' (ratio vs raw floor)' : ''}`,
  }));
}
