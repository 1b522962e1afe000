// The column chooser (f): a checklist of the domain table's columns.

import type { Palette } from '../../theme/palette.js';
import { COLUMNS, type ColumnId } from '../table.js';
import { LineBuilder, padEnd } from '../text.js';

export function columnChooserLines(shown: readonly ColumnId[], cursor: number, p: Palette, width: number): string[] {
  const lines: string[] = [];
  lines.push(new LineBuilder(width, p.reset).add('Columns', p.open('pane.title')).addRight('Space toggles, Esc closes ', p.open('chart.label')).toString());
  COLUMNS.forEach((c, i) => {
    const on = shown.includes(c.id);
    const mark = c.id === 'name' ? '[x]' : on ? '[x]' : '[ ]';
    const title = c.id === 'rd' ? 'RDBY/RDRQ' : c.id === 'wr' ? 'WRBY/WRRQ' : c.title('bytes');
    const text = padEnd(` ${mark} ${padEnd(title, 10)} ${c.description}${c.id === 'name' ? ' (always shown)' : ''}`, width);
    lines.push(i === cursor ? `${p.combo('selection.fg', 'selection.bg')}${text}${p.reset}` : on ? text : p.paint('value.unknown', text));
  });
  return lines;
}
