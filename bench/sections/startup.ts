// Section 5: start-up of the built CLI (bin/virtop → dist/bundle/), against the
// start-up of a bare `node -e ''` measured in the same loop.
//
//   batch  bin/virtop --demo -b -n 1: process start → first byte of the
//          frame on stdout, and → exit
//   TUI    bin/virtop --demo in a detached tmux session (private server on
//          a socket in the bench's temp dir, 120×40): session start → the first full
//          frame (header, table title and a demo guest row) in capture-pane,
//          polled; the same procedure with a shell that prints those lines
//          at once is the floor (tmux and polling overhead)

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { fmtMs, fmtRatio, type Row } from '../lib/report.js';
import { pairedRatio, summarize, type Summary } from '../lib/stats.js';
import { adopt, benchTmp, onPath, repoRoot, rotate, run, sleep } from '../lib/util.js';

export interface StartupResult {
  skipped: string | null;
  batch: { firstOutputMs: Summary; exitMs: Summary; nodeExitMs: Summary; ratioFirst: number; ratioExit: number } | null;
  tui: { frameMs: Summary; floorMs: Summary; netMs: number; ratio: number; quitMs: Summary } | { skipped: string } | null;
  staleDist: string[];
  errors: string[];
}

function isolatedEnv(): NodeJS.ProcessEnv {
  const cfg = join(benchTmp(), 'xdg');
  mkdirSync(cfg, { recursive: true });
  return { ...process.env, XDG_CONFIG_HOME: cfg, NO_COLOR: undefined };
}

/** Spawns and times to the first stdout byte and to exit. */
function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ firstMs: number; exitMs: number; code: number | null; out: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let firstMs = NaN;
    let out = '';
    const child = adopt(spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      if (Number.isNaN(firstMs)) firstMs = performance.now() - t0;
      if (out.length < 4096) out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      if (out.length < 4096) out += d.toString();
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ firstMs, exitMs: performance.now() - t0, code, out });
    });
  });
}

async function tmux(server: string, args: string[]): Promise<string> {
  const r = await run('tmux', ['-S', server, ...args], { timeoutMs: 10_000 });
  return r.stdout;
}

const FRAME_MARKERS = ['virtop', 'NAME', 'web-01'];

async function timeTuiFrame(server: string, session: string, command: string, env: NodeJS.ProcessEnv, limitMs: number): Promise<number> {
  const t0 = performance.now();
  const r = await run('tmux', ['-S', server, 'new-session', '-d', '-s', session, '-x', '120', '-y', '40', command], { env, timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`tmux new-session: ${r.stderr.trim()}`);
  while (performance.now() - t0 < limitMs) {
    const pane = await tmux(server, ['capture-pane', '-p', '-t', session]);
    if (FRAME_MARKERS.every((m) => pane.includes(m))) return performance.now() - t0;
    await sleep(2);
  }
  return NaN;
}

/** dist files older than their source: the start-up numbers would be for old code. */
function staleDist(root: string): string[] {
  const r: string[] = [];
  const pairs = ['cli/main', 'app/batch', 'app/tui', 'app/hosts', 'collector/host', 'model/model', 'ui/app'];
  for (const p of pairs) {
    const src = join(root, 'src', `${p}.ts`);
    const dist = join(root, 'dist', `${p}.js`);
    if (!existsSync(src)) continue;
    if (!existsSync(dist) || statSync(dist).mtimeMs < statSync(src).mtimeMs) r.push(`${p}.ts`);
  }
  if (!bundleCurrent(root)) r.push('dist/bundle');
  return r;
}

/** bin/virtop's test: it runs dist/bundle only while that holds the code tsc last wrote, else the slower separate modules. */
function bundleCurrent(root: string): boolean {
  const bundle = join(root, 'dist', 'bundle', 'main.js');
  if (!existsSync(bundle)) return false;
  if (statSync(bundle).mtimeMs >= statSync(join(root, 'dist', 'cli', 'main.js')).mtimeMs) return true;
  try {
    const inputs = JSON.parse(readFileSync(join(root, 'dist', 'bundle', 'inputs.json'), 'utf8')) as Record<string, string>;
    return Object.entries(inputs).every(([file, sha1]) => createHash('sha1').update(readFileSync(join(root, file))).digest('hex') === sha1);
  } catch {
    return false;
  }
}

export async function benchStartup(ctx: BenchContext): Promise<StartupResult> {
  const root = repoRoot();
  const bin = join(root, 'bin', 'virtop');
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
    return { skipped: 'dist/ is not built (npm run build)', batch: null, tui: null, staleDist: [], errors: [] };
  }
  const env = isolatedEnv();
  const errors: string[] = [];
  const runs = ctx.quick ? 3 : 10;

  // ---- batch
  const first: number[] = [];
  const exit: number[] = [];
  const nodeExit: number[] = [];
  const cases = [
    {
      name: 'virtop',
      run: async () => {
        const r = await timeProcess(process.execPath, [bin, '--demo', '-b', '-n', '1'], env);
        if (r.code !== 0 || !r.out.includes('web-01')) errors.push(`virtop -b exit ${r.code}: ${r.out.slice(0, 200)}`);
        first.push(r.firstMs);
        exit.push(r.exitMs);
      },
    },
    { name: 'node', run: async () => void nodeExit.push((await timeProcess(process.execPath, ['-e', ''], env)).exitMs) },
  ];
  await cases[0].run(); // warm the page cache
  first.length = 0;
  exit.length = 0;
  for (let i = 0; i < runs; i++) for (const c of rotate(cases, i)) await c.run();
  const batch = {
    firstOutputMs: summarize(first),
    exitMs: summarize(exit),
    nodeExitMs: summarize(nodeExit),
    ratioFirst: pairedRatio(first, nodeExit),
    ratioExit: pairedRatio(exit, nodeExit),
  };

  // ---- TUI
  let tui: StartupResult['tui'] = null;
  if (!onPath('tmux')) tui = { skipped: 'tmux is not installed' };
  else {
    // A private server on a socket in our temporary directory (removed with it).
    const server = join(benchTmp(), 'tmux.sock');
    try {
      // A parked session keeps the server up, so its start-up is not counted.
      await run('tmux', ['-S', server, 'new-session', '-d', '-s', 'park', '-x', '120', '-y', '40', 'sleep 600'], { env, timeoutMs: 10_000 });
      const frame: number[] = [];
      const floor: number[] = [];
      const quit: number[] = [];
      const floorCmd = `printf 'virtop\\n NAME\\n web-01\\n'; sleep 30`;
      const tuiCmd = `exec ${process.execPath} ${bin} --demo`;
      const tuiCases = [
        {
          name: 'tui',
          run: async (i: number) => {
            const s = `tui${i}`;
            const ms = await timeTuiFrame(server, s, tuiCmd, env, 20_000);
            if (Number.isNaN(ms)) {
              const pane = await tmux(server, ['capture-pane', '-p', '-t', s]);
              errors.push(`TUI: no frame within 20 s; screen: ${pane.trim().slice(0, 200)}`);
            } else frame.push(ms);
            const q0 = performance.now();
            await tmux(server, ['send-keys', '-t', s, 'q']);
            for (let k = 0; k < 500; k++) {
              const r = await run('tmux', ['-S', server, 'has-session', '-t', s], { timeoutMs: 5000 });
              if (r.code !== 0) {
                quit.push(performance.now() - q0);
                break;
              }
              await sleep(5);
            }
            await run('tmux', ['-S', server, 'kill-session', '-t', s], { timeoutMs: 5000 });
          },
        },
        {
          name: 'floor',
          run: async (i: number) => {
            const s = `floor${i}`;
            floor.push(await timeTuiFrame(server, s, floorCmd, env, 10_000));
            await run('tmux', ['-S', server, 'kill-session', '-t', s], { timeoutMs: 5000 });
          },
        },
      ];
      await tuiCases[0].run(-1);
      frame.length = 0;
      quit.length = 0;
      for (let i = 0; i < runs; i++) for (const c of rotate(tuiCases, i)) await c.run(i);
      const f = summarize(frame);
      const fl = summarize(floor);
      tui = frame.length
        ? { frameMs: f, floorMs: fl, netMs: f.median - fl.median, ratio: pairedRatio(frame, floor), quitMs: summarize(quit) }
        : { skipped: errors[errors.length - 1] ?? 'no frame seen' };
    } catch (e) {
      tui = { skipped: `tmux: ${(e as Error).message}` };
    } finally {
      await run('tmux', ['-S', server, 'kill-server'], { timeoutMs: 10_000 });
    }
  }
  return { skipped: null, batch, tui, staleDist: staleDist(root), errors: [...new Set(errors)].slice(0, 5) };
}

