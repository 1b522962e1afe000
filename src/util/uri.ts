// libvirt URIs: the one place that knows their shape. A URI names a driver
// (qemu, test, ...), maybe a transport (+ssh, +tcp) and a host; what virtop
// does with a host (read its /proc, send keepalives) follows from that.

/** driver[+transport]://[user@]host/path — the parts virtop looks at. */
const URI_PARTS = /^([a-z][a-z0-9.-]*)(?:\+([a-z0-9.-]+))?:\/\/([^/]*)\//i;

/** Whether `text` looks like a libvirt URI (scheme://...), e.g. for --connect and --hosts. */
export function isLibvirtUri(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/\S*$/i.test(text);
}

/** qemu:///system and qemu:///session run guests on this machine; any transport or host part means the /proc we see is not theirs. */
export function isLocalUri(uri: string): boolean {
  const m = URI_PARTS.exec(uri);
  return m !== null && m[1].toLowerCase() === 'qemu' && m[2] === undefined && m[3] === '';
}

/** The QEMU driver, local or remote. */
export function isQemuUri(uri: string): boolean {
  return /^qemu(\+[a-z]+)?:/i.test(uri);
}

/** A connection over a network transport or to a named host: the kind that needs keepalives. */
export function isRemoteUri(uri: string): boolean {
  const m = URI_PARTS.exec(uri);
  return m !== null && (m[2] !== undefined || m[3] !== '');
}

/** Short label for a host: its host name, or driver:path for a local URI (qemu:system). */
export function shortHost(uri: string): string {
  const m = /^[a-z0-9+]+:\/\/([^/]*)\//i.exec(uri);
  if (!m || m[1] === '') return uri.replace(/^([a-z0-9+]+):\/\/\//i, '$1:');
  return m[1].replace(/^[^@]*@/, '');
}
