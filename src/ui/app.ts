// The interactive screen: owns the blessed boxes and the UI state, draws
// frames from the model's view, and applies what keys and mouse events do
// (worked out in input.ts, without the screen). Knows nothing of libvirt or the collector: what it needs from
// outside goes through UiHooks.

import type { Plan } from '../actions/commands.js';
import type { ActionLogEntry } from '../actions/log.js';
import { logSpec } from './panes/actionlog.js';
import { bulkPreviewLines } from './panes/bulk.js';
import { hostsSpec } from './panes/hosts.js';
import { capacityLines } from './panes/capacity.js';
import { xmlLines, xmlLoaded } from './overlays/xml.js';
import { noisySpec } from './panes/noisy.js';
import { storageSpec } from './panes/storage.js';
import { networksSpec } from './panes/networks.js';
import type { DomainView, ModelView } from '../model/view.js';
import { shortHost } from '../util/uri.js';
import type { Palette } from '../theme/palette.js';
import { blessedColor, mergeStyles } from '../theme/palette.js';
import type { Blessed, BlessedBox, BlessedKey, BlessedMouse, BlessedScreen } from './blessed.js';
import { DerivedRows } from './derived.js';
import type { Frame, HistorySource, RenderOptions } from './frame.js';
import { normalizeKey, type Keymap } from './keymap.js';
import { computeLayout, MIN_COLS, MIN_ROWS, type Layout, type Rect } from './layout.js';
import type { BlessedUnicode } from './canvas.js';
import { Pane } from './pane.js';
import { columnChooserLines } from './panes/columns.js';
import { cpusSpec } from './panes/cpus.js';
import { renderDetail } from './panes/detail.js';
import { disksSpec } from './panes/disks.js';
import { renderDomainTable, RowCache, tablePageSize } from './panes/domains.js';
import { keyInput, mouseInput } from './input.js';
import { renderHeader } from './panes/header.js';
import { helpLines } from './panes/help.js';
import { listPageSize, renderList, type ListSpec } from './panes/list.js';
import { nicsSpec } from './panes/nics.js';
import { renderStatus } from './panes/status.js';
import { reconcile, reconcileList, withStatus } from './state.js';
import { syncReplay } from './rewind.js';
import { placeColumns, sortCycle, type PlacedColumn } from './table.js';
import { center, cleanText } from './text.js';
import type { ActionContext, Reaction, ReplayStatus, StatusLevel, UiState } from './state-types.js';

export interface UiHooks {
  quit(): void;
  setIntervalSec(sec: number): void;
  setPaused(paused: boolean): void;
  /** writes the settings; resolves to a message for the status line */
  writeConfig(state: UiState): Promise<string>;
  /** runs a planned domain action; resolves to what happened, for the status line */
  runAction(plan: Plan): Promise<{ ok: boolean; message: string }>;
  /** runs the tagged domains' plans; resolves to a summary */
  runBulk(plans: Plan[]): Promise<{ ok: boolean; message: string }>;
  /** read pools, volumes, networks and leases again now; says what happens, for the status line */
  refreshInventory?(): string;
  /** the domain's XML (live, or its inactive definition), passwords hidden; absent when there is none to read (a recording) */
  domainXml?(domainKey: string, inactive: boolean): Promise<string>;
  /** writes a backup copy of a domain's XML; resolves to its path */
  saveXml?(domainName: string, xml: string, inactive: boolean): Promise<string>;
  /** the action log, for view L */
  actionLog(): { entries: readonly ActionLogEntry[]; path: string | null };
  /** time controls, only when the screen plays a recording (--replay); Z pauses through setPaused */
  replay?: ReplayHooks;
}

export interface ReplayHooks {
  status(): ReplayStatus;
  /** pause and move one record; false at either end */
  step(delta: 1 | -1): boolean;
  setSpeed(factor: number): void;
  /** show the record in force at wall time `ms` */
  seek(ms: number): void;
}

const EMPTY_VIEW: ModelView = { seq: -1, wallMs: 0, intervalSec: null, hosts: [], domains: [] };

function hostLabel(uri: string): string {
  return cleanText(shortHost(uri));
}

export class TuiApp {
  private state: UiState;
  private view: ModelView = EMPTY_VIEW;
  private drawnSeq = -2;
  private layout: Layout | null = null;
  private placed: PlacedColumn[] = [];
  /** the rows each view shows, worked out once per change of data or of what they depend on */
  private readonly derived = new DerivedRows();
  // Per TuiApp: the palette is fixed for its lifetime, so it need not be part of a row's look.
  private readonly rowCache = new RowCache();
  private readonly panes: { header: Pane; main: Pane; detail: Pane; status: Pane; overlay: Pane; small: Pane };
  private destroyed = false;
  /** ms spent in the last draw() (for the status of slow terminals and benchmarks) */
  lastDrawMs = 0;

