// The slice of a libvirt connection the collector uses. The real one is
// src/libvirt Connection; tests pass fakes fed with recorded stats.

import { ClosedError, ErrorCode, isConnectionLost, LibvirtError } from '../libvirt/errors.js';
import type { NativeConnection } from '../libvirt/types.js';

export type LibvirtSource = Pick<
  NativeConnection,
  | 'getAllDomainStats'
  | 'listAllDomains'
  | 'domainXml'
  | 'domainInfo'
  | 'nodeInfo'
  | 'nodeCpuStats'
  | 'nodeMemoryStats'
  | 'getHostname'
  | 'getLibVersion'
  | 'blockStats'
  | 'interfaceStats'
  | 'memoryStats'
  | 'vcpus'
  | 'diskErrors'
  | 'close'
  | 'onLifecycle'
  | 'onClose'
  | 'setKeepAlive'
> &
  // Optional: a source without it (fakes, the demo's wrapper) is asked one call at a time.
  Partial<Pick<NativeConnection, 'domainsDetail' | 'domainXmls'>>;

export type Connector = (uri: string, opts: { readonly: boolean }) => Promise<LibvirtSource>;

/** Pulls libvirt's error code out of whatever was thrown, if any. */
export function errorCode(e: unknown): number | null {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'number' ? c : null;
}

/** Whatever was thrown, as an Error (a thrown string or object becomes one). */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

// Plain errors (fakes in tests, or anything not wrapped by src/libvirt) that
// carry one of these virErrorNumber codes also mean the connection is gone:
const PLAIN_LOST_CODES = new Set<number>([ErrorCode.NoConnect, ErrorCode.InvalidConn, ErrorCode.Rpc]);

/** The error says the connection is gone (not just this call failed). */
export function connectionLost(e: unknown): boolean {
  if (e instanceof LibvirtError) return isConnectionLost(e);
  if (e instanceof ClosedError) return true;
  const code = errorCode(e);
  return code !== null && PLAIN_LOST_CODES.has(code);
}
