// Theme roles: the names panes ask for instead of colours. A theme maps each
// role to a style. Roles ending in ".bg" take a single background colour;
// every other role takes a foreground style ("#5fafff bold", "red on black").

export const ROLE_DOCS = {
  'text.fg': 'ordinary text',
  'background.bg': 'background of the whole screen ("default" keeps the terminal\'s)',
  'header.fg': 'header text',
  'header.title': 'program name and clock in the header',
  'header.label': 'labels in the header (CPU, MEM, vCPU:pCPU)',
  'header.value': 'numbers in the header',
  'header.paused': 'the PAUSED badge',
  'host.connected': 'connection status: connected',
  'host.reconnecting': 'connection status: reconnecting',
  'host.failed': 'connection status: failed',
  'table.header': 'column titles of tables',
  'table.header.bg': 'background of the column title row',
  'table.sort': 'title of the column the table is sorted by',
  'selection.fg': 'text of the selected row',
  'selection.bg': 'background of the selected row',
  'inactive.fg': 'rows of inactive (shut off) domains',
  'value.unknown': 'the "-" shown for unknown values',
  'value.init': 'the "init" shown before a domain\'s second sample',
  'state.running': 'state letter: running (R)',
  'state.blocked': 'state letter: blocked (B)',
  'state.paused': 'state letter: paused (P)',
  'state.shutdown': 'state letter: shutting down (D)',
  'state.shutoff': 'state letter: shut off (O)',
  'state.crashed': 'state letter: crashed (X)',
  'state.pmsuspended': 'state letter: suspended by the guest (S)',
  'state.nostate': 'state letter: unknown (?)',
  'gauge.ok': 'gauges and percentages below thresholds.warn',
  'gauge.warn': 'gauges and percentages from thresholds.warn',
  'gauge.crit': 'gauges and percentages from thresholds.crit',
  'gauge.empty': 'unfilled part of a gauge',
  'chart.cpu': 'CPU chart',
  'chart.mem': 'memory chart: balloon current',
  'chart.mem.used': 'memory chart: used inside the guest',
  'chart.mem.rss': 'memory chart: QEMU resident set',
  'chart.disk': 'disk chart: reads',
  'chart.disk.write': 'disk chart: writes',
  'chart.net': 'network chart: received',
  'chart.net.tx': 'network chart: sent',
  'chart.label': 'chart titles and scales',
  'pane.title': 'title bars of panes and views',
  'pane.border': 'separator lines',
  'status.info': 'status line: information',
  'status.ok': 'status line: a command worked',
  'status.warn': 'status line: warnings',
  'status.error': 'status line: errors',
  'prompt.fg': 'prompt label (Filter:, Interval:)',
  'help.key': 'key names in the help screen',
  'help.section': 'section titles in the help screen',
  'overlay.bg': 'background of the help screen and the column chooser',
} as const;

export type Role = keyof typeof ROLE_DOCS;
export const ROLES = Object.keys(ROLE_DOCS) as Role[];

export function isRole(k: string): k is Role {
  return Object.prototype.hasOwnProperty.call(ROLE_DOCS, k);
}

export function isBackgroundRole(r: Role): boolean {
  return r.endsWith('.bg');
}

/** A colour as a theme gives it: terminal default, one of the 16 ANSI colours, a 256-palette index or RGB. */
export type Color =
  | { kind: 'default' }
  | { kind: 'ansi'; n: number }
  | { kind: 'palette'; n: number }
  | { kind: 'rgb'; r: number; g: number; b: number };

export interface Style {
  fg: Color | null;
  bg: Color | null;
  bold: boolean;
  underline: boolean;
  inverse: boolean;
}

export const PLAIN: Style = Object.freeze({ fg: null, bg: null, bold: false, underline: false, inverse: false });

export interface Thresholds {
  /** percent from which a value is drawn with gauge.warn */
  warn: number;
  /** percent from which a value is drawn with gauge.crit */
  crit: number;
}

export interface Theme {
  name: string;
  /** file it came from, or "(built-in)" */
  source: string;
  styles: Record<Role, Style>;
  thresholds: Thresholds;
}
