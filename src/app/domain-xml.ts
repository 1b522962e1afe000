// The domain XML pane's data and its backup copies: the XML comes over a
// read-only connection per host (opened on first use, so it works in
// --readonly mode and never shares the ticks' connection), without secure
// information and with any password that slipped in hidden; a backup goes
// to $XDG_STATE_HOME/virtop/xml.

import { join } from 'node:path';
import { redactSecrets } from '../libvirt/domain-xml.js';
import { Connection } from '../libvirt/connection.js';
import { writeXmlBackup } from '../output/xml-backup.js';
import { settleWithin } from '../util/settle.js';

/** virDomainXMLFlags: the persistent definition rather than the running one. VIR_DOMAIN_XML_SECURE (1) is never passed. */
const XML_INACTIVE = 2;
const CLOSE_WAIT_MS = 1000;

export interface XmlSource {
  domainXml(uuid: string, flags: number): Promise<string>;
  close(): Promise<void>;
}

export class DomainXmlAccess {
  private readonly conns = new Map<string, Promise<XmlSource>>();

  constructor(
    /** where backups go: $XDG_STATE_HOME/virtop/xml */
    readonly backupDir: string,
    private readonly connect: (uri: string) => Promise<XmlSource> = (uri) => Connection.open(uri, { readonly: true }),
  ) {}

  /** The domain's XML as libvirt gives it (live, or its inactive definition), passwords hidden. */
  async read(uri: string, uuid: string, inactive: boolean): Promise<string> {
    let c = this.conns.get(uri);
    if (!c) {
      c = this.connect(uri);
      this.conns.set(uri, c);
      // A failed open is retried next time.
      c.catch(() => this.conns.delete(uri));
    }
    return redactSecrets(await (await c).domainXml(uuid, inactive ? XML_INACTIVE : 0));
  }

  /** Writes a backup copy; resolves to its path. */
  save(domainName: string, xml: string, inactive: boolean, now = new Date()): Promise<string> {
    return writeXmlBackup(this.backupDir, inactive ? `${domainName}-inactive` : domainName, xml, now);
  }

  async close(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await settleWithin(Promise.all(all.map(async (c) => (await c.catch(() => null))?.close().catch(() => undefined))), CLOSE_WAIT_MS);
  }
}

/** $XDG_STATE_HOME/virtop/xml */
export function xmlBackupDir(state: string): string {
  return join(state, 'xml');
}
