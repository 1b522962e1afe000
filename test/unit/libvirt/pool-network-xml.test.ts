import { describe, expect, it } from 'vitest';
import { parseNetworkXml, parsePoolXml, rangeSize, volumeFormat } from '../../../src/libvirt/pool-network-xml.js';

describe('parsePoolXml', () => {
  it.each<[string, string, { type: string; targetPath: string | null; source: string | null }]>([
    ['dir', `<pool type='dir'><name>default</name><target><path>/var/lib/libvirt/images</path></target></pool>`, { type: 'dir', targetPath: '/var/lib/libvirt/images', source: null }],
    [
      'logical on a PV',
      `<pool type="logical"><name>vg0</name><source><device path="/dev/sdb1"/><name>vg0</name><format type="lvm2"/></source><target><path>/dev/vg0</path></target></pool>`,
      { type: 'logical', targetPath: '/dev/vg0', source: '/dev/sdb1' },
    ],
    [
      'netfs',
      `<pool type='netfs'><name>nfs</name><source><host name='filer.example'/><dir path='/export/vms'/><format type='nfs'/></source><target><path>/mnt/nfs</path></target></pool>`,
      { type: 'netfs', targetPath: '/mnt/nfs', source: 'filer.example:/export/vms' },
    ],
    [
      'rbd (no target)',
      `<pool type='rbd'><name>ceph</name><source><name>rbd-vms</name><host name='mon1' port='6789'/></source></pool>`,
      { type: 'rbd', targetPath: null, source: 'mon1:rbd-vms' },
    ],
  ])('%s', (_what, xml, value) => {
    expect(parsePoolXml(xml)).toEqual({ ok: true, value });
  });

  it('says what is wrong with XML it cannot use', () => {
    expect(parsePoolXml('<domain/>')).toEqual({ ok: false, error: 'pool XML has no <pool> root element' });
    expect(parsePoolXml('<pool><name>x</name></pool>')).toEqual({ ok: false, error: 'pool XML has no type' });
    expect(parsePoolXml('<pool type="dir"><name>x</name></target></pool>').ok).toBe(false);
  });
});

describe('parseNetworkXml', () => {
  it('a NAT network with DHCP', () => {
    const xml = `<network><name>default</name><forward mode='nat'/><bridge name='virbr0' stp='on' delay='0'/>
      <ip address='192.168.122.1' netmask='255.255.255.0'><dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp></ip>
      <ip family='ipv6' address='fd00::1' prefix='64'/></network>`;
    expect(parseNetworkXml(xml)).toEqual({
      ok: true,
      value: { forward: 'nat', bridge: 'virbr0', addresses: ['192.168.122.1/24', 'fd00::1/64'], dhcpRanges: [{ start: '192.168.122.2', end: '192.168.122.254' }] },
    });
  });

  it.each<[string, string, string, string | null]>([
    ['no <forward>: isolated', `<network><name>iso</name><bridge name='virbr9'/></network>`, 'isolated', 'virbr9'],
    ['a host bridge', `<network><name>br</name><forward mode='bridge'/><bridge name='br0'/></network>`, 'bridge', 'br0'],
    ['macvtap passthrough names its device', `<network><name>pt</name><forward mode='passthrough'><interface dev='eno3'/></forward></network>`, 'passthrough', 'eno3'],
    ['<forward/> without a mode is NAT', `<network><name>n</name><forward/></network>`, 'nat', null],
  ])('%s', (_what, xml, forward, bridge) => {
    const r = parseNetworkXml(xml);
    expect(r.ok && r.value.forward).toBe(forward);
    expect(r.ok && r.value.bridge).toBe(bridge);
  });
});

describe('rangeSize', () => {
  it.each<[string, string, number | null]>([
    ['192.168.122.2', '192.168.122.254', 253],
    ['10.0.0.10', '10.0.0.10', 1],
    ['10.0.0.250', '10.0.1.9', 16],
    ['10.0.0.9', '10.0.0.1', null],
    ['fd00::10', 'fd00::ff', null],
  ])('%s - %s → %s', (start, end, n) => {
    expect(rangeSize({ start, end })).toBe(n);
  });
});

describe('volumeFormat', () => {
  it.each<[string, string, string | null]>([
    ['qcow2', "<volume type='file'><name>a</name><target><path>/x/a</path><format type='qcow2'/></target></volume>", 'qcow2'],
    ['raw', '<volume type="file"><name>b</name><target><path>/x/b</path><format type="raw"/></target></volume>', 'raw'],
    ['an LV names none', "<volume type='block'><name>lv</name><target><path>/dev/vg0/lv</path></target></volume>", null],
    ['not XML', '<volume', null],
  ])('%s', (_what, xml, format) => {
    expect(volumeFormat(xml)).toBe(format);
  });
});
