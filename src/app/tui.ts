// Composition root of the interactive mode: model + collector + screen.
// Snapshots flow collector → model → UI; UI commands come back as hooks
// (interval, pause, write config, quit) that act on the collector's loop
// and the config file. The terminal is restored on every way out.

import { runBulk, summarizeBulk } from '../actions/bulk.js';
import { runPlan } from '../actions/commands.js';
import { ActionLog } from '../actions/log.js';
import type { HostControl } from '../types/control.js';
import type { Options, StartView } from './options.js';
import type { Snapshot } from '../types/sample.js';
import type { Collector } from '../collector/collector.js';
import type { ReplaySource } from '../record/replay.js';
import { replayHooks } from './timetravel.js';
import { saveConfig, type ConfigFile, type LatencyThresholds, type Settings } from '../config/config.js';
import { Model } from '../model/model.js';
import { Palette } from '../theme/palette.js';
import type { Theme } from '../theme/roles.js';
import { TuiApp, type UiHooks } from '../ui/app.js';
import { loadBlessed } from '../ui/blessed.js';
import { buildKeymap } from '../ui/keymap.js';
import type { StderrCapture } from './stderr-capture.js';
import type { DomainXmlAccess } from './domain-xml.js';
import { createScreen, exitCodeFor, installExitGuard, restoreScreen, type ExitReason, type TerminalIo } from '../ui/screen.js';
import { initialState } from '../ui/state.js';
import { normalizeColumns } from '../ui/table.js';
import type { UiState } from '../ui/state-types.js';
import { atWallTime } from '../util/pace.js';

export interface TuiOptions {
  collector: Collector;
  options: Options;
  /** command line merged over the config file */
  settings: Settings;
  theme: Theme;
  /** where W writes the settings */
  configPath: string;
  /** problems met while loading config and theme, shown in the status line */
  warnings?: string[];
  io?: TerminalIo;
  stderr?: NodeJS.WritableStream;
  /** the write side of a host, for domain actions (opened on first use) */
  control?: (uri: string) => HostControl;
  /** the domain XML pane's reads and backups; absent: no XML (a recording) */
  xml?: Pick<DomainXmlAccess, 'read' | 'save'>;
  /** where actions are recorded; an in-memory log when not given */
  actionLog?: ActionLog;
  /** the recording played back (--replay): the screen gets its time controls */
  replay?: ReplaySource | null;
  /** problems met mid-run (a recording stopped by a full disk), shown in the status line as they happen */
  onProblem?: (cb: (line: string) => void) => void;
  /** the first view (virt-top's -1/-2/-3); absent: the domain table */
  initialView?: StartView;
  /** leave as q would at this wall time (virt-top's --end-time); null: never */
  quitAtMs?: number | null;
  /** where fd 2 goes while the screen is up (libvirt's own warnings would smear it): started and stopped by the caller, stopped here too on an error */
  stderrCapture?: StderrCapture;
}

/** What the screen needs from the collector's loop. */
export type RefreshControl = Pick<Collector, 'start' | 'stop' | 'setInterval' | 'requestTick' | 'onSnapshot'> & Partial<Pick<Collector, 'refreshInventory'>>;

function settingsToFile(state: UiState, theme: string | null, keys: Record<string, string[]>, latencyMs: LatencyThresholds | null): ConfigFile {
  return {
    ...(theme ? { theme } : {}),
    columns: [...state.columns],
    sort: state.sort,
    reverse: state.reverse,
    interval: state.intervalSec,
    io: state.io,
    // W rewrites the file: the user's key overrides go back in as they were
    ...(Object.keys(keys).length ? { keys } : {}),
    ...(latencyMs ? { latencyMs } : {}),
  };
}

