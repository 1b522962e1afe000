// The detail pane's "insight" section: the four CPU numbers of the domain
// (host, guest, steal, overhead), its memory chain (maximum → current →
// used in the guest → QEMU RSS) with the freshness of the guest's stats,
// guest swap and fault rates, and its IP addresses with their source.

import type { DomainView, NicView } from '../../model/view.js';
import type { Palette } from '../../theme/palette.js';
import { formatDuration, formatPercent, humanCount, humanKiB } from '../../util/units.js';
import { cleanText, padEnd } from '../text.js';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${formatPercent(v)}%`);

/** What the guest-stats state means for the user, and what to do. */
export function guestStatsText(d: DomainView): { text: string; warn: boolean } {
  const age = d.guestStatsAgeSec ?? null;
  switch (d.guestStats) {
    case 'ok':
      return { text: age === null ? 'guest stats' : `guest stats ${formatDuration(age)} old`, warn: false };
    case 'stale':
      return { text: `STALE guest stats (${age === null ? '?' : formatDuration(age)} old, over 3 periods)`, warn: true };
    case 'off':
      return { text: 'no guest stats — press m', warn: true };
    case 'waiting':
      return { text: 'stats period set, no report from the guest yet (balloon driver loaded?)', warn: true };
    case 'no-balloon':
      return { text: 'no balloon device: no guest stats', warn: true };
    default:
      return { text: d.active ? 'guest stats unknown' : 'not running', warn: false };
  }
}

/** IPs of one NIC for the NIC tables: "10.0.0.5/24 fe80::1/64 (lease)", "-" when looked up and none, "" when never looked up. */
export function nicAddressText(n: NicView): string {
  if (n.addrs === null || n.addrs === undefined) return '';
  if (n.addrs.length === 0) return n.addrSource ? `- (${n.addrSource})` : '-';
  const list = n.addrs.map((a) => (a.prefix === null ? a.addr : `${a.addr}/${a.prefix}`)).join(' ');
  return `${cleanText(list)}${n.addrSource ? ` (${n.addrSource})` : ''}`;
}

export function insightSection(d: DomainView, width: number, p: Palette): { title: string; header: string; rows: string[]; empty: string } {
  const rows: string[] = [];
  if (d.active) {
    const core = d.cpuCorePercent ?? null;
    const stealSum = d.stealPercent !== null && d.stealPercent !== undefined && d.vcpus ? d.stealPercent * d.vcpus : null;
    const cpu =
      `CPU   host ${pct(d.cpuPercent)} (${pct(core)} of a core) │ guest ${pct(d.vcpuPercent)} of ${d.vcpus ?? '-'} vCPUs │ ` +
      `steal ${pct(d.stealPercent)}/vCPU (${pct(stealSum)} sum)${d.stealAlert ? ' ⚑' : ''} │ ` +
      `overhead ${pct(d.overheadPercent)} (${pct(d.overheadCorePercent)} core${d.overheadSource ? `, ${d.overheadSource}` : ''})`;
    rows.push(d.stealAlert ? p.paint('gauge.crit', padEnd(cpu, width)) : padEnd(cpu, width));
    const gs = guestStatsText(d);
    const used = d.memUsedKiB === null ? '?' : humanKiB(d.memUsedKiB);
    const mem = `MEM   max ${humanKiB(d.memMaxKiB)} → cur ${humanKiB(d.memCurrentKiB)} → used ${used} → rss ${humanKiB(d.rssKiB)} │ ${gs.text}`;
    rows.push(gs.warn ? p.paint('status.warn', padEnd(mem, width)) : padEnd(mem, width));
    const rate = (v: number | null | undefined) => (v === null || v === undefined ? '-' : humanCount(v, 5));
    rows.push(
      padEnd(
        `GUEST swap in ${rate(d.swapInKiBPerSec)} KiB/s, out ${rate(d.swapOutKiBPerSec)} KiB/s │ major faults ${rate(d.majorFaultsPerSec)}/s`,
        width,
      ),
    );
    const a = d.addresses;
    if (a) {
      const list = a.interfaces.flatMap((i) => i.addrs.map((x) => (x.prefix === null ? x.addr : `${x.addr}/${x.prefix}`)));
      const text = a.source === null ? `none found${a.error ? ` (${cleanText(a.error)})` : ''}` : `${cleanText(list.join(' '))} (${a.source})`;
      rows.push(padEnd(`IP    ${text}`, width));
    }
  }
  return {
    title: 'insight',
    header: padEnd('CPU: host · guest · steal · overhead    MEM: max → current → used → RSS', width),
    rows,
    empty: 'not running',
  };
}