  constructor(
    private readonly screen: BlessedScreen,
    blessed: Blessed,
    private readonly palette: Palette,
    private readonly history: HistorySource,
    private readonly keymap: Keymap,
    private readonly hooks: UiHooks,
    initial: UiState,
    private readonly clock: () => number = Date.now,
  ) {
    this.state = initial;
    const base = mergeStyles(palette.theme.styles['text.fg'], palette.theme.styles['background.bg']);
    const overlayBg = mergeStyles(base, palette.theme.styles['overlay.bg']);
    const unicode = (blessed as Blessed & { unicode?: BlessedUnicode }).unicode ?? null;
    const mk = (bg = base): BlessedBox =>
      blessed.box({
        parent: screen,
        top: 0,
        left: 0,
        width: 1,
        height: 1,
        tags: false,
        wrap: false,
        hidden: true,
        style: { fg: blessedColor(bg.fg), bg: blessedColor(bg.bg) },
      });
    this.panes = {
      header: new Pane(
        mk(),
        (f, r) => renderHeader(f, r.width, r.height),
        (f) => [Math.floor(f.nowMs / 1000)],
        unicode,
      ),
      main: new Pane(mk(), (f, r) => this.drawMain(f, r), (f) => [f.state.view === 'log' ? this.hooks.actionLog().entries.length : 0], unicode),
      detail: new Pane(
        mk(),
        (f, r) => renderDetail(f, this.selectedDomain(f), r.width, r.height),
        () => [],
        unicode,
      ),
      status: new Pane(mk(), (f, r) => [renderStatus(f, r.width)], (f) => [Math.floor(f.nowMs / 1000)], unicode),
      overlay: new Pane(
        mk(overlayBg),
        (f, r) => this.drawOverlay(f, r),
        () => [],
        unicode,
      ),
      small: new Pane(mk(), () => [], () => [], unicode),
    };
    screen.on('keypress', (ch, key) => this.onKey(ch, key));
    screen.on('mouse', (m) => this.onMouse(m));
    screen.on('resize', () => this.draw(true));
  }

  get uiState(): UiState {
    return this.state;
  }

  /** New data from the model. */
  setView(view: ModelView): void {
    this.view = view;
    this.draw(false);
  }

  setStatus(text: string, level: StatusLevel): void {
    this.state = withStatus(this.state, text, level, this.clock());
    this.draw(false);
  }

  /** Changes state from outside (tests, the app after a failed action). */
  update(fn: (s: UiState) => UiState): void {
    this.state = fn(this.state);
    this.draw(false);
  }

  destroy(): void {
    this.destroyed = true;
  }

  // ---- derived data ------------------------------------------------------

  private frame(): Frame {
    const { rows } = this.derived.rows(this.view, this.state);
    return {
      view: this.view,
      state: this.state,
      rows,
      palette: this.palette,
      history: this.history,
      nowMs: this.clock(),
      multiHost: this.view.hosts.length > 1,
    };
  }

  private selectedDomain(f: Frame): DomainView | null {
    if (f.state.selectedKey === null) return null;
    return f.rows.find((d) => d.key === f.state.selectedKey) ?? null;
  }

  private pageSize(): number {
    const main = this.layout?.main;
    if (!main) return 10;
    return Math.max(1, this.state.view === 'domains' ? tablePageSize(main.height) : listPageSize(main.height));
  }

  private context(): ActionContext {
    const f = this.frame();
    const keys = this.derived.rows(this.view, this.state).keys;
    const width = this.layout?.main.width ?? this.screen.width;
    const placed = placeColumns(this.state.columns, width, { multiHost: f.multiHost });
    const listKeys = this.state.view === 'domains' ? [] : this.derived.listKeys(f, this.hooks.actionLog().entries.length);
    const byKey = (k: string | null) => (k === null ? null : (this.view.domains.find((d) => d.key === k) ?? null));
    const v = this.state.view;
    const selectedKey =
      v === 'domains' || v === 'cpus' || v === 'hosts' || v === 'log' ? this.state.selectedKey : (listKeys[this.state.listCursor[v]] ?? null);
    return {
      rowKeys: keys,
      pageSize: this.pageSize(),
      listKeys,
      listOpens: this.derived.listOpens(f),
      sortCycle: sortCycle(placed, this.state.io),
      nowMs: this.clock(),
      selected: byKey(selectedKey),
      domain: byKey,
      times: selectedKey === null ? null : (this.history.history(selectedKey)?.times ?? null),
    };
  }

  // ---- drawing -----------------------------------------------------------

