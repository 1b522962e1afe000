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
    const noDriver = { name: null, type: null, cache: null, discard: null };
    const facts = { driver: noDriver, protocol: null, serial: null };
    expect(d.disks).toEqual([
      { target: 'vda', source: '/var/lib/libvirt/images/web 01.qcow2', device: 'disk', bus: 'virtio', type: 'file', ...facts },
      { target: 'vdb', source: '/dev/vg/data', device: 'disk', bus: 'virtio', type: 'block', ...facts },
      { target: 'vdc', source: 'default/v1', device: 'disk', bus: 'virtio', type: 'volume', ...facts },
      { target: 'sda', source: null, device: 'cdrom', bus: 'sata', type: 'file', ...facts },
    ]);
    expect(d.nics).toEqual([
      // a network interface in the live XML names its bridge too; a direct (macvtap) one has none
      { target: 'vnet3', mac: '52:54:00:aa:bb:cc', type: 'network', source: 'default', bridge: 'virbr0', model: 'virtio', mtu: null },
      { target: null, mac: '52:54:00:aa:bb:cd', type: 'bridge', source: 'br0', bridge: 'br0', model: null, mtu: null },
      { target: 'macvtap0', mac: '52:54:00:aa:bb:ce', type: 'direct', source: 'eno1', bridge: null, model: null, mtu: null },
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

describe('titles and OpenStack Nova metadata', () => {
  const domain = (inner: string) => `<domain type='kvm'><name>instance-0000a1b2</name><uuid>5a1c0f3e-aaaa-bbbb-cccc-000000000001</uuid>${inner}</domain>`;
  const NOVA = `<metadata>
    <nova:instance xmlns:nova="http://openstack.org/xmlns/libvirt/nova/1.1">
      <nova:package version="27.1.0"/>
      <nova:name>billing-db-02</nova:name>
      <nova:creationTime>2026-11-30 09:12:44</nova:creationTime>
      <nova:flavor name="m1.large">
        <nova:memory>8192</nova:memory>
        <nova:disk>80</nova:disk>
        <nova:swap>0</nova:swap>
        <nova:ephemeral>0</nova:ephemeral>
        <nova:vcpus>4</nova:vcpus>
      </nova:flavor>
      <nova:owner>
        <nova:user uuid="9e1f0c2a41d94c7fb1f6b0a9a1c2d3e4">alice</nova:user>
        <nova:project uuid="3b5c57d6102f4c2bbb6361807ae1368c">billing</nova:project>
      </nova:owner>
      <nova:root type="image" uuid="2d4e6f80-1234-5678-9abc-def012345678"/>
    </nova:instance>
  </metadata>`;

  it('reads the instance, flavor, project and user Nova wrote; the instance UUID is the domain UUID', () => {
    const r = parseDomainXml(domain(NOVA));
    expect(r.ok && r.value.openstack).toEqual({
      instanceName: 'billing-db-02',
      instanceUuid: '5a1c0f3e-aaaa-bbbb-cccc-000000000001',
      flavor: { name: 'm1.large', vcpus: 4, memoryMiB: 8192, diskGiB: 80 },
      projectName: 'billing',
      projectId: '3b5c57d6102f4c2bbb6361807ae1368c',
      userName: 'alice',
      userId: '9e1f0c2a41d94c7fb1f6b0a9a1c2d3e4',
    });
    expect(r.ok && r.value.title).toBeNull();
  });

  it.each([
    ['any prefix bound to Nova\'s namespace (1.0 too)', NOVA.replaceAll('nova:', 'n:').replace('xmlns:nova="http://openstack.org/xmlns/libvirt/nova/1.1"', 'xmlns:n="http://openstack.org/xmlns/libvirt/nova/1.0"'), 'billing-db-02'],
    ['an <instance> of another namespace is not Nova\'s', NOVA.replaceAll('http://openstack.org/xmlns/libvirt/nova/1.1', 'http://example.org/ns'), null],
    ['no metadata', '', null],
    ['metadata of someone else only', '<metadata><app:x xmlns:app="http://example.org/app">1</app:x></metadata>', null],
  ])('%s', (_what, inner, instanceName) => {
    const r = parseDomainXml(domain(inner));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    if (instanceName === null) expect(r.value.openstack).toBeNull();
    else expect(r.value.openstack?.instanceName).toBe(instanceName);
  });

  it('what Nova left out is null, never invented', () => {
    const r = parseDomainXml(domain('<metadata><nova:instance xmlns:nova="http://openstack.org/xmlns/libvirt/nova/1.1"><nova:name>bare</nova:name></nova:instance></metadata>'));
    expect(r.ok && r.value.openstack).toEqual({
      instanceName: 'bare',
      instanceUuid: '5a1c0f3e-aaaa-bbbb-cccc-000000000001',
      flavor: null,
      projectName: null,
      projectId: null,
      userName: null,
      userId: null,
    });
  });

  it('hostile metadata is kept exactly as written (drawing makes it inert), however long', () => {
    const long = 'x'.repeat(10_000);
    const r = parseDomainXml(
      domain(`<title>prod "db" $(id) \u202eevil</title><metadata><nova:instance xmlns:nova="http://openstack.org/xmlns/libvirt/nova/1.1"><nova:name>a &quot;b&quot; &lt;c&gt; \`id\`; ${long}</nova:name></nova:instance></metadata>`),
    );
    expect(r.ok && r.value.title).toBe('prod "db" $(id) \u202eevil');
    expect(r.ok && r.value.openstack?.instanceName).toBe(`a "b" <c> \`id\`; ${long}`);
  });

  it('an empty title is no title', () => {
    const r = parseDomainXml(domain('<title>  </title>'));
    expect(r.ok && r.value.title).toBeNull();
  });
});

describe('disk and NIC facts for the exporters\' info series', () => {
  it('reads <disk type>, <driver>, a network source\'s protocol, <serial>, and <mtu size>', () => {
    const r = parseDomainXml(`<domain type='kvm'><name>d</name><devices>
      <disk type='network' device='disk'><driver name='qemu' type='raw' cache='writeback' discard='unmap'/><source protocol='rbd' name='pool/img'/><target dev='vda' bus='virtio'/><serial>SN-1</serial></disk>
      <disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk>
      <interface type='bridge'><source bridge='br0'/><target dev='tap1'/><mtu size='9000'/></interface>
      <interface type='network'><source network='default'/><target dev='tap2'/></interface>
    </devices></domain>`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.disks.map((d) => [d.type, d.driver, d.protocol, d.serial])).toEqual([
      ['network', { name: 'qemu', type: 'raw', cache: 'writeback', discard: 'unmap' }, 'rbd', 'SN-1'],
      ['file', { name: null, type: null, cache: null, discard: null }, null, null],
    ]);
    expect(r.value.nics.map((n) => n.mtu)).toEqual([9000, null]);
  });
});
