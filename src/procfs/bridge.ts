// Traffic through the host's bridges, from /sys/class/net/BR/statistics: the
// bytes every guest on a libvirt network (and the host) moved through it.
// Bridge names come from network XML, so a name that could leave the
// directory is refused rather than read.

import type { BridgeTraffic } from '../types/sample.js';
import type { ProcFs } from './fs.js';

/** What the kernel accepts as an interface name (IFNAMSIZ 16 with the NUL), minus what could leave /sys/class/net. */
const IFNAME = /^[A-Za-z0-9_.:@-]{1,15}$/;

export function isInterfaceName(name: string): boolean {
  return IFNAME.test(name) && name !== '.' && name !== '..';
}

function counter(text: string): bigint | null {
  const t = text.trim();
  return /^\d{1,20}$/.test(t) ? BigInt(t) : null;
}

/** rx and tx bytes of each bridge; null counters (and the reason) for one that is gone or unreadable. */
export async function readBridgeTraffic(fs: ProcFs, names: readonly string[]): Promise<BridgeTraffic[]> {
  return Promise.all(
    names.map(async (name): Promise<BridgeTraffic> => {
      if (!isInterfaceName(name)) return { name, rxBytes: null, txBytes: null, error: `not an interface name: ${JSON.stringify(name)}` };
      const dir = `/sys/class/net/${name}/statistics`;
      const [rx, tx] = await Promise.all([fs.readFile(`${dir}/rx_bytes`), fs.readFile(`${dir}/tx_bytes`)]);
      const rxBytes = rx.ok ? counter(rx.value) : null;
      const txBytes = tx.ok ? counter(tx.value) : null;
      const error = !rx.ok ? `${dir}/rx_bytes: ${rx.error}` : !tx.ok ? `${dir}/tx_bytes: ${tx.error}` : rxBytes === null || txBytes === null ? `${dir}: not a counter` : null;
      return { name, rxBytes, txBytes, error };
    }),
  );
}