  private listSpec(f: Frame, width: number): ListSpec {
    if (f.state.view === 'hosts') return hostsSpec(f, width);
    if (f.state.view === 'noisy') return noisySpec(f, this.derived.noisy(f), width);
    if (f.state.view === 'storage') return storageSpec(f, this.derived.storage(f), width);
    if (f.state.view === 'networks') return networksSpec(f, this.derived.networks(f), width);
    if (f.state.view === 'log') {
      const log = this.hooks.actionLog();
      return logSpec(f, log.entries, log.path, width);
    }
    const l = this.derived.lists(f);
    if (f.state.view === 'cpus') return cpusSpec(f, l.cpus, width);
    if (f.state.view === 'nics') return nicsSpec(f, l.nics, width);
    return disksSpec(f, l.disks, width);
  }

  private drawMain(f: Frame, r: Rect): string[] {
    if (f.state.view === 'domains') {
      const t = renderDomainTable(f, r.width, r.height, hostLabel, this.rowCache);
      this.placed = t.placed;
      return t.lines;
    }
    return renderList(this.listSpec(f, r.width), r.width, r.height, f.palette);
  }

  private overlayRect(layout: Layout): Rect {
    const width = Math.min(layout.cols - 4, 110);
    const top = layout.header.height;
    const height = Math.max(3, layout.rows - top - 1);
    return { top, left: Math.floor((layout.cols - width) / 2), width, height };
  }

  private drawOverlay(f: Frame, r: Rect): string[] {
    const o = f.state.overlay;
    let lines: string[] = [];
    if (o?.kind === 'help') {
      const all = helpLines(this.keymap, f.palette, r.width);
      const maxScroll = Math.max(0, all.length - r.height);
      const scroll = Math.min(o.scroll, maxScroll);
      lines = all.slice(scroll, scroll + r.height);
    } else if (o?.kind === 'columns') {
      lines = columnChooserLines(f.state.columns, o.cursor, f.palette, r.width);
    } else if (o?.kind === 'bulk-preview') {
      lines = bulkPreviewLines(o.bulk, o.scroll, f.palette, r.width, r.height);
    } else if (o?.kind === 'xml') {
      lines = xmlLines(o, r.width, r.height, f.palette);
    } else if (o?.kind === 'capacity') {
      const all = capacityLines(f, this.selectedDomain(f), r.width);
      const scroll = Math.min(o.scroll, Math.max(0, all.length - r.height));
      lines = all.slice(scroll, scroll + r.height);
    }
    const blank = ' '.repeat(r.width);
    while (lines.length < r.height) lines.push(blank);
    return lines.slice(0, r.height);
  }

  draw(force: boolean): void {
    if (this.destroyed || this.screen.destroyed) return;
    const t0 = performance.now();
    const cols = this.screen.width;
    const rowsN = this.screen.height;
    const layout = computeLayout(cols, rowsN, { hosts: this.view.hosts.length, detailOpen: this.state.detailOpen, view: this.state.view });
    this.layout = layout;
    const p = this.panes;
    if (layout.tooSmall) {
      for (const k of ['header', 'main', 'detail', 'status', 'overlay'] as const) p[k].hide();
      const lines: string[] = [];
      const mid = Math.floor(rowsN / 2) - 1;
      for (let i = 0; i < rowsN; i++) {
        if (i === mid) lines.push(this.palette.paint('status.warn', center('Terminal too small', cols)));
        else if (i === mid + 1) lines.push(center(`virtop needs at least ${MIN_COLS}x${MIN_ROWS}; this one is ${cols}x${rowsN}`, cols));
        else if (i === mid + 2) lines.push(this.palette.paint('chart.label', center('enlarge it, or press q to quit', cols)));
        else lines.push(' '.repeat(cols));
      }
      p.small.setLines({ top: 0, left: 0, width: cols, height: rowsN }, lines);
      this.screen.render();
      this.drawnSeq = -2;
      this.lastDrawMs = performance.now() - t0;
      return;
    }
    p.small.hide();

    // Where the replay is (it moves, pauses and ends on its own).
    if (this.hooks.replay) this.state = syncReplay(this.state, this.hooks.replay.status());
    // Keep the selection on screen before drawing.
    const { keys } = this.derived.rows(this.view, this.state);
    if (this.state.view === 'domains') this.state = reconcile(this.state, keys, Math.max(1, tablePageSize(layout.main.height)));
    else {
      const f0 = this.frame();
      const n = this.derived.listKeys(f0, this.hooks.actionLog().entries.length).length;
      this.state = reconcileList(this.state, this.state.view, n, Math.max(1, listPageSize(layout.main.height)));
    }
    const frame = this.frame();
    const opts: RenderOptions = { force, dataSame: this.view.seq === this.drawnSeq };
    p.header.render(frame, layout.header, opts);
    p.main.render(frame, layout.main, opts);
    p.detail.render(frame, layout.detail, opts);
    p.status.render(frame, layout.status, opts);
    const ok = this.state.overlay?.kind;
    if (ok === 'help' || ok === 'columns' || ok === 'bulk-preview' || ok === 'capacity' || ok === 'xml') {
      p.overlay.render(frame, this.overlayRect(layout), opts);
      p.overlay.box.setFront();
    } else p.overlay.hide();
    this.drawnSeq = this.view.seq;
    this.screen.render();
    this.lastDrawMs = performance.now() - t0;
  }

