// htop-style meter: [|||||||      42.0%] with the label drawn over the
// empty part, coloured by the theme's thresholds. Exactly `width` cells.

import type { Palette } from '../theme/palette.js';
import type { Role } from '../theme/roles.js';

export function gauge(
  percent: number | null,
  width: number,
  label: string,
  palette: Palette,
  labelRole: Role = 'header.value',
  plain = false,
): string {
  if (width < 4) return ' '.repeat(Math.max(0, width));
  const paint = plain ? (_r: Role, t: string) => t : (r: Role, t: string) => palette.paint(r, t);
  const inner = width - 2;
  const pct = percent === null || !Number.isFinite(percent) ? null : Math.max(0, Math.min(100, percent));
  const fill = pct === null ? 0 : Math.round((pct / 100) * inner);
  const text = label.length > inner ? label.slice(0, inner) : label;
  const labelStart = inner - text.length;
  const barFilled = Math.min(fill, labelStart);
  const role = pct === null ? 'value.unknown' : palette.gauge(pct);
  return (
    paint('gauge.empty', '[') +
    paint(role, '|'.repeat(barFilled)) +
    ' '.repeat(Math.max(0, labelStart - barFilled)) +
    paint(pct === null ? 'value.unknown' : labelRole, text) +
    paint('gauge.empty', ']')
  );
}
