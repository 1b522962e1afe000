// The bench's table: one row per measured figure, grouped by section.
// Pure formatting, so it can be unit tested.

export interface Row {
  section: string;
  case: string;
  /** median, already formatted (e.g. "12.3 ms") */
  median: string;
  /** p99 (nearest rank), formatted */
  p99: string;
  n: number | null;
  /** a ratio against a floor measured side by side, formatted, or '' */
  ratio: string;
  /** target and whether it was met, or a remark */
  note: string;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}

export function fmtMiB(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1048576).toFixed(1)} MiB` : '-';
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r >= 100 ? r.toFixed(0) : r.toFixed(2)}×` : '-';
}

export function fmtCount(n: number): string {
  return Number.isFinite(n) ? (Number.isInteger(n) ? String(n) : n.toFixed(1)) : '-';
}

/** "meets" / "MISSES" against a target, with the target spelled out. */
export function verdict(ok: boolean, target: string): string {
  return `${ok ? 'meets' : 'MISSES'} ${target}`;
}

const HEADERS = ['SECTION', 'CASE', 'MEDIAN', 'P99', 'N', 'RATIO', 'NOTE'] as const;

function cells(r: Row): string[] {
  return [r.section, r.case, r.median, r.p99, r.n === null ? '' : String(r.n), r.ratio, r.note];
}

/** Plain-text table; the last column is not padded. */
export function formatTable(rows: readonly Row[]): string {
  const all = [HEADERS as readonly string[], ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...all.map((c) => [...c[i]].length)));
  const right = new Set([2, 3, 4, 5]);
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => {
        if (i === c.length - 1) return v;
        const pad = ' '.repeat(Math.max(0, widths[i] - [...v].length));
        return right.has(i) ? pad + v : v + pad;
      })
      .join('  ')
      .trimEnd();
  const out = [line(all[0]), line(widths.map((w) => '-'.repeat(w)))];
  let prev = '';
  for (const r of rows) {
    const c = cells(r);
    if (c[0] === prev) c[0] = '';
    else prev = c[0];
    out.push(line(c));
  }
  return out.join('\n');
}