export function startupRows(r: StartupResult): Row[] {
  if (r.skipped) return [{ section: 'start-up', case: 'skipped', median: '', p99: '', n: null, ratio: '', note: r.skipped }];
  const rows: Row[] = [];
  const sec = 'start-up --demo';
  if (r.batch) {
    const b = r.batch;
    rows.push({ section: sec, case: 'node -e "" (floor)', median: fmtMs(b.nodeExitMs.median), p99: fmtMs(b.nodeExitMs.p99), n: b.nodeExitMs.n, ratio: '', note: 'process start → exit' });
    rows.push({ section: sec, case: '-b -n 1: start → first frame', median: fmtMs(b.firstOutputMs.median), p99: fmtMs(b.firstOutputMs.p99), n: b.firstOutputMs.n, ratio: fmtRatio(b.ratioFirst), note: 'ratio vs node floor' });
    rows.push({ section: sec, case: '-b -n 1: start → exit', median: fmtMs(b.exitMs.median), p99: fmtMs(b.exitMs.p99), n: b.exitMs.n, ratio: fmtRatio(b.ratioExit), note: 'ratio vs node floor' });
  }
  if (r.tui && 'skipped' in r.tui) rows.push({ section: sec, case: 'TUI first frame', median: '', p99: '', n: null, ratio: '', note: `not measured: ${r.tui.skipped}` });
  else if (r.tui) {
    const t = r.tui;
    rows.push({ section: sec, case: 'TUI (tmux): start → first full frame', median: fmtMs(t.frameMs.median), p99: fmtMs(t.frameMs.p99), n: t.frameMs.n, ratio: fmtRatio(t.ratio), note: `net of tmux+polling floor ${fmtMs(t.floorMs.median)}: ${fmtMs(t.netMs)}` });
    rows.push({ section: sec, case: 'TUI (tmux): q → process gone', median: fmtMs(t.quitMs.median), p99: fmtMs(t.quitMs.p99), n: t.quitMs.n, ratio: '', note: 'includes has-session polling' });
  }
  if (r.staleDist.length) rows.push({ section: sec, case: 'warning', median: '', p99: '', n: null, ratio: '', note: `dist/ older than src for ${r.staleDist.join(', ')}: run npm run build` });
  if (r.errors.length) rows.push({ section: sec, case: 'errors seen', median: '', p99: '', n: null, ratio: '', note: r.errors.join(' | ').slice(0, 160) });
  return rows;
}