export async function runTui(opts: TuiOptions): Promise<number> {
  const stderr = opts.stderr ?? process.stderr;
  // `let`: a replay's jump starts a fresh model (see timetravel.ts); the screen reads through `history`.
  const newModel = () => new Model({ historySize: opts.options.historySize });
  let model = newModel();
  const history = { history: (key: string) => model.history(key) };
  const palette = new Palette(opts.theme);
  const { keymap, problems } = buildKeymap(opts.settings.keys);
  const cols = normalizeColumns(opts.settings.columns);
  const keyProblems = problems.map((p) => {
    const line = opts.settings.keyLines[p.command];
    return `${opts.configPath}${line === undefined ? '' : `:${line}`}: keys.${p.command}: ${p.message}`;
  });
  const warnings = [...(opts.warnings ?? []), ...keyProblems];
  if (cols.unknown.length) warnings.push(`${opts.configPath}: unknown columns ignored: ${cols.unknown.join(', ')}`);

  const blessed = loadBlessed();
  const log = opts.actionLog ?? new ActionLog(null, 'unknown');
  const current = (key: string) => model.view().domains.find((d) => d.key === key) ?? null;

  return new Promise<number>((resolve) => {
    let screen: ReturnType<typeof createScreen> | null = null;
    let app: TuiApp | null = null;
    let clockTimer: NodeJS.Timeout | null = null;
    let done = false;
    const loop: RefreshControl = opts.collector;

    const finish = (reason: ExitReason) => {
      if (done) return;
      done = true;
      loop.stop();
      if (clockTimer) clearInterval(clockTimer);
      removeGuard();
      app?.destroy();
      restoreScreen(screen);
      // The caller stops the capture once its connections are closed; an
      // error must reach the terminal now.
      if (reason.kind === 'error') opts.stderrCapture?.stop();
      if (reason.kind === 'error') {
        const e = reason.error as Error | undefined;
        stderr.write(`virtop: ${e?.stack ?? String(reason.error)}\n`);
      }
      resolve(exitCodeFor(reason));
    };
    const removeGuard = installExitGuard(finish);

    const hooks: UiHooks = {
      quit: () => finish({ kind: 'quit' }),
      setIntervalSec: (sec) => {
        loop.setInterval(sec * 1000);
        // Sample now and go on at the new pace (not after the old interval ran out).
        loop.requestTick(0);
      },
      // Paused means no sampling at all; resuming samples at once.
      setPaused: (paused) => (paused ? loop.stop() : loop.start()),
      writeConfig: async (state) => {
        await saveConfig(opts.configPath, settingsToFile(state, opts.settings.theme, opts.settings.keys, opts.settings.latencyMs));
        return `settings written to ${opts.configPath}`;
      },
      runAction: async (plan) => {
        if (!opts.control) return { ok: false, message: 'actions are not available in this mode' };
        // Re-check against the newest data: the domain may have gone or changed state meanwhile.
        const r = await runPlan(plan, current(plan.domainKey), opts.control(plan.host));
        await log.record(plan, r);
        if (r.ok && plan.rereadsInventory) loop.refreshInventory?.();
        if (r.refresh && !done) loop.requestTick(0);
        return { ok: r.ok, message: log.lastError ? `${r.message} (${log.lastError})` : r.message };
      },
      ...(opts.xml
        ? {
            domainXml: async (key: string, inactive: boolean) => {
              const d = current(key);
              if (!d) throw new Error('the domain is gone');
              return (opts.xml as NonNullable<TuiOptions['xml']>).read(d.host, d.uuid, inactive);
            },
            saveXml: (name: string, xml: string, inactive: boolean) => (opts.xml as NonNullable<TuiOptions['xml']>).save(name, xml, inactive),
          }
        : {}),
      runBulk: async (plans) => {
        const control = opts.control;
        if (!control) return { ok: false, message: 'actions are not available in this mode' };
        const results = await runBulk(plans, current, control, 4);
        for (const r of results) await log.record(r.plan, r.reaction);
        if (results.some((r) => r.reaction.ok && r.plan.rereadsInventory)) loop.refreshInventory?.();
        if (!done) loop.requestTick(0);
        const sum = summarizeBulk(results);
        return log.lastError ? { ok: false, message: `${sum.message} (${log.lastError})` } : sum;
      },
      actionLog: () => ({ entries: log.entries(), path: log.path }),
      refreshInventory: () => {
        if (!loop.refreshInventory) return 'nothing to read again: this is a recording';
        loop.refreshInventory();
        return 'reading storage pools, volumes, networks and leases again…';
      },
    };
    if (opts.replay) {
      hooks.replay = replayHooks(opts.replay, {
        historySize: opts.options.historySize,
        newModel,
        setModel: (m) => (model = m),
        redraw: () => app?.draw(false),
      });
    }

    try {
      screen = createScreen(blessed, opts.io ?? {});
      const state = initialState({
        sort: opts.settings.sort,
        reverse: opts.settings.reverse,
        intervalSec: opts.settings.intervalSec,
        columns: cols.columns,
        io: opts.settings.io,
        readonly: opts.options.readonly,
        latencyMs: opts.settings.latencyMs ?? undefined,
        view: opts.initialView,
      });
      if (opts.quitAtMs !== null && opts.quitAtMs !== undefined) atWallTime(opts.quitAtMs, () => finish({ kind: 'quit' }));
      app = new TuiApp(screen, blessed, palette, history, keymap, hooks, state);
      const ui = app;
      loop.onSnapshot((snap) => {
        if (done) return;
        try {
          ui.setView(model.ingest(snap));
        } catch (e) {
          finish({ kind: 'error', error: e });
        }
      });
      if (warnings.length) ui.setStatus(warnings.join(' │ '), 'warn');
      opts.onProblem?.((line) => ui.setStatus(`${line}; monitoring goes on`, 'warn'));
      // A tick taken before the screen existed (started while this module loaded).
      const early = (opts.collector as { lastSnapshot?: Snapshot | null }).lastSnapshot;
      if (early) ui.setView(model.ingest(early));
      ui.draw(true);
      loop.start();
      // The clock in the header and message expiry move even when data does not.
      clockTimer = setInterval(() => {
        // The latest line libvirt (or anything) wrote to stderr, which is now a file.
        const written = opts.stderrCapture?.take() ?? [];
        if (written.length) ui.setStatus(`${written[written.length - 1]} (more in ${opts.stderrCapture!.path})`, 'warn');
        ui.draw(false);
      }, 1000);
    } catch (e) {
      finish({ kind: 'error', error: e });
    }
  });
}
