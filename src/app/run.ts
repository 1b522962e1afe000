// What virtop does once the command line is understood: the exporter,
// batch output or the interactive screen (loaded lazily, so batch mode never
// loads blessed), each wired to its collector, config, theme, action log and
// stderr capture. A bad --theme exits 2 through `usage`; a failure to reach
// every host exits 1; a reader closing our stdout exits 0 quietly.

import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ActionLog, actionLogPath } from '../actions/log.js';
import { configPath, loadConfig, mergeSettings } from '../config/config.js';
import { LibvirtControl } from '../libvirt/control.js';
import { redirectStderr, restoreStderr } from '../libvirt/stderr.js';
import { chooseTheme, noColorRequested, ThemeError } from '../theme/load.js';
import { demoUri, packageRoot, stateDir } from '../util/paths.js';
import { EXIT_CLOSE_GRACE_MS, settleWithin } from '../util/settle.js';
import { runBatch } from './batch.js';
import type { Options } from './options.js';
import { FeedError, openFeed, type Feed } from './replay.js';
import { fileStderrCapture, stderrLogPath } from './stderr-capture.js';
import { attachVirtTopCsv, runVirtTopHeadless, stopAtEndTime, type VirtTopCsvFile } from './virt-top.js';

/** Prints a usage error and its hint; returns the exit status (2). */
export type UsageReporter = (message: string) => number;

function isEpipe(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === 'EPIPE';
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? String(process.getuid?.() ?? 'unknown');
  }
}

/** Runs what `opts` asks for; returns the exit status. */
export async function run(opts: Options, usage: UsageReporter): Promise<number> {
  const uris = opts.demo ? [demoUri()] : opts.connect;
  const themeEnv = { themesDir: join(packageRoot(), 'themes') };

  // A bad --theme is a usage error in every mode (batch output just has no colours).
  if (opts.theme !== null) {
    try {
      chooseTheme({ cliTheme: opts.theme, configTheme: null, noColor: false, env: themeEnv });
    } catch (e) {
      if (e instanceof ThemeError) return usage(e.message);
      throw e;
    }
  }
  if (opts.prometheus !== null) {
    // prom-client is loaded only in exporter mode: it is a tenth of a second of start-up.
    const { runPrometheusMode } = await import('./prometheus.js');
    return runPrometheusMode(opts, uris);
  }
  if (opts.batch) return runBatchMode(opts, uris);
  return runInteractive(opts, uris, themeEnv, usage);
}

async function runBatchMode(opts: Options, uris: string[]): Promise<number> {
  // A reader that goes away (virtop -b --json | head -1) is a normal end.
  process.stdout.on('error', (e) => {
    if (isEpipe(e)) process.exit(0);
    throw e;
  });

  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);

  const feed = await openFeedOrSay(opts, uris, opts.delaySec * 1000, (line) => void process.stderr.write(`${line}\n`));
  if (!feed) return 1;
  const collector = feed.collector;
  const cancelEnd = stopAtEndTime(opts.virtTop, stop);
  let virtTopCsv: VirtTopCsvFile | null = null;
  let code = 1;
  try {
    virtTopCsv = await attachVirtTopCsv(opts.virtTop, collector, (line) => void process.stderr.write(`${line}\n`));
    const io = { stdout: process.stdout, stderr: process.stderr };
    code =
      opts.virtTop?.script || opts.virtTop?.stream
        ? await runVirtTopHeadless(opts, collector, io, abort.signal)
        : await runBatch(feed.batchOptions, collector, io, abort.signal);
  } catch (e) {
    if (isEpipe(e)) code = 0;
    else process.stderr.write(`virtop: ${(e as Error).message}\n`);
  } finally {
    cancelEnd();
    await settleWithin(collector.close(), EXIT_CLOSE_GRACE_MS);
    await virtTopCsv?.close();
    if ((await feed.finish()).failed) code = 1;
  }
  return code;
}

/** The live collector (recording with --record) or a --replay; null after saying why it cannot open. */
async function openFeedOrSay(opts: Options, uris: string[], intervalMs: number, warn: ((line: string) => void) | null): Promise<Feed | null> {
  try {
    return await openFeed(opts, { uris, intervalMs, warn });
  } catch (e) {
    if (!(e instanceof FeedError)) throw e;
    process.stderr.write(`virtop: ${e.message}\n`);
    return null;
  }
}

