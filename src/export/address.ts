// --prometheus [ADDR]:PORT → where to listen. Pure, so the CLI can reject a
// bad address before anything connects.

import { isIPv4, isIPv6 } from 'node:net';

export const DEFAULT_PROMETHEUS_HOST = '127.0.0.1';
export const DEFAULT_PROMETHEUS_PORT = 9177;

export interface ListenAddress {
  host: string;
  /** 0 picks a free port (the one taken is printed at start) */
  port: number;
}

export class AddressError extends Error {}

function parsePort(raw: string, whole: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new AddressError(`--prometheus: '${whole}' has no valid port (expected [ADDR]:PORT with PORT 0-65535, e.g. 127.0.0.1:9177)`);
  }
  return Number(raw);
}

/**
 * Accepts PORT, :PORT, IPV4:PORT, [IPV6]:PORT, localhost:PORT, or nothing
 * (127.0.0.1:9177). Host names other than localhost are refused: an exporter
 * binds to an address of this machine, and a name could resolve to several.
 */
export function parseListenAddress(raw: string): ListenAddress {
  const s = raw.trim();
  if (s === '') return { host: DEFAULT_PROMETHEUS_HOST, port: DEFAULT_PROMETHEUS_PORT };
  if (/^\d+$/.test(s)) return { host: DEFAULT_PROMETHEUS_HOST, port: parsePort(s, raw) };
  let host: string;
  let port: string;
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(s);
  if (v6) {
    host = v6[1];
    port = v6[2];
    if (!isIPv6(host)) throw new AddressError(`--prometheus: '${host}' is not an IPv6 address`);
  } else {
    const i = s.lastIndexOf(':');
    if (i < 0) throw new AddressError(`--prometheus: '${raw}' has no port (expected [ADDR]:PORT, e.g. 127.0.0.1:9177 or :9177)`);
    host = s.slice(0, i);
    port = s.slice(i + 1);
    if (host === '') host = DEFAULT_PROMETHEUS_HOST;
    else if (host.includes(':')) throw new AddressError(`--prometheus: write an IPv6 address in brackets, e.g. [::1]:9177`);
    else if (host !== 'localhost' && !isIPv4(host)) {
      throw new AddressError(`--prometheus: '${host}' is not an IP address of this machine (use e.g. 127.0.0.1, 0.0.0.0 or [::1])`);
    }
  }
  return { host, port: parsePort(port, raw) };
}

/** host:port as a URL authority (IPv6 in brackets). */
export function formatAddress(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
