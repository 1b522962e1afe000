import { describe, expect, it } from 'vitest';
import { parseDomainXml } from '../../../src/libvirt/domain-xml.js';

const XML = `<domain type='kvm' id='7'>
  <name>web &amp; "db" &lt;01&gt;</name>
  <uuid>0f8b2d9c-1111-2222-3333-444455556666</uuid>
  <memory unit='KiB'>4194304</memory>
  <currentMemory unit='GiB'>2</currentMemory>
  <vcpu placement='static' current='2'>8</vcpu>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/web 01.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='block' device='disk'><source dev='/dev/vg/data'/><target dev='vdb' bus='virtio'/></disk>
    <disk type='volume' device='disk'><source pool='default' volume='v1'/><target dev='vdc' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk>
    <interface type='network'>
      <mac address='52:54:00:aa:bb:cc'/><source network='default' portid='0b8c5e8e-1d3c-4e5a-9d5e-2f4c1a0b9c11' bridge='virbr0'/><target dev='vnet3'/><model type='virtio'/>
    </interface>
    <interface type='bridge'><mac address='52:54:00:aa:bb:cd'/><source bridge='br0'/></interface>
    <interface type='direct'><mac address='52:54:00:aa:bb:ce'/><source dev='eno1' mode='vepa'/><target dev='macvtap0'/></interface>
    <memballoon model='virtio'><stats period='5'/></memballoon>
  </devices>
</domain>`;

describe('parseDomainXml', () => {
  it('reads devices, maxima and balloon settings', () => {
    const r = parseDomainXml(XML);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const d = r.value;
    expect(d.name).toBe('web & "db" <01>');
    expect(d.type).toBe('kvm');
    expect(d.maxMemKiB).toBe(4194304);
    expect(d.currentMemKiB).toBe(2 * 1024 * 1024);
    expect([d.maxVcpus, d.currentVcpus]).toEqual([8, 2]);
    expect(d.disks).toEqual([
      { target: 'vda', source: '/var/lib/libvirt/images/web 01.qcow2', device: 'disk', bus: 'virtio' },
      { target: 'vdb', source: '/dev/vg/data', device: 'disk', bus: 'virtio' },
      { target: 'vdc', source: 'default/v1', device: 'disk', bus: 'virtio' },
      { target: 'sda', source: null, device: 'cdrom', bus: 'sata' },
    ]);
    expect(d.nics).toEqual([
      // a network interface in the live XML names its bridge too; a direct (macvtap) one has none
      { target: 'vnet3', mac: '52:54:00:aa:bb:cc', type: 'network', source: 'default', bridge: 'virbr0', model: 'virtio' },
      { target: null, mac: '52:54:00:aa:bb:cd', type: 'bridge', source: 'br0', bridge: 'br0', model: null },
      { target: 'macvtap0', mac: '52:54:00:aa:bb:ce', type: 'direct', source: 'eno1', bridge: null, model: null },
    ]);
    expect(d.hasBalloon).toBe(true);
    expect(d.balloonStatsPeriodSec).toBe(5);
  });

  it('handles a minimal domain and no balloon', () => {
    const r = parseDomainXml(`<domain type='qemu'><name>x</name><memory>1024</memory><vcpu>1</vcpu><devices><memballoon model='none'/></devices></domain>`);
    expect(r.ok && r.value).toMatchObject({ name: 'x', maxMemKiB: 1024, currentMemKiB: 1024, maxVcpus: 1, currentVcpus: 1, disks: [], nics: [], hasBalloon: false, balloonStatsPeriodSec: null });
  });

  it.each([
    ['', 'no <domain>'],
    ['<notdomain/>', 'no <domain>'],
    ['<domain><uuid>x</uuid></domain>', 'no <name>'],
  ])('rejects %j with a reason', (xml, reason) => {
    const r = parseDomainXml(xml);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(reason);
  });

  it('never throws on generated garbage', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pieces = ['<domain>', '</domain>', '<name>', '</name>', '<devices>', '<disk', ' dev=', "'", '"', '&', '&amp;', '<', '>', '/>', 'x', '\u0000', '<![CDATA[', ']]>', '<!--'];
    for (let i = 0; i < 1000; i++) {
      let s = '';
      const n = Math.floor(rnd() * 30);
      for (let j = 0; j < n; j++) s += pieces[Math.floor(rnd() * pieces.length)];
      const r = parseDomainXml(s);
      expect(typeof r.ok).toBe('boolean');
    }
  });
});
