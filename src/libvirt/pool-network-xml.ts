// Reads the parts of storage pool and network XML that the list calls do
// not give: a pool's type, target path and source; a network's forward
// mode, bridge, addresses and DHCP ranges. Parse failures are answers (ok:
// false with why), never exceptions: the XML comes from the daemon.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { attr, list, obj, text, type Node } from './xml.js';

export interface PoolDef {
  /** dir, fs, netfs, logical, disk, iscsi, rbd, zfs, ... */
  type: string;
  /** where its volumes live on the host (dir, mount point, /dev/VG); null for pools without one (rbd) */
  targetPath: string | null;
  /** what backs it: a device, host:dir, a VG or RBD pool name; null when the XML says nothing */
  source: string | null;
}

export interface DhcpRange {
  start: string;
  end: string;
}

export interface NetworkDef {
  /** nat, route, open, bridge, hostdev, passthrough, private, vepa; 'isolated' when there is no <forward> */
  forward: string;
  /** the bridge it creates or uses, from <bridge name=> or <forward><interface dev=>; null when none is named */
  bridge: string | null;
  /** its addresses, as address/prefix */
  addresses: string[];
  dhcpRanges: DhcpRange[];
}

export type XmlResult<T> = { ok: true; value: T } | { ok: false; error: string };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
});

function root(xml: string, name: string): Node | string {
  // The parser is lenient (it reads unbalanced tags); these XMLs are small and read on a slow loop, so check them.
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return `${name} XML does not parse: ${valid.err.msg} (line ${valid.err.line})`;
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    return `${name} XML does not parse: ${(e as Error).message}`;
  }
  return obj(doc[name]) ?? `${name} XML has no <${name}> root element`;
}

export function parsePoolXml(xml: string): XmlResult<PoolDef> {
  const pool = root(xml, 'pool');
  if (typeof pool === 'string') return { ok: false, error: pool };
  const type = attr(pool, 'type');
  if (type === null) return { ok: false, error: 'pool XML has no type' };
  const target = obj(pool.target);
  const src = obj(pool.source);
  const host = attr(src?.host, 'name');
  const dir = attr(src?.dir, 'path');
  const source =
    attr(list(src?.device)[0], 'path') ??
    (host !== null ? `${host}:${dir ?? text(src?.name) ?? ''}` : null) ??
    text(src?.name) ??
    dir;
  return { ok: true, value: { type, targetPath: text(target?.path), source } };
}

/** A volume's format from its XML (<target><format type='qcow2'/>); null when it names none or does not parse. */
export function volumeFormat(xml: string): string | null {
  const vol = root(xml, 'volume');
  if (typeof vol === 'string') return null;
  return attr(obj(obj(vol.target)?.format), 'type');
}

/** A dotted netmask as a prefix length; null for a mask that is not contiguous ones. */
function maskPrefix(mask: string): number | null {
  const parts = mask.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  const bits = parts.map((p) => p.toString(2).padStart(8, '0')).join('');
  if (!/^1*0*$/.test(bits)) return null;
  const firstZero = bits.indexOf('0');
  return firstZero === -1 ? 32 : firstZero;
}

export function parseNetworkXml(xml: string): XmlResult<NetworkDef> {
  const net = root(xml, 'network');
  if (typeof net === 'string') return { ok: false, error: net };
  const fwd = net.forward;
  const forward = fwd === undefined ? 'isolated' : (attr(fwd, 'mode') ?? 'nat');
  const bridge = attr(net.bridge, 'name') ?? attr(list(obj(fwd)?.interface)[0], 'dev');
  const addresses: string[] = [];
  const dhcpRanges: DhcpRange[] = [];
  for (const ip of list(net.ip)) {
    const address = attr(ip, 'address');
    if (address === null) continue;
    const mask = attr(ip, 'netmask');
    const prefix = attr(ip, 'prefix') ?? (mask !== null ? maskPrefix(mask)?.toString() ?? null : null);
    addresses.push(prefix === null ? address : `${address}/${prefix}`);
    for (const r of list(obj(obj(ip)?.dhcp)?.range)) {
      const start = attr(r, 'start');
      const end = attr(r, 'end');
      if (start !== null && end !== null) dhcpRanges.push({ start, end });
    }
  }
  return { ok: true, value: { forward, bridge, addresses, dhcpRanges } };
}

/** Addresses in an IPv4 range, both ends counted; null for IPv6 or a malformed range. */
export function rangeSize(r: DhcpRange): number | null {
  const n = (a: string): number | null => {
    const p = a.split('.').map(Number);
    if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return null;
    return ((p[0] * 256 + p[1]) * 256 + p[2]) * 256 + p[3];
  };
  const a = n(r.start);
  const b = n(r.end);
  return a === null || b === null || b < a ? null : b - a + 1;
}
