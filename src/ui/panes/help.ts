// Help screen: every bound key by section (built from the keymap, so user
// overrides show), the reserved keys, and what the columns mean.

import type { Palette } from '../../theme/palette.js';
import { Command, DEFAULT_BINDINGS, keyLabel, keysFor, type Keymap } from '../keymap.js';
import { MIN_COLS, MIN_ROWS } from '../layout.js';
import { COLUMNS } from '../table.js';
import { LineBuilder, padEnd } from '../text.js';

const SECTIONS = ['Move', 'Views', 'Sort', 'Show', 'Refresh', 'Act', 'Other'] as const;

export function helpLines(keymap: Keymap, p: Palette, width: number): string[] {
  const lines: string[] = [];
  const keyW = 22;
  const line = () => new LineBuilder(width, p.reset);
  lines.push(line().add('virtop — keys', p.open('pane.title')).addRight('any key closes, ↑/↓ scroll ', p.open('chart.label')).toString());
  for (const section of SECTIONS) {
    lines.push(line().toString());
    lines.push(line().add(section, p.open('help.section')).toString());
    for (const cmd of Object.values(Command)) {
      const info = DEFAULT_BINDINGS[cmd];
      if (info.section !== section) continue;
      const keys = keysFor(cmd, keymap).map(keyLabel).join(' ');
      lines.push(line().add('  ').add(padEnd(keys, keyW), p.open('help.key')).add(info.help).toString());
    }
    if (section === 'Move') {
      lines.push(line().add('  ').add(padEnd('mouse', keyW), p.open('help.key')).add('click a row to select it, wheel to scroll, click a column title to sort').toString());
    }
  }
  lines.push(line().toString());
  lines.push(line().add('Columns (f chooses which are shown)', p.open('help.section')).toString());
  for (const c of COLUMNS) {
    const title = c.id === 'rd' ? 'RDBY/RDRQ' : c.id === 'wr' ? 'WRBY/WRRQ' : c.title('bytes');
    lines.push(line().add('  ').add(padEnd(title, keyW), p.open('help.key')).add(c.description).toString());
  }
  lines.push(line().toString());
  lines.push(line().add('Notes', p.open('help.section')).toString());
  for (const note of [
    '"-" means unknown (never a measured 0); "init" means a rate needs a second sample.',
    'Inactive domains are dimmed and kept at the bottom. Units are binary: K = 1024.',
    `Below ${MIN_COLS}x${MIN_ROWS} the screen asks for a bigger terminal.`,
  ]) {
    lines.push(line().add(`  ${note}`).toString());
  }
  return lines;
}
