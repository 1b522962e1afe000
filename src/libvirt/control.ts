// HostControl backed by libvirt. Monitoring runs on a read-only connection;
// this opens a separate read-write one only when the first action is asked
// for, so a user with read-only access can still watch and gets a clear
// message when trying to act.

import type { ChangeScope, HostControl } from '../types/control.js';
import { Connection } from './connection.js';
import { isConnectionLost, LibvirtError } from './errors.js';
import { withAccessHint } from './hints.js';
import { ModifyFlags } from './types.js';

export class ActionsDisabledError extends Error {}

function flagsFor(scope: ChangeScope): number {
  return (scope.live ? ModifyFlags.Live : 0) | (scope.config ? ModifyFlags.Config : 0);
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
      const open = this.opts.open ?? ((u: string) => Connection.open(u, { readonly: false }));
      this.conn = open(this.uri).catch((e: unknown) => {
        this.conn = null;
        const why = e instanceof Error ? e.message : String(e);
        throw new Error(`cannot open a read-write connection to ${this.uri} (monitoring continues read-only): ${withAccessHint(why)}`);
      });
    }
    return this.conn;
  }

  private async run(fn: (c: Connection) => Promise<void>): Promise<void> {
    const c = await this.connection();
    try {
      await fn(c);
    } catch (e) {
      // A dead read-write connection is reopened on the next action.
      if (e instanceof LibvirtError && isConnectionLost(e)) {
        this.conn = null;
        void c.close().catch(() => undefined);
      }
      throw e;
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
