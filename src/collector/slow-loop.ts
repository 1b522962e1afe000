// What every slow loop (guest addresses, pools and networks) shares: a
// connection of its own, opened on first use and never the one ticks use;
// one round at a time, never awaited by a tick; and a close that does not
// wait long for a round or a teardown stuck behind a hung call.

import { settleWithin } from '../util/settle.js';

/** close(): how long to wait for a round, then for the connection's teardown */
const CLOSE_WAIT_MS = 1000;

export class SlowLoop<C extends { close(): Promise<void> }> {
  private conn: C | null = null;
  private running: Promise<void> | null = null;
  private isClosed = false;

  constructor(private readonly connect: () => Promise<C>) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /** A round is in flight. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Starts a round unless one runs or the loop is closed; returns at once. */
  start(round: () => Promise<void>): void {
    if (this.isClosed || this.running) return;
    this.running = round().finally(() => {
      this.running = null;
    });
  }

  /** The loop's connection, opened now if need be; null once closed. Rejects when it cannot be opened. */
  async connection(): Promise<C | null> {
    if (this.conn) return this.conn;
    const c = await this.connect();
    if (this.isClosed) {
      await c.close().catch(() => undefined);
      return null;
    }
    this.conn = c;
    return c;
  }

  /** Forgets a connection that is gone, so the next round opens a new one. */
  drop(c: C): void {
    if (this.conn === c) this.conn = null;
    void c.close().catch(() => undefined);
  }

  /** Resolves when the round in flight (if any) is over; for tests and shutdown. */
  async settle(): Promise<void> {
    if (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.isClosed = true;
    // A round can hang (an unresponsive guest agent): give it a moment, then
    // close the connection under it rather than wait.
    await settleWithin(this.settle(), CLOSE_WAIT_MS);
    const c = this.conn;
    this.conn = null;
    // close() queues behind a call still running: the same bound again.
    if (c) await settleWithin(c.close(), CLOSE_WAIT_MS);
  }
}
