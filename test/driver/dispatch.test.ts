// Where libvirt calls run: the binding's own per-connection threads, not
// libuv's pool (native/src/dispatcher.h). A connection whose daemon never
// answers must not hold up other connections or Node's fs I/O, must not keep
// process.exit() from returning, and pending calls (only pending calls) keep
// the process alive. Child processes get their own event loop and pool size.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { addonPath, Connection, isConnectionLost, LibvirtError } from '../../src/libvirt/index.js';
import { runNode } from './helpers/child.js';
import { DEFAULT_URI, sleep, waitFor } from './helpers/env.js';
import { FakeLibvirtd, RemoteProc } from './helpers/fake-libvirtd.js';

const ADDON = JSON.stringify(addonPath());
/** Binding threads per connection (ConnState::kMaxThreads). */
const THREADS_PER_CONNECTION = 4;

let daemon: FakeLibvirtd;
beforeEach(async () => {
  daemon = await FakeLibvirtd.start();
});
afterEach(async () => {
  await daemon.stop();
});

const count = (procs: number[], proc: number) => procs.filter((p) => p === proc).length;

describe('calls run on per-connection threads', () => {
  it('a hung connection runs at most 4 calls at once and queues the rest; all settle on EOF', async () => {
    const c = await Connection.open(daemon.uri);
    daemon.hangProcs.add(RemoteProc.NodeGetInfo);
    const settled: unknown[] = [];
    const calls = Array.from({ length: 10 }, () =>
      c.nodeInfo().then(
        (v) => settled.push(v),
        (e: unknown) => settled.push(e),
      ),
    );
    await waitFor(() => count(daemon.procs, RemoteProc.NodeGetInfo) > 0);
    await sleep(300);
    // At most one call per thread reaches the daemon. (Not always all four:
    // libvirt's client may keep a concurrent call queued inside libvirt while
    // another waits for its reply; with AsyncWorker and a big pool it was the
    // same, and all ten were started.)
    expect(count(daemon.procs, RemoteProc.NodeGetInfo)).toBeLessThanOrEqual(THREADS_PER_CONNECTION);
    expect(settled).toEqual([]);

    // Another connection is not affected.
    const other = await Connection.open(DEFAULT_URI);
    expect((await other.listAllDomains(0)).map((d) => d.name)).toContain('test');
    await other.close();

    daemon.dropClients();
    await Promise.all(calls);
    expect(settled).toHaveLength(10);
    for (const e of settled) {
      expect(e).toBeInstanceOf(LibvirtError);
      expect(isConnectionLost(e)).toBe(true);
    }
    await c.close();
  });

  it('50 concurrent calls on one connection (more than its threads) all resolve', async () => {
    const c = await Connection.open(DEFAULT_URI);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? c.getLibVersion() : c.listAllDomains(0))),
    );
    results.forEach((r, i) => {
      if (i % 2) expect(typeof r).toBe('number');
      else expect(Array.isArray(r)).toBe(true);
    });
    await c.close();
  });
});

