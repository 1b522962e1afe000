import { describe, expect, it } from 'vitest';
import { DomainXmlAccess, type XmlSource } from '../../../src/app/domain-xml.js';
import { redactSecrets } from '../../../src/libvirt/domain-xml.js';

describe('redactSecrets', () => {
  it.each([
    ["<graphics type='vnc' port='-1' passwd='s3cret'/>", "<graphics type='vnc' port='-1' passwd='(hidden)'/>"],
    ['<graphics type="spice" passwd="x y"/>', '<graphics type="spice" passwd="(hidden)"/>'],
    ["<auth username='admin'><secret type='ceph' uuid='2a5c'/></auth>", "<auth username='admin'><secret type='ceph' uuid='2a5c'/></auth>"],
  ])('%s', (xml, out) => {
    expect(redactSecrets(xml)).toBe(out);
  });
});

describe('DomainXmlAccess', () => {
  it('reads over one read-only connection per host, live or inactive, never asking for secure information', async () => {
    const calls: string[] = [];
    const opened: string[] = [];
    const src = (uri: string): XmlSource => ({
      domainXml: async (uuid, flags) => (calls.push(`${uri} ${uuid} ${flags}`), "<domain><graphics passwd='p'/></domain>"),
      close: async () => undefined,
    });
    const x = new DomainXmlAccess('/tmp/none', async (uri) => (opened.push(uri), src(uri)));
    expect(await x.read('qemu:///system', 'u1', false)).toBe("<domain><graphics passwd='(hidden)'/></domain>");
    await x.read('qemu:///system', 'u1', true);
    await x.read('qemu+ssh://hv2/system', 'u2', false);
    // flags: 0 live, 2 VIR_DOMAIN_XML_INACTIVE; never 1 (VIR_DOMAIN_XML_SECURE)
    expect(calls).toEqual(['qemu:///system u1 0', 'qemu:///system u1 2', 'qemu+ssh://hv2/system u2 0']);
    expect(opened).toEqual(['qemu:///system', 'qemu+ssh://hv2/system']);
    await x.close();
  });

  it('a connection that cannot be opened is tried again next time', async () => {
    let tries = 0;
    const x = new DomainXmlAccess('/tmp/none', async () => {
      if (++tries === 1) throw new Error('Failed to connect socket');
      return { domainXml: async () => '<domain/>', close: async () => undefined };
    });
    await expect(x.read('qemu:///system', 'u1', false)).rejects.toThrow('Failed to connect socket');
    expect(await x.read('qemu:///system', 'u1', false)).toBe('<domain/>');
  });
});
