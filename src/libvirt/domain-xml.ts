// Reads the parts of a domain's XML the collector needs and the stats calls
// do not give: device sources, MACs, which network or bridge a NIC is on,
// and the configured maxima. Parsed once per domain and cached by the
// collector (XML only changes on define or device events).

import { XMLParser } from 'fast-xml-parser';
import { attr, obj, text, type Node } from './xml.js';

export interface DiskDef {
  /** target dev, e.g. vda */
  target: string;
  /** file, block device, volume or network source; null for an empty cdrom */
  source: string | null;
  device: string; // disk, cdrom, floppy, lun
  bus: string | null;
}

export interface NicDef {
  /** host-side target dev (vnet0); null while the domain is inactive */
  target: string | null;
  mac: string | null;
  /** "network" | "bridge" | "direct" | "user" | ... */
  type: string;
  /** network name, bridge name or direct dev */
  source: string | null;
  /** the host bridge it is plugged into: a bridge interface's source, or (live XML) the bridge of its libvirt network */
  bridge: string | null;
  model: string | null;
}

export interface DomainDef {
  name: string;
  uuid: string | null;
  type: string | null;
  maxMemKiB: number | null;
  currentMemKiB: number | null;
  maxVcpus: number | null;
  currentVcpus: number | null;
  disks: DiskDef[];
  nics: NicDef[];
  hasBalloon: boolean;
  /** memballoon <stats period='N'/>, null when absent */
  balloonStatsPeriodSec: number | null;
}

export type DomainXmlResult = { ok: true; value: DomainDef } | { ok: false; error: string };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Devices may appear once or many times; always arrays keeps access uniform.
  isArray: (name) => name === 'disk' || name === 'interface' || name === 'memballoon',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
});

const UNIT_KIB: Record<string, number> = {
  b: 1 / 1024,
  bytes: 1 / 1024,
  k: 1,
  kib: 1,
  kb: 1000 / 1024,
  m: 1024,
  mib: 1024,
  mb: 1e6 / 1024,
  g: 1024 ** 2,
  gib: 1024 ** 2,
  gb: 1e9 / 1024,
  t: 1024 ** 3,
  tib: 1024 ** 3,
  tb: 1e12 / 1024,
};

/** <memory unit='GiB'>4</memory> -> KiB (libvirt's default unit is KiB). */
function memKiB(v: unknown): number | null {
  const t = text(v);
  if (t === null) return null;
  const n = Number(t.trim());
  if (!Number.isFinite(n) || n < 0) return null;
  const unit = (attr(v, 'unit') ?? 'KiB').toLowerCase();
  const f = UNIT_KIB[unit];
  return f === undefined ? null : Math.round(n * f);
}

function intOrNull(s: string | null): number | null {
  if (s === null) return null;
  const n = Number(s.trim());
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export function parseDomainXml(xml: string): DomainXmlResult {
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    return { ok: false, error: `domain XML does not parse: ${(e as Error).message}` };
  }
  const dom = obj(doc.domain);
  if (!dom) return { ok: false, error: 'domain XML has no <domain> root element' };
  const name = text(dom.name);
  if (name === null) return { ok: false, error: 'domain XML has no <name>' };

  const vcpu = dom.vcpu;
  const maxVcpus = intOrNull(text(vcpu));
  const currentVcpus = intOrNull(attr(vcpu, 'current')) ?? maxVcpus;
  const devices = obj(dom.devices) ?? {};

  const disks: DiskDef[] = [];
  for (const d of (devices.disk as unknown[] | undefined) ?? []) {
    const target = attr(obj(d)?.target, 'dev');
    if (target === null) continue;
    const src = obj(d)?.source;
    const source =
      attr(src, 'file') ??
      attr(src, 'dev') ??
      (attr(src, 'pool') !== null ? `${attr(src, 'pool')}/${attr(src, 'volume') ?? ''}` : null) ??
      attr(src, 'name') ??
      attr(src, 'dir');
    disks.push({ target, source, device: attr(d, 'device') ?? 'disk', bus: attr(obj(d)?.target, 'bus') });
  }

  const nics: NicDef[] = [];
  for (const n of (devices.interface as unknown[] | undefined) ?? []) {
    const type = attr(n, 'type') ?? 'unknown';
    const src = obj(n)?.source;
    nics.push({
      target: attr(obj(n)?.target, 'dev'),
      mac: attr(obj(n)?.mac, 'address'),
      type,
      source: attr(src, 'network') ?? attr(src, 'bridge') ?? attr(src, 'dev') ?? null,
      bridge: type === 'bridge' || type === 'network' ? (attr(src, 'bridge') ?? null) : null,
      model: attr(obj(n)?.model, 'type'),
    });
  }

  const balloons = ((devices.memballoon as unknown[] | undefined) ?? []).filter((b) => attr(b, 'model') !== 'none');
  const statsPeriod = balloons.length ? intOrNull(attr(obj(balloons[0])?.stats, 'period')) : null;

  return {
    ok: true,
    value: {
      name,
      uuid: text(dom.uuid),
      type: attr(dom, 'type'),
      maxMemKiB: memKiB(dom.memory),
      currentMemKiB: memKiB(dom.currentMemory) ?? memKiB(dom.memory),
      maxVcpus,
      currentVcpus,
      disks,
      nics,
      hasBalloon: balloons.length > 0,
      balloonStatsPeriodSec: statsPeriod,
    },
  };
}

/**
 * The XML with any password attribute's value replaced. virDomainGetXMLDesc
 * leaves graphics passwords out unless asked for secure information (virtop
 * never asks); this holds even for a server or driver that puts one in.
 * Disk <auth> only references its secret by UUID, which is not the secret.
 */
export function redactSecrets(xml: string): string {
  return xml.replace(/\b(passwd|password)=(['"])[^'"]*\2/g, '$1=$2(hidden)$2');
}
