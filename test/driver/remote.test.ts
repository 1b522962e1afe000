// Behaviour against a (fake) remote libvirtd that hangs or drops the
// connection, and process-exit behaviour. See helpers/fake-libvirtd.ts.
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  ClosedError,
  Connection,
  ErrorCode,
  ErrorDomain,
  LibvirtError,
  addonPath,
  isConnectionLost,
  type CloseEvent,
} from '../../src/libvirt/index.js';
import { FakeLibvirtd, RemoteProc } from './helpers/fake-libvirtd.js';
import { sleep, waitFor } from './helpers/env.js';

let daemon: FakeLibvirtd;
beforeEach(async () => {
  daemon = await FakeLibvirtd.start();
});
afterEach(async () => {
  await daemon.stop();
});

/** Counts 5 ms timer ticks over `ms`: a blocked event loop would count ~0. */
async function timerTicks(ms: number): Promise<number> {
  let ticks = 0;
  const iv = setInterval(() => ticks++, 5);
  await sleep(ms);
  clearInterval(iv);
  return ticks;
}

describe('hung or vanished remote daemon', () => {
  it('open() against a daemon that never answers does not block the event loop', async () => {
    daemon.hang = true;
    let settled = false;
    const opening = Connection.open(daemon.uri).then(
      (c) => c,
      (e: unknown) => e,
    );
    void opening.then(() => (settled = true));
    let immediate = false;
    setImmediate(() => (immediate = true));
    expect(await timerTicks(200)).toBeGreaterThan(10);
    expect(immediate).toBe(true);
    expect(settled).toBe(false);
    expect(daemon.procs.length).toBeGreaterThan(0); // the client did talk to us

    daemon.dropClients();
    const err = await opening;
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).call).toBe('virConnectOpenAuth');
    expect(isConnectionLost(err)).toBe(true);
  });

  it('a call pending on a hung daemon leaves the loop free; EOF rejects it as connection loss', async () => {
    const c = await Connection.open(daemon.uri);
    expect(await c.getLibVersion()).toBe(0); // the fake answers zeros
    const closes: CloseEvent[] = [];
    c.onClose((ev) => closes.push(ev));

    daemon.hang = true;
    let settled = false;
    const pending = c.nodeInfo().then(
      () => null,
      (e: unknown) => e,
    );
    void pending.then(() => (settled = true));
    expect(await timerTicks(200)).toBeGreaterThan(10);
    expect(settled).toBe(false);

    daemon.dropClients();
    const err = await pending;
    expect(err).toBeInstanceOf(LibvirtError);
    const e = err as LibvirtError;
    expect(e.call).toBe('virNodeGetInfo');
    expect(e.code).toBe(ErrorCode.SystemError);
    expect(e.domain).toBe(ErrorDomain.Rpc);
    expect(isConnectionLost(e)).toBe(true);

    // The close callback reports EOF (VIR_CONNECT_CLOSE_REASON_EOF = 1).
    await waitFor(() => closes.length > 0);
    expect(closes).toEqual([{ reason: 1 }]);
    expect(await c.isAlive()).toBe(false);

    // Later calls fail fast with libvirt's "client socket is closed".
    const later = await c.getHostname().catch((x: unknown) => x);
    expect(later).toBeInstanceOf(LibvirtError);
    expect((later as LibvirtError).message).toMatch(/client socket is closed/);
    expect(isConnectionLost(later)).toBe(true);

    await c.close(); // still closes cleanly
    expect(c.isOpen()).toBe(false);
  });

  it('close() while a call hangs: new calls reject at once, both settle when the socket drops', async () => {
    const c = await Connection.open(daemon.uri);
    daemon.hang = true;
    const pending = c.nodeInfo().catch((e: unknown) => e);
    const closing = c.close();
    expect(c.isOpen()).toBe(false);
    await expect(c.getUri()).rejects.toBeInstanceOf(ClosedError);
    expect(await timerTicks(100)).toBeGreaterThan(5);

    daemon.dropClients();
    expect(isConnectionLost(await pending)).toBe(true);
    await expect(closing).resolves.toBeUndefined();
  });

  // libvirt < 10.3.0 (CVE-2024-4418) crashes when calls overlap on one remote
  // connection; the binding must send them one at a time there.
  it('calls on a remote-driver connection go out one at a time (libvirt < 10.3 crashes otherwise)', async () => {
    const c = await Connection.open(daemon.uri);
    daemon.slowProcs.set(RemoteProc.ConnectGetLibVersion, 300);
    const before = daemon.procs.length;
    const first = c.getLibVersion();
    const second = c.getHostname();
    await sleep(150);
    // The slow reply is still out, so the second call has not been sent yet.
    expect(daemon.procs.slice(before)).toEqual([RemoteProc.ConnectGetLibVersion]);
    expect(await first).toBe(0);
    await second;
    const sent = daemon.procs.slice(before);
    expect(sent).toHaveLength(2);
    expect(sent[1]).not.toBe(RemoteProc.ConnectGetLibVersion);
    await c.close();
  });

  it('close() during a hung open() resolves, and the open rejects', async () => {
    // Drive the native class directly: Connection.open() only returns once open.
    const { loadAddon } = await import('../../src/libvirt/addon.js');
    const native = new (loadAddon().Connection)();
    daemon.hang = true;
    const opening = native.open(daemon.uri, true).catch((e: unknown) => e);
    await sleep(50);
    await expect(native.close()).resolves.toBeUndefined();
    await expect(native.close()).rejects.toMatchObject({ closed: true });
    daemon.dropClients();
    const err = (await opening) as Error & { closed?: boolean; code?: number };
    expect(err).toBeInstanceOf(Error);
    // Either libvirt saw EOF first, or the worker noticed the close.
    expect(err.closed === true || typeof err.code === 'number').toBe(true);
    expect(native.isOpen()).toBe(false);
  });
});

describe('process exit', () => {
  // The event-loop thread is detached and listeners are unref'd TSFNs, so a
  // script ends on its own whether or not it closed its connections.
  const script = (closeIt: boolean) => `
    const addon = require(${JSON.stringify(addonPath())});
    (async () => {
      const c = new addon.Connection();
      await c.open('test:///default', false);
      let n = 0;
      c.onLifecycle(() => n++);
      c.onClose(() => {});
      await c.suspend('6695eb01-f6a4-8304-79aa-97f2502e193f');
      await new Promise((r) => setTimeout(r, 50));
      ${closeIt ? 'await c.close();' : ''}
      console.log('events=' + n);
    })();
  `;

  for (const closeIt of [true, false]) {
    it(`exits normally ${closeIt ? 'after close()' : 'with the connection left open'}`, () => {
      const r = spawnSync(process.execPath, ['-e', script(closeIt)], { timeout: 15_000, encoding: 'utf8' });
      expect(r.signal).toBeNull(); // not killed by the timeout
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe('events=1');
    });
  }
});
