import { describe, expect, it } from 'vitest';
import { isInterfaceName, readBridgeTraffic } from '../../../src/procfs/bridge.js';
import { memoryProcFs } from '../../helpers/memory-procfs.js';

describe('readBridgeTraffic', () => {
  const fs = memoryProcFs({
    '/sys/class/net/virbr0/statistics/rx_bytes': '123456789\n',
    '/sys/class/net/virbr0/statistics/tx_bytes': '18446744073709551615\n',
    '/sys/class/net/br0/statistics/rx_bytes': 'garbage\n',
    '/sys/class/net/br0/statistics/tx_bytes': '5\n',
  });

  it('reads both counters of each bridge, exact past 2^53', async () => {
    expect(await readBridgeTraffic(fs, ['virbr0'])).toEqual([{ name: 'virbr0', rxBytes: 123456789n, txBytes: 18446744073709551615n, error: null }]);
  });

  it('a bridge that is gone or does not read as a counter has nulls and says why', async () => {
    const [gone, bad] = await readBridgeTraffic(fs, ['virbr9', 'br0']);
    expect(gone).toMatchObject({ name: 'virbr9', rxBytes: null, txBytes: null });
    expect(gone.error).toMatch(/^\/sys\/class\/net\/virbr9\/statistics\/rx_bytes: /);
    expect(bad).toEqual({ name: 'br0', rxBytes: null, txBytes: 5n, error: '/sys/class/net/br0/statistics: not a counter' });
  });

  it('refuses a name from XML that could leave /sys/class/net, without reading anything', async () => {
    const [r] = await readBridgeTraffic(fs, ['../../../etc']);
    expect(r).toEqual({ name: '../../../etc', rxBytes: null, txBytes: null, error: 'not an interface name: "../../../etc"' });
  });

  it.each<[string, boolean]>([
    ['virbr0', true],
    ['br-lan.100', true],
    ['vnet0@if3', true],
    ['..', false],
    ['a/b', false],
    ['sixteen-chars-xx', false],
    ['', false],
    ['tab\tname', false],
  ])('isInterfaceName(%j) = %s', (name, ok) => {
    expect(isInterfaceName(name)).toBe(ok);
  });
});
