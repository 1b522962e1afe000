// The slice of a libvirt connection the collector uses. The real one is
// src/libvirt Connection; tests pass fakes fed with recorded stats.

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
  | 'close'
  | 'onLifecycle'
  | 'onClose'
  | 'setKeepAlive'
>;

export type Connector = (uri: string, opts: { readonly: boolean }) => Promise<LibvirtSource>;

/** Pulls libvirt's error code out of whatever was thrown, if any. */
export function errorCode(e: unknown): number | null {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'number' ? c : null;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

