// Pane geometry from the terminal size. Pure, so resizing and the
// small-terminal rule are unit-tested without a terminal.

export const MIN_COLS = 80;
export const MIN_ROWS = 24;

export interface Rect {
  top: number;
  left: number;
  width: number;
  height: number;
}

export interface Layout {
  cols: number;
  rows: number;
  tooSmall: boolean;
  header: Rect;
  /** domain table or the list of views 1-3, including its title row */
  main: Rect;
  /** detail pane of the selected domain, when open (domains view only) */
  detail: Rect | null;
  status: Rect;
}

/** At most this many host lines in the header; more hosts collapse into a "+N more" line. */
export const MAX_HOST_LINES = 4;

export function headerHeight(hosts: number): number {
  const n = Math.max(1, hosts);
  return 1 + Math.min(n, MAX_HOST_LINES) + (n > MAX_HOST_LINES ? 1 : 0);
}

export function computeLayout(cols: number, rows: number, opts: { hosts: number; detailOpen: boolean; view: string }): Layout {
  const tooSmall = cols < MIN_COLS || rows < MIN_ROWS;
  const hh = Math.min(headerHeight(opts.hosts), Math.max(1, rows - 8));
  const header: Rect = { top: 0, left: 0, width: cols, height: hh };
  const status: Rect = { top: Math.max(0, rows - 1), left: 0, width: cols, height: 1 };
  const mainTop = hh;
  const mainHeight = Math.max(0, rows - hh - 1);
  let main: Rect = { top: mainTop, left: 0, width: cols, height: mainHeight };
  let detail: Rect | null = null;
  if (opts.detailOpen && opts.view === 'domains' && !tooSmall) {
    // The table keeps its title and at least 5 rows; the detail pane gets about
    // half the space, more on tall terminals where charts pay off.
    const tableMin = 6;
    const want = Math.round(mainHeight * (rows >= 40 ? 0.55 : 0.5));
    const dh = Math.max(0, Math.min(Math.max(want, 12), mainHeight - tableMin));
    if (dh >= 6) {
      main = { top: mainTop, left: 0, width: cols, height: mainHeight - dh };
      detail = { top: mainTop + mainHeight - dh, left: 0, width: cols, height: dh };
    }
  }
  return { cols, rows, tooSmall, header, main, detail, status };
}