describe('in a child process', () => {
  it('a hung connection delays neither fs.promises nor another connection (UV_THREADPOOL_SIZE=1)', async () => {
    daemon.hangProcs.add(RemoteProc.NodeGetInfo);
    const script = `
      const fs = require('node:fs');
      const addon = require(${ADDON});
      const within = (p, ms) => Promise.race([
        p.then(() => 'ok', (e) => 'error: ' + e.message),
        new Promise((r) => setTimeout(() => r('timeout'), ms)),
      ]);
      (async () => {
        const hung = new addon.Connection();
        await hung.open(${JSON.stringify(daemon.uri)}, false);
        let settled = 0;
        for (let i = 0; i < 6; i++) hung.nodeInfo().then(() => settled++, () => settled++);
        console.log('started');
        // The test answers once the daemon holds the calls.
        await new Promise((r) => process.stdin.once('data', r));

        let t = Date.now();
        const fsResult = await within(fs.promises.readFile('/proc/self/stat'), 2000);
        const fsMs = Date.now() - t;

        t = Date.now();
        const other = new addon.Connection();
        const otherResult = await within((async () => {
          await other.open('test:///default', false);
          if (!(await other.listAllDomains(0)).some((d) => d.name === 'test')) throw new Error('no domain');
          await other.close();
        })(), 2000);
        const otherMs = Date.now() - t;

        console.log(JSON.stringify({ fsResult, fsMs, otherResult, otherMs, settled }));
        process.exit(0);
      })();
    `;
    const held = () => count(daemon.procs, RemoteProc.NodeGetInfo) > 0;
    const r = await runNode(script, {
      env: { UV_THREADPOOL_SIZE: '1' },
      onLine: (text, send) => {
        const go = () => setTimeout(() => send('go\n'), 200);
        if (text === 'started') waitFor(held).then(go, go);
      },
    });
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const [started, json] = r.stdout.trim().split('\n');
    expect(started).toBe('started');
    const out = JSON.parse(json!) as Record<string, unknown>;
    expect(out).toMatchObject({ fsResult: 'ok', otherResult: 'ok', settled: 0 });
    expect(out.fsMs).toBeLessThan(2000);
    expect(out.otherMs).toBeLessThan(2000);
    expect(held()).toBe(true);
    expect(count(daemon.procs, RemoteProc.NodeGetInfo)).toBeLessThanOrEqual(THREADS_PER_CONNECTION);
  });

  for (const pool of ['1', undefined]) {
    it(`process.exit(0) returns promptly with hung calls, a hung open and a hung close (UV_THREADPOOL_SIZE=${pool ?? 'default'})`, async () => {
      // `daemon` answers the open, then never answers stats or deregistration;
      // `silent` never answers anything, so an open() there hangs.
      daemon.hangProcs.add(RemoteProc.ConnectGetAllDomainStats);
      daemon.hangProcs.add(RemoteProc.ConnectDomainEventCallbackDeregisterAny);
      const silent = await FakeLibvirtd.start();
      silent.hang = true;
      try {
        const script = `
          const addon = require(${ADDON});
          (async () => {
            const a = new addon.Connection();
            await a.open(${JSON.stringify(daemon.uri)}, false);
            for (let i = 0; i < 5; i++) a.getAllDomainStats(0, 0).catch(() => {});
            const b = new addon.Connection();
            await b.open(${JSON.stringify(daemon.uri)}, false);
            b.getAllDomainStats(0, 0).catch(() => {});
            b.close().catch(() => {});
            new addon.Connection().open(${JSON.stringify(silent.uri)}, false).catch(() => {});
            console.log('started');
            // The test answers once both daemons hold calls.
            await new Promise((r) => process.stdin.once('data', r));
            console.log('exiting');
            process.exit(0);
          })();
        `;
        // Every thread is stuck in libvirt by then: waiting for a reply, or
        // queued inside libvirt's client behind a call that is.
        const stuck = () =>
          count(daemon.procs, RemoteProc.ConnectGetAllDomainStats) > 0 && silent.procs.length > 0;
        const r = await runNode(script, {
          env: { UV_THREADPOOL_SIZE: pool },
          onLine: (text, send) => {
            // (If they never get there, `stuck()` below says so.)
            const go = () => setTimeout(() => send('go\n'), 200);
            if (text === 'started') waitFor(stuck).then(go, go);
          },
        });
        expect(r.stderr).toBe('');
        expect(r.signal).toBeNull(); // not SIGKILLed after 15 s
        expect(r.status).toBe(0);
        expect(r.stdout.trim().split('\n')).toEqual(['started', 'exiting']);
        expect(r.exitAfter('exiting')).toBeLessThan(3000);
        // Calls had reached both daemons, which never answered them.
        expect(stuck()).toBe(true);
      } finally {
        await silent.stop();
      }
    });
  }

  it('a pending call keeps the process alive until it resolves or rejects', async () => {
    daemon.slowProcs.set(RemoteProc.ConnectGetLibVersion, 300);
    daemon.slowProcs.set(RemoteProc.NodeGetInfo, 400); // the fake's reply does not decode: rejects
    const script = `
      const addon = require(${ADDON});
      const c = new addon.Connection();
      c.open(${JSON.stringify(daemon.uri)}, false).then(() => {
        c.getLibVersion().then((v) => console.log('resolved ' + v));
        c.nodeInfo().catch((e) => console.log('rejected ' + e.call));
      });
    `;
    const r = await runNode(script);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['resolved 0', 'rejected virNodeGetInfo']);
  });

  it('a hung call keeps the process alive until the connection drops', async () => {
    daemon.hangProcs.add(RemoteProc.NodeGetInfo);
    let onLine: (text: string) => void = () => {};
    const started = new Promise<void>((resolve) => (onLine = (t) => t === 'started' && resolve()));
    const script = `
      const addon = require(${ADDON});
      const c = new addon.Connection();
      c.open(${JSON.stringify(daemon.uri)}, false).then(() => {
        c.nodeInfo().catch((e) => console.log('rejected ' + e.call));
        console.log('started');
      });
    `;
    const child = runNode(script, { onLine: (t) => onLine(t) });
    await started;
    await waitFor(() => count(daemon.procs, RemoteProc.NodeGetInfo) === 1);
    await sleep(500);
    daemon.dropClients();
    const r = await child;
    expect(r.exitAfter('started')).toBeGreaterThanOrEqual(500); // still running when we dropped it
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['started', 'rejected virNodeGetInfo']);
  });

  for (const target of ['test:///default', 'fake remote daemon'] as const) {
    for (const closeIt of [true, false]) {
      it(`exits at once after its last call on ${target}, ${closeIt ? 'closed' : 'left open and idle'}`, async () => {
        const uri = target === 'test:///default' ? DEFAULT_URI : daemon.uri;
        const script = `
          const addon = require(${ADDON});
          (async () => {
            const c = new addon.Connection();
            await c.open(${JSON.stringify(uri)}, false);
            await c.getLibVersion();
            // Enough at once to start every thread of the connection.
            await Promise.all([c.getHostname(), c.getLibVersion(), c.getLibVersion(), c.getLibVersion(), c.getLibVersion()]);
            ${closeIt ? 'await c.close();' : ''}
            console.log('done');
          })();
        `;
        const r = await runNode(script);
        expect(r.stderr).toBe('');
        expect(r.signal).toBeNull();
        expect(r.status).toBe(0);
        expect(r.stdout.trim()).toBe('done');
        // Idle binding threads (they linger 30 s) never hold the process.
        expect(r.exitAfter('done')).toBeLessThan(2000);
      });
    }
  }

  describe('worker threads (environment teardown)', () => {
    it('workers that finish their calls end cleanly, one after another', async () => {
      const script = `
        const { Worker } = require('node:worker_threads');
        const body = \`
          const addon = require(${ADDON});
          const { parentPort } = require('node:worker_threads');
          (async () => {
            const c = new addon.Connection();
            await c.open('test:///default', false);
            const n = (await Promise.all([c.listAllDomains(0), c.getLibVersion(), c.nodeInfo()])).length;
            await c.close();
            parentPort.postMessage(n);
          })();
        \`;
        (async () => {
          for (let i = 0; i < 3; i++) {
            const w = new Worker(body, { eval: true });
            let msg = null;
            w.on('message', (m) => (msg = m));
            const code = await new Promise((r) => w.on('exit', r));
            console.log('worker ' + i + ' exit=' + code + ' results=' + msg);
          }
        })();
      `;
      const r = await runNode(script);
      expect(r.stderr).toBe('');
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split('\n')).toEqual([0, 1, 2].map((i) => `worker ${i} exit=0 results=3`));
    });

    it('terminating a worker with hung calls is safe, also when they finish later', async () => {
      daemon.hangProcs.add(RemoteProc.NodeGetInfo);
      let onLine: (text: string) => void = () => {};
      const terminated = new Promise<void>((resolve) => (onLine = (t) => t === 'terminated' && resolve()));
      const script = `
        const { Worker } = require('node:worker_threads');
        const body = \`
          const addon = require(${ADDON});
          const { parentPort } = require('node:worker_threads');
          const c = new addon.Connection();
          c.open(${JSON.stringify(daemon.uri)}, false).then(() => {
            for (let i = 0; i < 6; i++) c.nodeInfo().catch(() => {});
            setTimeout(() => parentPort.postMessage('started'), 200);
          });
        \`;
        const w = new Worker(body, { eval: true });
        w.on('message', async () => {
          const code = await w.terminate();
          console.log('terminated');
          // The test now drops the daemon's clients: the hung calls finish
          // on their threads after the worker's environment is gone.
          setTimeout(() => console.log('done code=' + code), 1000);
        });
      `;
      const child = runNode(script, { onLine: (t) => onLine(t) });
      await terminated;
      // The calls outlive the worker: its threads are still waiting in them.
      await waitFor(() => count(daemon.procs, RemoteProc.NodeGetInfo) > 0);
      daemon.dropClients();
      const r = await child;
      expect(r.stderr).toBe('');
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split('\n')).toEqual(['terminated', 'done code=1']);
    });
  });
});
