import { describe, expect, it } from 'vitest';
import { sortDomains, type SortKey } from '../../../src/model/sort.js';
import type { DomainView } from '../../../src/model/view.js';

/** Only the fields sorting reads; the rest of a DomainView does not matter here. */
function d(name: string, over: Partial<DomainView> = {}): DomainView {
  return {
    name,
    key: name,
    host: 'qemu:///system',
    active: true,
    id: null,
    state: 'running',
    cpuPercent: null,
    vcpuPercent: null,
    memPercent: null,
    memCurrentKiB: null,
    cpuTimeNs: null,
    rdBytesPerSec: null,
    wrBytesPerSec: null,
    ...over,
  } as DomainView;
}

const DOMAINS = [
  d('web', { id: 3, cpuPercent: 12.5, memPercent: 4, cpuTimeNs: 50n }),
  d('Zeta', { id: 1, cpuPercent: 40, memPercent: 4, cpuTimeNs: 900n }),
  d('alpha', { id: 2, cpuPercent: 12.5, memPercent: null, cpuTimeNs: 10n }), // ties with web on %CPU
  d('Ärger', { id: 7, cpuPercent: null, memPercent: 9, rdBytesPerSec: 100, wrBytesPerSec: null }),
  d('mid', { id: 5, cpuPercent: 0, memPercent: 1, rdBytesPerSec: null, wrBytesPerSec: 300 }),
  d('off-b', { active: false, state: 'shutoff' }),
  d('off-a', { active: false, state: 'shutoff' }),
];

describe('sortDomains', () => {
  // Active first, inactive at the bottom whatever the order; unknown values
  // after known ones in both directions; ties by name (locale order: Ä with A).
  it.each<[SortKey, boolean, string[]]>([
    ['cpu', false, ['Zeta', 'alpha', 'web', 'mid', 'Ärger', 'off-a', 'off-b']],
    ['cpu', true, ['mid', 'alpha', 'web', 'Zeta', 'Ärger', 'off-a', 'off-b']],
    ['name', false, ['alpha', 'Ärger', 'mid', 'web', 'Zeta', 'off-a', 'off-b']],
    ['name', true, ['Zeta', 'web', 'mid', 'Ärger', 'alpha', 'off-b', 'off-a']],
    ['id', false, ['Zeta', 'alpha', 'web', 'mid', 'Ärger', 'off-a', 'off-b']],
    ['mem', false, ['Ärger', 'web', 'Zeta', 'mid', 'alpha', 'off-a', 'off-b']],
    ['time', false, ['Zeta', 'web', 'alpha', 'Ärger', 'mid', 'off-a', 'off-b']],
    ['block', false, ['mid', 'Ärger', 'alpha', 'web', 'Zeta', 'off-a', 'off-b']],
  ])('%s (reverse %s)', (key, reverse, names) => {
    expect(sortDomains(DOMAINS, key, reverse).map((x) => x.name)).toEqual(names);
  });

  it('copies: the input keeps its order', () => {
    const before = DOMAINS.map((x) => x.name);
    sortDomains(DOMAINS, 'cpu');
    expect(DOMAINS.map((x) => x.name)).toEqual(before);
  });
});

describe('sorting by autostart', () => {
  // What the AUTO column shows (bootKind): comes back after a reboot, then
  // persistent without autostart, then transient — which libvirt never
  // autostarts, whatever its flag says — and unknown last.
  it('orders as the AUTO column decides, largest first, ties by name', () => {
    const list = [
      d('t-flagged', { persistent: false, autostart: true }),
      d('p-off', { persistent: true, autostart: false }),
      d('unknown', { persistent: true, autostart: null }),
      d('t-unknown', { persistent: false, autostart: null }),
      d('p-on', { persistent: true, autostart: true }),
      d('a-on', { persistent: true, autostart: true }),
    ];
    expect(sortDomains(list, 'autostart').map((x) => x.name)).toEqual(['a-on', 'p-on', 'p-off', 't-flagged', 't-unknown', 'unknown']);
  });
});
