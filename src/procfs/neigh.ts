// The host's IPv4 neighbour table, /proc/net/arp: where libvirt's ARP
// address source reads guest addresses from (through netlink). libvirt 9.0's
// netlink parser fails on this kernel ("wrong nlmsg len"), so the address
// loop reads the same table here instead.

import type { ProcFs } from './fs.js';

export interface NeighbourEntry {
  ip: string;
  /** lower case, colon separated */
  mac: string;
  /** host device the neighbour was seen on, e.g. virbr0 */
  device: string;
}

/** ATF_COM: the entry is complete (the MAC is known). */
const ATF_COM = 0x2;

/**
 * Parses /proc/net/arp:
 *   IP address       HW type     Flags       HW address            Mask     Device
 *   169.254.77.12    0x1         0x2         52:54:00:aa:bb:cc     *        virtoplab1
 * Incomplete entries (no MAC yet) are left out.
 */
export function parseProcNetArp(text: string): NeighbourEntry[] {
  const out: NeighbourEntry[] = [];
  const lines = text.split('\n');
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const [ip, , flagsText, mac, , device] = f;
    const flags = Number.parseInt(flagsText, 16);
    if (!Number.isFinite(flags) || (flags & ATF_COM) === 0) continue;
    if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac) || mac === '00:00:00:00:00:00') continue;
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) continue;
    out.push({ ip, mac: mac.toLowerCase(), device });
  }
  return out;
}

/** Reads the table; rejects with the path and reason when it cannot. */
export async function readNeighbours(fs: ProcFs): Promise<NeighbourEntry[]> {
  const r = await fs.readFile('/proc/net/arp');
  if (!r.ok) throw new Error(`/proc/net/arp: ${r.error}`);
  return parseProcNetArp(r.value);
}