  // ---- input -------------------------------------------------------------

  private apply(next: UiState, reaction: Reaction): void {
    this.state = next;
    if (reaction.quit) {
      this.hooks.quit();
      return;
    }
    if (reaction.setPaused !== undefined) this.hooks.setPaused(reaction.setPaused);
    if (reaction.setIntervalSec !== undefined) this.hooks.setIntervalSec(reaction.setIntervalSec);
    if (reaction.time) this.applyTime(reaction.time);
    if (reaction.writeConfig) {
      this.hooks.writeConfig(this.state).then(
        (msg) => this.setStatus(msg, 'ok'),
        (e: unknown) => this.setStatus((e as Error).message, 'error'),
      );
    }
    if (reaction.runBulk) {
      this.hooks.runBulk(reaction.runBulk).then(
        (r) => this.setStatus(r.message, r.ok ? 'ok' : 'error'),
        (e: unknown) => this.setStatus((e as Error).message, 'error'),
      );
    }
    if (reaction.runPlan) {
      this.hooks.runAction(reaction.runPlan).then(
        (r) => this.setStatus(r.message, r.ok ? 'ok' : 'error'),
        (e: unknown) => this.setStatus((e as Error).message, 'error'),
      );
    }
    if (reaction.loadXml) this.loadXml(reaction.loadXml.domainKey, reaction.loadXml.inactive);
    if (reaction.saveXml) {
      const { domainName, xml, inactive } = reaction.saveXml;
      const save = this.hooks.saveXml;
      if (!save) this.state = withStatus(this.state, 'backups cannot be written here', 'warn', this.clock());
      else save(domainName, xml, inactive).then(
        (path) => this.setStatus(`wrote ${path}`, 'ok'),
        (e: unknown) => this.setStatus((e as Error).message, 'error'),
      );
    }
    if (reaction.refreshInventory) {
      const msg = this.hooks.refreshInventory?.() ?? 'pools and networks are not read here';
      this.state = withStatus(this.state, msg, 'info', this.clock());
    }
    if (reaction.redraw) {
      this.screen.realloc();
      this.draw(true);
      return;
    }
    if (!reaction.none) this.draw(false);
  }

  /** Reads a domain's XML for the XML pane, which shows it when it arrives (unless closed or moved on meanwhile). */
  private loadXml(domainKey: string, inactive: boolean): void {
    const read = this.hooks.domainXml;
    const done = (r: { xml: string } | { error: string }) => {
      if (this.destroyed) return;
      this.state = xmlLoaded(this.state, domainKey, inactive, r);
      this.draw(false);
    };
    if (!read) {
      done({ error: 'the XML cannot be read here (a recording has none)' });
      return;
    }
    read(domainKey, inactive).then(
      (xml) => done({ xml }),
      (e: unknown) => done({ error: (e as Error).message }),
    );
  }

  /** Replay controls (step, speed, jump) through the hooks; a failure goes to the status line. */
  private applyTime(t: NonNullable<Reaction['time']>): void {
    const r = this.hooks.replay;
    if (!r) return;
    try {
      if (t.speed !== undefined) r.setSpeed(t.speed);
      if (t.step !== undefined && !r.step(t.step)) this.state = withStatus(this.state, t.step < 0 ? 'at the first record' : 'at the last record (END)', 'info', this.clock());
      if (t.seekMs !== undefined) r.seek(t.seekMs);
    } catch (e) {
      this.state = withStatus(this.state, (e as Error).message, 'error', this.clock());
    }
  }

  onKey(ch: string | undefined, key: BlessedKey | undefined): void {
    if (this.destroyed) return;
    const name = normalizeKey(ch, key);
    if (name === null) return;
    const [next, reaction] = keyInput(this.state, name, this.keymap, this.context(), this.layout?.tooSmall ?? false);
    this.apply(next, reaction);
  }

  onMouse(m: BlessedMouse): void {
    if (this.destroyed || !this.layout) return;
    const r = mouseInput(this.state, m, this.layout, this.placed, this.keymap, this.context());
    if (r) this.apply(r[0], r[1]);
  }
}
