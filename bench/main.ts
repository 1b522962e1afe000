// virtop benchmark: runs the sections, prints one table, writes
// bench/results/latest.json. See bench/README.md.

import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './lib/context.js';
import { runChild } from './lib/child.js';
import { profile, type HotFunction } from './lib/profile.js';
import { formatTable, type Row } from './lib/report.js';
import { cleanupTmp, killChildren, repoRoot, run } from './lib/util.js';
import { benchCollectorN, collectorRows, type CollectorNResult } from './sections/collector.js';
import { benchEventLoop, eventLoopRows } from './sections/eventloop.js';
import { benchLab, labRows, stopExtras } from './sections/lab.js';
import { checkpoints, memoryRows, type MemoryArgs, type MemoryResult } from './sections/memory.js';
import { benchProcfs, procfsRows } from './sections/procfs.js';
import { renderRows, type RenderArgs, type RenderResult } from './sections/render.js';
import { benchStartup, startupRows } from './sections/startup.js';
import { benchVirtTop, virtTopRows } from './sections/virttop.js';
import { syntheticRows, type SyntheticArgs, type SyntheticResult } from './sections/synthetic.js';
import { parseCli, USAGE, type CliOptions, type Section } from './lib/cli.js';

function gitInfo(root: string): { commit: string | null; dirtyFiles: number | null } {
  const head = spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  const st = spawnSync('git', ['-C', root, 'status', '--porcelain'], { encoding: 'utf8' });
  return {
    commit: head.status === 0 ? head.stdout.trim() : null,
    dirtyFiles: st.status === 0 ? st.stdout.split('\n').filter(Boolean).length : null,
  };
}

