// Reads the parts of a domain's XML the collector needs and the stats calls
// do not give: device sources, MACs, which network or bridge a NIC is on,
// and the configured maxima. Parsed once per domain and cached by the
// collector (XML only changes on define or device events).

import { XMLParser } from 'fast-xml-parser';
import { attr, obj, text, type Node } from './xml.js';
import type { OpenStackMeta } from '../types/sample.js';

export interface DiskDef {
  /** target dev, e.g. vda */
  target: string;
  /** file, block device, volume or network source; null for an empty cdrom */
  source: string | null;
  device: string; // disk, cdrom, floppy, lun
  bus: string | null;
  /** <disk type=…>: file, block, network, volume, dir */
  type: string | null;
  /** <driver name type cache discard/>: qemu, qcow2/raw, none/writeback/…, unmap/ignore */
  driver: { name: string | null; type: string | null; cache: string | null; discard: string | null };
  /** <source protocol=…> of a network disk (rbd, nbd, iscsi, …) */
  protocol: string | null;
  serial: string | null;
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
  /** <mtu size=…/>, null when the XML does not set it */
  mtu: number | null;
}

export interface DomainDef {
  name: string;
  /** <title>: a one-line name people gave it (virsh desc --title), null when none */
  title: string | null;
  /** Nova's <metadata><nova:instance>, null on a domain OpenStack did not define */
  openstack: OpenStackMeta | null;
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
    const drv = obj(d)?.driver;
    disks.push({
      target,
      source,
      device: attr(d, 'device') ?? 'disk',
      bus: attr(obj(d)?.target, 'bus'),
      type: attr(d, 'type'),
      driver: { name: attr(drv, 'name'), type: attr(drv, 'type'), cache: attr(drv, 'cache'), discard: attr(drv, 'discard') },
      protocol: attr(src, 'protocol'),
      serial: text(obj(d)?.serial),
    });
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
      mtu: intOrNull(attr(obj(n)?.mtu, 'size')),
    });
  }

  const balloons = ((devices.memballoon as unknown[] | undefined) ?? []).filter((b) => attr(b, 'model') !== 'none');
  const statsPeriod = balloons.length ? intOrNull(attr(obj(balloons[0])?.stats, 'period')) : null;

  const title = text(dom.title);
  return {
    ok: true,
    value: {
      name,
      title: title !== null && title.trim() !== '' ? title : null,
      openstack: novaInstance(dom.metadata, text(dom.uuid)),
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

/** Nova's metadata namespace; the version at the end has changed (1.0, 1.1) and may again. */
const NOVA_NS = /^http:\/\/openstack\.org\/xmlns\/libvirt\/nova\//;

/**
 * Nova's <instance> under <metadata>, found by its namespace (whatever prefix
 * the XML binds to it), or null. Nova's own elements are read; anything else
 * there is someone else's metadata and ignored.
 */
function novaInstance(metadata: unknown, domainUuid: string | null): OpenStackMeta | null {
  const md = obj(metadata);
  if (!md) return null;
  for (const key of Object.keys(md)) {
    const [prefix, local] = key.includes(':') ? key.split(':', 2) : ['', key];
    if (local !== 'instance') continue;
    const inst = obj(md[key]) ?? (md[key] === '' ? {} : null);
    if (!inst) continue;
    const ns = attr(inst, prefix ? `xmlns:${prefix}` : 'xmlns');
    if (ns === null || !NOVA_NS.test(ns)) continue;
    const el = (parent: Node | null, name: string): unknown => (parent ? parent[prefix ? `${prefix}:${name}` : name] : undefined);
    const str = (v: unknown): string | null => {
      const t = text(v);
      return t !== null && t.trim() !== '' ? t.trim() : null;
    };
    const int = (v: unknown): number | null => intOrNull(str(v));
    const flavorEl = el(inst, 'flavor');
    const flavor = flavorEl === undefined ? null : obj(flavorEl) ?? {};
    const owner = obj(el(inst, 'owner'));
    const user = el(owner, 'user');
    const project = el(owner, 'project');
    return {
      instanceName: str(el(inst, 'name')),
      instanceUuid: domainUuid,
      flavor: flavor
        ? {
            name: attr(flavor, 'name'),
            vcpus: int(el(flavor, 'vcpus')),
            memoryMiB: int(el(flavor, 'memory')),
            diskGiB: int(el(flavor, 'disk')),
          }
        : null,
      projectName: str(project),
      projectId: attr(project, 'uuid'),
      userName: str(user),
      userId: attr(user, 'uuid'),
    };
  }
  return null;
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
