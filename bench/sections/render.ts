// Section 3: drawing a frame of the interactive screen, off-screen.
//
// src/ui is being written while this bench is, so it is not compiled into
// the bench: this section loads the built UI from dist/ at run time and
// checks for the pieces it needs (TuiApp, createScreen, loadBlessed, Palette,
// chooseTheme, buildKeymap, initialState). If any is missing or throws, the
// section reports "not measured yet" with the reason instead of failing.
//
// The screen is a real blessed screen writing to a discarding stream that
// says it is a 200×60 TTY (issue #5), with the domain table and the detail
// pane of the first row open; each measured draw follows a new model view
// (N domains, every value changed), i.e. the per-tick cost in the TUI. The
// model holds some history first, so the detail pane's charts have data.
// Runs in a child process: blessed installs process-wide handlers.

import { PassThrough, Writable } from 'node:stream';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Model } from '../../src/model/model.js';
import { fmtMs, verdict, type Row } from '../lib/report.js';
import { summarize, type Summary } from '../lib/stats.js';
import { SyntheticHost } from '../lib/synth.js';
import { repoRoot } from '../lib/util.js';

const COLS = 200;
const ROWS = 60;
/** ticks ingested before the first draw, so the charts are not empty */
const HISTORY_TICKS = 30;

export interface RenderArgs {
  sizes: number[];
  iterations: number;
}

export interface RenderResult {
  skipped: string | null;
  cases: { domains: number; drawMs: Summary; bytesPerFrame: number }[];
}

type Fn = (...args: unknown[]) => unknown;
type Ctor = new (...args: unknown[]) => Record<string, unknown>;

async function load(rel: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(join(repoRoot(), 'dist', rel)).href)) as Record<string, unknown>;
}

function need<T>(mod: Record<string, unknown>, name: string, file: string): T {
  const v = mod[name];
  if (v === undefined) throw new Error(`dist/${file} has no export ${name}`);
  return v as T;
}

export async function renderChild(args: RenderArgs): Promise<RenderResult> {
  let mods: Record<string, Record<string, unknown>>;
  const files = {
    app: 'ui/app.js',
    blessed: 'ui/blessed.js',
    screen: 'ui/screen.js',
    state: 'ui/state.js',
    keymap: 'ui/keymap.js',
    palette: 'theme/palette.js',
    theme: 'theme/load.js',
  };
  try {
    mods = {};
    for (const [k, f] of Object.entries(files)) mods[k] = await load(f);
  } catch (e) {
    return { skipped: `render: not measured yet (the UI is not built: ${(e as Error).message.split('\n')[0]})`, cases: [] };
  }
  try {
    const TuiApp = need<Ctor>(mods.app, 'TuiApp', files.app);
    const loadBlessed = need<Fn>(mods.blessed, 'loadBlessed', files.blessed);
    const createScreen = need<Fn>(mods.screen, 'createScreen', files.screen);
    const initialState = need<Fn>(mods.state, 'initialState', files.state);
    const buildKeymap = need<Fn>(mods.keymap, 'buildKeymap', files.keymap);
    const Palette = need<Ctor>(mods.palette, 'Palette', files.palette);
    const chooseTheme = need<Fn>(mods.theme, 'chooseTheme', files.theme);

    const cases: RenderResult['cases'] = [];
    for (const n of args.sizes) {
      let bytes = 0;
      const output = new Writable({
        write(chunk: Buffer | string, _enc, cb) {
          bytes += chunk.length;
          cb();
        },
      }) as Writable & { isTTY: boolean; columns: number; rows: number };
      output.isTTY = true;
      output.columns = COLS;
      output.rows = ROWS;
      const input = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (b: boolean) => void };
      input.isTTY = true;
      input.setRawMode = () => undefined;

      const blessed = loadBlessed();
      const screen = createScreen(blessed, { input, output, terminal: 'xterm-256color' }) as { destroy(): void };
      const choice = chooseTheme({ cliTheme: null, configTheme: null, noColor: false, env: { themesDir: join(repoRoot(), 'themes') } }) as { theme: unknown };
      const palette = new Palette(choice.theme);
      const { keymap } = buildKeymap() as { keymap: unknown };
      const state = { ...(initialState({ sort: 'cpu', reverse: false, intervalSec: 2 }) as object), detailOpen: true };
      const hooks = {
        quit: () => undefined,
        setIntervalSec: () => undefined,
        setPaused: () => undefined,
        writeConfig: async () => '',
        runAction: async () => ({ ok: true, message: '' }),
        runBulk: async () => ({ ok: true, message: '' }),
        actionLog: () => ({ entries: [], path: null }),
      };
      const model = new Model({ historySize: 600 });
      const app = new TuiApp(screen, blessed, palette, model, keymap, hooks, state) as { setView(v: unknown): void; draw(force: boolean): void; lastDrawMs: number };
      const host = new SyntheticHost(n);
      for (let i = 0; i < HISTORY_TICKS; i++) model.ingest(host.next());
      app.draw(true);
      const draws: number[] = [];
      const frameBytes: number[] = [];
      const warm = 3;
      for (let i = 0; i < warm + args.iterations; i++) {
        const view = model.ingest(host.next());
        // One turn of the event loop first: V8 runs the young-generation
        // collection that ingest's garbage has asked for as a task, and it
        // would otherwise land in the frame's flush wait below. Collections
        // the drawing itself triggers still count.
        await new Promise((r) => setImmediate(r));
        const b0 = bytes;
        const t0 = performance.now();
        app.setView(view);
        // blessed buffers its output and flushes on the next tick: include that write.
        await new Promise((r) => setImmediate(r));
        const ms = performance.now() - t0;
        if (i >= warm) {
          draws.push(ms);
          frameBytes.push(bytes - b0);
        }
      }
      try {
        screen.destroy();
      } catch {
        /* a fake terminal may not restore cleanly */
      }
      cases.push({ domains: n, drawMs: summarize(draws), bytesPerFrame: summarize(frameBytes).median });
    }
    return { skipped: null, cases };
  } catch (e) {
    return { skipped: `render: not measured yet (${(e as Error).message.split('\n')[0]})`, cases: [] };
  }
}

export function renderRows(r: RenderResult): Row[] {
  if (r.skipped) return [{ section: 'render', case: 'skipped', median: '', p99: '', n: null, ratio: '', note: r.skipped }];
  return r.cases.map((c) => ({
    section: `render ${COLS}×${ROWS}`,
    case: `table + detail, new view, N=${c.domains}`,
    median: fmtMs(c.drawMs.median),
    p99: fmtMs(c.drawMs.p99),
    n: c.drawMs.n,
    ratio: '',
    note: `${verdict(c.drawMs.median <= 5 && c.drawMs.p99 <= 15, 'median <= 5 ms, p99 <= 15 ms')}; ${Math.round(c.bytesPerFrame / 1024)} KiB to the terminal per frame (blessed screen on a null TTY, dist/ui)`,
  }));
}
