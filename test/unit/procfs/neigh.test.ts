import { describe, expect, it } from 'vitest';
import { parseProcNetArp } from '../../../src/procfs/neigh.js';

describe('parseProcNetArp', () => {
  it('keeps complete IPv4 entries, MACs lower-cased, with their device', () => {
    const text = [
      'IP address       HW type     Flags       HW address            Mask     Device',
      '169.254.77.12    0x1         0x2         52:54:00:AA:BB:CC     *        virtoplab1',
      '169.254.77.20    0x1         0x0         00:00:00:00:00:00     *        virtoplab1',
      '10.0.0.1         0x1         0x6         52:54:00:00:00:01     *        br0',
      'garbage line',
      '',
    ].join('\n');
    expect(parseProcNetArp(text)).toEqual([
      { ip: '169.254.77.12', mac: '52:54:00:aa:bb:cc', device: 'virtoplab1' },
      { ip: '10.0.0.1', mac: '52:54:00:00:00:01', device: 'br0' },
    ]);
  });

  it('an empty table (header only) has no entries', () => {
    expect(parseProcNetArp('IP address       HW type     Flags       HW address            Mask     Device\n')).toEqual([]);
  });
});