async function runInteractive(opts: Options, uris: string[], themeEnv: { themesDir: string }, usage: UsageReporter): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    return usage('the interactive screen needs a terminal; use -b (or --json, --csv) for output to a pipe or file');
  }
  const cfgPath = configPath(process.env, homedir());
  const cfg = await loadConfig(cfgPath);
  const settings = mergeSettings(
    { delaySec: opts.delaySec, sort: opts.sort, reverse: opts.reverse, theme: opts.theme, explicit: opts.explicit },
    cfg.config,
    cfg.keyLines,
  );
  let choice;
  try {
    choice = chooseTheme({
      cliTheme: opts.theme,
      configTheme: opts.theme === null ? (cfg.config.theme ?? null) : null,
      noColor: noColorRequested(process.env),
      env: themeEnv,
    });
  } catch (e) {
    if (e instanceof ThemeError) return usage(e.message);
    throw e;
  }

  // Warnings wait until the screen is gone (see feed.finish below).
  const feed = await openFeedOrSay(opts, uris, settings.intervalSec * 1000, null);
  if (!feed) return 1;
  const collector = feed.collector;
  // One read-write connection per host, opened only when the first action asks for it.
  const controls = new Map<string, LibvirtControl>();
  const control = (uri: string): LibvirtControl => {
    let c = controls.get(uri);
    if (!c) controls.set(uri, (c = new LibvirtControl(uri, { readonly: opts.readonly })));
    return c;
  };
  // The XML pane reads over read-only connections of its own; a recording has no XML to read.
  // Loaded only for the screen: its backups bring node:crypto, which batch runs never need.
  const { DomainXmlAccess, xmlBackupDir } = await import('./domain-xml.js');
  const xml = feed.replay ? null : new DomainXmlAccess(xmlBackupDir(stateDir(process.env, homedir())));
  // From the first sample, which runs while the screen code loads, until the
  // connections are closed after it: whatever libvirt prints to stderr then
  // would end up on or under the screen (tui.ts says when it cannot start).
  const stderrCapture = fileStderrCapture(stderrLogPath(process.env, homedir()), { redirect: redirectStderr, restore: restoreStderr });
  let captureProblem: string | null = null;
  try {
    stderrCapture.start();
  } catch (e) {
    captureProblem = `stderr stays on the terminal (cannot capture it: ${(e as Error).message})`;
  }
  // The virt-top CSV's problems go to the status line like the recording's (kept until the screen listens).
  const csvProblems: string[] = [];
  let onCsvProblem: ((line: string) => void) | null = null;
  let virtTopCsv: VirtTopCsvFile | null = null;
  try {
    virtTopCsv = await attachVirtTopCsv(opts.virtTop, collector, (line) => (onCsvProblem ? onCsvProblem(line) : csvProblems.push(line)));
  } catch (e) {
    await settleWithin(collector.close(), EXIT_CLOSE_GRACE_MS);
    process.stderr.write(`virtop: ${(e as Error).message}\n`);
    return 1;
  }
  // Sample while the screen code loads: the first frame then has data at once.
  if (!feed.replay) void collector.tick().catch(() => undefined);
  let code = 1;
  try {
    const { runTui } = await import('./tui.js');
    code = await runTui({
      collector,
      options: opts,
      settings,
      theme: choice.theme,
      configPath: cfgPath,
      warnings: [...cfg.warnings, ...choice.warnings, ...(captureProblem ? [captureProblem] : [])],
      control,
      actionLog: new ActionLog(actionLogPath(process.env, homedir()), userName()),
      ...(xml ? { xml } : {}),
      replay: feed.replay,
      onProblem: (cb) => {
        feed.onProblem(cb);
        onCsvProblem = cb;
        for (const line of csvProblems.splice(0)) cb(line);
      },
      initialView: opts.initialView,
      quitAtMs: opts.virtTop?.endTimeMs ?? null,
      stderrCapture,
    });
  } finally {
    await settleWithin(Promise.all([collector.close(), ...[...controls.values()].map((c) => c.close()), xml?.close()]), EXIT_CLOSE_GRACE_MS);
    await virtTopCsv?.close();
    stderrCapture.stop();
    const rec = await feed.finish();
    if (rec.message) process.stderr.write(`virtop: ${rec.message}\n`);
    if (rec.failed) code = 1;
  }
  // Whatever handle is left (a slow connection close), the user asked to leave.
  setTimeout(() => process.exit(code), 300).unref();
  return code;
}
