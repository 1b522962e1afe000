// The preview of an operation on tagged domains: each domain, its host and
// the virsh command it amounts to; then what is skipped and why.

import { virshLine, type BulkPlan } from '../../actions/bulk.js';
import { shortHost } from '../../util/uri.js';
import type { Palette } from '../../theme/palette.js';
import { cleanText, LineBuilder, padEnd } from '../text.js';

export function bulkPreviewLines(bulk: BulkPlan, scroll: number, p: Palette, width: number, height: number): string[] {
  const line = () => new LineBuilder(width, p.reset);
  const n = bulk.plans.length;
  const head: string[] = [
    line()
      .add(`Preview: ${bulk.plans[0]?.summary.split(' ')[0] ?? bulk.command} ${n} tagged domain(s)`, p.open('pane.title'))
      .addRight(bulk.skipped.length ? `${bulk.skipped.length} skipped ` : '', p.open('status.warn'))
      .toString(),
    line().toString(),
  ];
  const body: string[] = [];
  for (const plan of bulk.plans) {
    body.push(
      line()
        .add(`  ${padEnd(cleanText(shortHost(plan.host)), 16)} `, p.open('help.key'))
        .add(padEnd(cleanText(plan.domainName), 24))
        .add(` ${cleanText(virshLine(plan))}`, p.open('chart.label'))
        .toString(),
    );
  }
  if (bulk.skipped.length) {
    body.push(line().toString());
    body.push(line().add('  Skipped', p.open('help.section')).toString());
    for (const s of bulk.skipped) body.push(line().add(`  ${cleanText(s.reason)}`, p.open('status.warn')).toString());
  }
  const foot = [
    line().toString(),
    line().add(`  y runs ${n === 1 ? 'it' : `all ${n} (4 at a time)`}; any other key cancels. ↑/↓ scroll.`, p.open('prompt.fg')).toString(),
  ];
  const room = Math.max(1, height - head.length - foot.length);
  const start = Math.min(scroll, Math.max(0, body.length - room));
  return [...head, ...body.slice(start, start + room), ...foot];
}
