// HostControl backed by libvirt. Monitoring runs on a read-only connection;
// this opens a separate read-write one only when the first action is asked
// for, so a user with read-only access can still watch and gets a clear
// message when trying to act.
//
// Across a daemon restart an action is sent at most once. A connection that
// died with the old daemon is noticed before anything is sent on it and a
// new one is opened. A call the daemon may have received before the
// connection dropped is never sent again: it fails with libvirt's reason and
// says it may not have been applied, and the next tick shows the guest as it is.

import type { ChangeScope, HostControl } from '../types/control.js';
import { Connection, KEEPALIVE } from './connection.js';
import { isConnectionLost, LibvirtError } from './errors.js';
import { withAccessHint } from './hints.js';
import { ModifyFlags } from './types.js';

export class ActionsDisabledError extends Error {}

/** libvirt's words for a call refused before it left the client: the socket was already closed. */
const NOT_SENT = /client socket is closed/i;

function flagsFor(scope: ChangeScope): number {
  return (scope.live ? ModifyFlags.Live : 0) | (scope.config ? ModifyFlags.Config : 0);
}

async function openWithKeepAlive(uri: string): Promise<Connection> {
  const c = await Connection.open(uri, { readonly: false });
  // Drivers without keepalive (test://, local in-process ones) refuse it; that is fine.
  // Keepalive as the collector sets it, so a call to a hung daemon fails instead of waiting for ever.
  await c.setKeepAlive(KEEPALIVE.intervalSec, KEEPALIVE.count).catch(() => undefined);
  return c;
}

export class LibvirtControl implements HostControl {
  private conn: Promise<Connection> | null = null;

  constructor(
    readonly uri: string,
    private readonly opts: { readonly: boolean; open?: (uri: string) => Promise<Connection> } = { readonly: false },
  ) {}

  private connection(): Promise<Connection> {
    if (this.opts.readonly) {
      return Promise.reject(new ActionsDisabledError('read-only mode: actions are disabled (--readonly)'));
    }
    if (!this.conn) {
      const open = this.opts.open ?? openWithKeepAlive;
      this.conn = open(this.uri).catch((e: unknown) => {
        this.conn = null;
        const why = e instanceof Error ? e.message : String(e);
        throw new Error(`cannot open a read-write connection to ${this.uri} (monitoring continues read-only): ${withAccessHint(why)}`);
      });
    }
    return this.conn;
  }

  /** Forgets a dead connection, so the next call opens another. */
  private drop(c: Connection): void {
    this.conn = null;
    void c.close().catch(() => undefined);
  }

  /** The connection, replaced first if it died since the last action (a daemon restart). */
  private async liveConnection(): Promise<Connection> {
    const c = await this.connection();
    if (await c.isAlive().catch(() => false)) return c;
    this.drop(c);
    return this.connection();
  }

  private async run(fn: (c: Connection) => Promise<void>): Promise<void> {
    const c = await this.liveConnection();
    try {
      await fn(c);
    } catch (e) {
      if (!(e instanceof LibvirtError && isConnectionLost(e))) throw e;
      this.drop(c);
      // Refused before it was sent: the one case where sending it again cannot apply it twice.
      if (NOT_SENT.test(e.message)) return fn(await this.connection());
      throw new Error(
        `the connection to libvirtd dropped during the call (${e.message}); it may not have been applied, the table shows the guest as it is at the next tick`,
        { cause: e },
      );
    }
  }

  start(uuid: string) {
    return this.run((c) => c.create(uuid));
  }
  shutdown(uuid: string) {
    return this.run((c) => c.shutdown(uuid));
  }
  reboot(uuid: string) {
    return this.run((c) => c.reboot(uuid));
  }
  destroy(uuid: string) {
    return this.run((c) => c.destroy(uuid));
  }
  suspend(uuid: string) {
    return this.run((c) => c.suspend(uuid));
  }
  resume(uuid: string) {
    return this.run((c) => c.resume(uuid));
  }
  setMemory(uuid: string, kib: number, scope: ChangeScope) {
    return this.run((c) => c.setMemoryFlags(uuid, kib, flagsFor(scope)));
  }
  setVcpus(uuid: string, count: number, scope: ChangeScope) {
    return this.run((c) => c.setVcpusFlags(uuid, count, flagsFor(scope)));
  }
  setMemoryStatsPeriod(uuid: string, seconds: number) {
    return this.run((c) => c.setMemoryStatsPeriod(uuid, seconds, ModifyFlags.Live));
  }
  setAutostart(uuid: string, on: boolean) {
    return this.run((c) => c.setAutostart(uuid, on));
  }

  async close(): Promise<void> {
    const c = this.conn;
    this.conn = null;
    if (c) await (await c.catch(() => null))?.close().catch(() => undefined);
  }
}