export async function main(argv: string[]): Promise<number> {
  let cli: CliOptions;
  try {
    cli = parseCli(argv);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (cli.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const root = repoRoot();
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const t0 = Date.now();
  const ctx: BenchContext = {
    quick: cli.quick,
    log: (m) => process.stderr.write(`bench: ${m}\n`),
    labExtra: cli.labExtra,
    profile: cli.profile,
    resultsDir,
  };

  // Interrupted: end our children and remove the lab guests we started.
  let labStarted: string[] = [];
  const onSignal = (sig: NodeJS.Signals) => {
    ctx.log(`${sig}: cleaning up`);
    killChildren();
    if (labStarted.length) spawnSync('bash', [join(root, 'test', 'lab', 'lab.sh'), 'down', ...labStarted], { stdio: 'ignore', timeout: 120_000 });
    cleanupTmp();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const loadStart = loadavg();
  const results: Record<string, unknown> = {};
  const rows: Row[] = [];
  const hot: Record<string, HotFunction[]> = {};
  /** wall seconds each section took, for keeping the whole run under its budget */
  const sectionSec: Record<string, number> = {};
  const section = async (name: Section, fn: () => Promise<void>) => {
    if (!cli.only.has(name)) return;
    ctx.log(`${name}…`);
    const s0 = Date.now();
    try {
      await fn();
    } catch (e) {
      results[name] = { error: (e as Error).stack ?? String(e) };
      rows.push({ section: name, case: 'FAILED', median: '', p99: '', n: null, ratio: '', note: (e as Error).message.slice(0, 160) });
    }
    sectionSec[name] = (Date.now() - s0) / 1000;
    ctx.log(`${name} done in ${sectionSec[name].toFixed(1)} s`);
  };

  try {
    await section('procfs', async () => {
      const r = await benchProcfs(ctx);
      results.procfs = r;
      rows.push(...procfsRows(r));
    });

    if (cli.only.has('collector') || cli.only.has('fallback')) {
      const sizes = cli.sizes ?? (cli.quick ? [10, 100, 1000] : [10, 100, 500, 1000]);
      const which = { ticks: cli.only.has('collector'), fallback: cli.only.has('fallback') };
      const name: Section = which.ticks ? 'collector' : 'fallback';
      await section(name, async () => {
        const out: CollectorNResult[] = [];
        for (const n of sizes) {
          ctx.log(`  N=${n}`);
          const prof =
            ctx.profile && n === Math.max(...sizes)
              ? async (label: string, fn: () => Promise<void>) => {
                  const file = join(resultsDir, `${label}.cpuprofile`);
                  hot[label] = await profile(async () => {
                    for (let i = 0; i < (ctx.quick ? 2 : 5); i++) await fn();
                  }, file);
                  ctx.log(`  profile written to ${file}`);
                }
              : undefined;
          out.push(await benchCollectorN(n, { quick: ctx.quick, ...which, profile: prof }));
        }
        results.collector = out;
        rows.push(...collectorRows(out, which));
      });
    }

    await section('memory', async () => {
      const ticks = ctx.quick ? 360 : 3600;
      const args: MemoryArgs = { domains: 1000, ticks, historySize: 3600 };
      ctx.log(`  ${args.domains} domains × ${ticks} ticks, history ${args.historySize}; RSS at ${checkpoints(ticks).join(', ')}`);
      const r = await runChild<MemoryResult>('memory', args, process.env, 30 * 60_000);
      results.memory = r;
      rows.push(...memoryRows(r));
    });

    await section('synthetic', async () => {
      const args: SyntheticArgs = { sizes: cli.sizes ?? (ctx.quick ? [100, 500] : [100, 500, 1000, 2000]), ticks: ctx.quick ? 3 : 10 };
      ctx.log(`  N = ${args.sizes.join(', ')}, ${args.ticks} ticks each`);
      const r = await runChild<SyntheticResult>('synthetic', args, process.env, 10 * 60_000);
      results.synthetic = r;
      rows.push(...syntheticRows(r));
    });

    await section('render', async () => {
      const args: RenderArgs = { sizes: [100, 1000], iterations: ctx.quick ? 20 : 200 };
      const r = await runChild<RenderResult>('render', args, process.env, 5 * 60_000);
      results.render = r;
      rows.push(...renderRows(r));
    });

    await section('startup', async () => {
      const r = await benchStartup(ctx);
      results.startup = r;
      rows.push(...startupRows(r));
    });

    await section('eventloop', async () => {
      const r = await benchEventLoop(ctx);
      results.eventloop = r;
      rows.push(...eventLoopRows(r));
    });

    await section('virttop', async () => {
      const r = await benchVirtTop(ctx);
      results.virttop = r;
      rows.push(...virtTopRows(r));
    });

    await section('lab', async () => {
      const r = await benchLab(ctx, (names) => (labStarted = names));
      try {
        results.lab = r;
        rows.push(...labRows(r));
      } finally {
        await stopExtras(ctx, labStarted);
        labStarted = [];
      }
    });
  } finally {
    killChildren();
    cleanupTmp();
  }

  const loadEnd = loadavg();
  const libvirt = await run('virsh', ['--version'], { timeoutMs: 10_000 });
  const meta = {
    date: new Date(t0).toISOString(),
    elapsedSec: (Date.now() - t0) / 1000,
    sectionSec,
    argv,
    quick: cli.quick,
    sections: [...cli.only],
    node: process.version,
    libvirt: libvirt.code === 0 ? libvirt.stdout.trim() : null,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    totalMemMiB: Math.round(totalmem() / 1048576),
    loadavgStart: loadStart,
    loadavgEnd: loadEnd,
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? null,
    git: gitInfo(root),
  };
  const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const header = [
    `virtop bench ${meta.date}  ${cli.quick ? '(quick) ' : ''}node ${meta.node}, ${meta.libvirt ? `libvirt ${meta.libvirt}, ` : ''}${meta.cpus} CPUs (${meta.cpuModel}), UV_THREADPOOL_SIZE=${meta.uvThreadpoolSize}`,
    `load average at start ${fmtLoad(loadStart)}, at end ${fmtLoad(loadEnd)}; git ${meta.git.commit ?? '?'}${meta.git.dirtyFiles ? ` + ${meta.git.dirtyFiles} changed files` : ''}; ${meta.elapsedSec.toFixed(0)} s`,
    'Medians and p99 (nearest rank; with n < 100, p99 is the max). Ratios are medians of per-iteration ratios against a floor measured side by side in the same loop.',
  ];
  if (!cli.only.has('render')) rows.push({ section: 'render', case: 'not run', median: '', p99: '', n: null, ratio: '', note: 'render: not measured (section not selected)' });
  const table = formatTable(rows);
  let hotText = '';
  for (const [label, fns] of Object.entries(hot)) {
    hotText += `\nHottest functions in ${label} (main JS thread, self time):\n`;
    for (const f of fns) {
      // Addon methods can all show up under one export's name (N-API
      // callbacks share a C++ trampoline): read it as "inside the binding".
      const native = f.where === '(native)' && !f.name.startsWith('(') ? '  [native code called from JS, e.g. the synchronous part of binding calls]' : '';
      hotText += `  ${f.selfPercent.toFixed(1).padStart(5)} %  ${f.selfMs.toFixed(1).padStart(8)} ms  ${f.name}  ${f.where}${native}\n`;
    }
  }
  process.stdout.write(`${header.join('\n')}\n\n${table}\n${hotText}`);
  const file = join(resultsDir, 'latest.json');
  const json = `${JSON.stringify({ meta, rows, results, hot }, null, 2)}\n`;
  writeFileSync(file, json);
  // Keep every run too, for comparing against earlier ones.
  writeFileSync(join(resultsDir, `${meta.date.replace(/[:.]/g, '-')}${cli.quick ? '-quick' : ''}.json`), json);
  process.stdout.write(`\nJSON: ${file}\n`);
  return 0;
}
