import { describe, expect, it } from 'vitest';
import { parseNetDev } from '../../../src/procfs/netdev.js';

// Captured on the lab host (Linux 6.1): two guest taps, their bridge, and a
// name long enough to meet the colon with no space (the kernel pads to 6).
const HEADER =
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
const LAB =
  HEADER +
  '    lo: 547682404   65711    0    0    0     0          0         0 547682404   65711    0    0    0     0       0          0\n' +
  'virtoplab0:    1480      23    0    0    0     0          0        23       54       1    0    1    0     0       0          0\n' +
  ' vnet0:     936      12    0    0    0     0          0         0      990      13    0    0    0     0       0          0\n' +
  ' vnet1:18446744073709551615 11 2 3    0     0          0         0      920      12    4    5    0     0       0          0\n';

describe('parseNetDev', () => {
  it('reads every interface, counters by column, a 64-bit counter whole', () => {
    const r = parseNetDev(LAB);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.names).toEqual(['lo', 'virtoplab0', 'vnet0', 'vnet1']);
    expect([...r.value.counters.keys()]).toEqual(['lo', 'virtoplab0', 'vnet0', 'vnet1']);
    expect(r.value.counters.get('vnet0')).toEqual({ rxBytes: 936n, rxPackets: 12n, rxErrs: 0n, rxDrop: 0n, txBytes: 990n, txPackets: 13n, txErrs: 0n, txDrop: 0n });
    expect(r.value.counters.get('virtoplab0')).toEqual({ rxBytes: 1480n, rxPackets: 23n, rxErrs: 0n, rxDrop: 0n, txBytes: 54n, txPackets: 1n, txErrs: 0n, txDrop: 1n });
    expect(r.value.counters.get('vnet1')).toEqual({ rxBytes: 18446744073709551615n, rxPackets: 11n, rxErrs: 2n, rxDrop: 3n, txBytes: 920n, txPackets: 12n, txErrs: 4n, txDrop: 5n });
  });

  it.each([
    ['no header', ' vnet0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n', /header/],
    ['a short line', HEADER + ' vnet0: 1 2 3\n', /line 3: not 16 counters for "vnet0"/],
    ['a word among the counters', HEADER + ' vnet0: 1 2 3 4 5 6 7 8 x 10 11 12 13 14 15 16\n', /not 16 counters/],
    ['a line without a name', HEADER + '   1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n', /no "name:"/],
    ['a counter of 21 digits', HEADER + ' vnet0: 123456789012345678901 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n', /not 16 counters/],
    ['17 counters', HEADER + ' vnet0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n', /not 16 counters/],
    ['a minus sign', HEADER + ' vnet0: 1 2 3 -4 5 6 7 8 9 10 11 12 13 14 15 16\n', /not 16 counters/],
  ])('refuses the whole text for %s', (_what, text, why) => {
    const r = parseNetDev(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(why);
  });

  it('takes a header alone as no interfaces', () => {
    const r = parseNetDev(HEADER);
    expect(r.ok && r.value.names.length).toBe(0);
  });

  it('parses only the wanted lines, and names them all', () => {
    const bad = LAB + ' vnet9: not counters at all\n';
    const r = parseNetDev(bad, new Set(['vnet0']));
    expect(r.ok && r.value.names).toEqual(['lo', 'virtoplab0', 'vnet0', 'vnet1', 'vnet9']);
    expect(r.ok && [...r.value.counters.keys()]).toEqual(['vnet0']);
    expect(parseNetDev(bad, new Set(['vnet9'])).ok).toBe(false);
  });
});
