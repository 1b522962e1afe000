// The read-write control across a dropped connection: sent at most once.
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/libvirt/connection.js';
import { LibvirtControl } from '../../../src/libvirt/control.js';
import { LibvirtError } from '../../../src/libvirt/errors.js';

const EOF = () => new LibvirtError({ message: 'End of file while reading data: Input/output error', code: 38, domain: 7, call: 'virDomainSetMemoryFlags' });
const CLOSED = () => new LibvirtError({ message: 'internal error: client socket is closed', code: 1, domain: 7, call: 'virDomainSetMemoryFlags' });
const INVALID = () => new LibvirtError({ message: 'Requested operation is not valid: domain is not running', code: 55, domain: 10, call: 'virDomainSetMemoryFlags' });

/** Fake connections, numbered as opened; each answers setMemoryFlags with the next scripted outcome. */
function harness(script: { alive: boolean[]; outcomes: (Error | null)[] }) {
  const sent: string[] = [];
  let opened = 0;
  const open = async (): Promise<Connection> => {
    const n = ++opened;
    return {
      isAlive: async () => script.alive.shift() ?? true,
      setMemoryFlags: async (uuid: string, kib: number) => {
        sent.push(`conn${n} setmem ${uuid} ${kib}`);
        const o = script.outcomes.shift() ?? null;
        if (o) throw o;
      },
      close: async () => undefined,
    } as unknown as Connection;
  };
  const ctl = new LibvirtControl('qemu:///system', { readonly: false, open });
  return { ctl, sent, opened: () => opened };
}

describe('LibvirtControl across a dropped connection', () => {
  it('a connection that died since the last action is replaced before the call is sent', async () => {
    const h = harness({ alive: [true, false], outcomes: [null, null] });
    await h.ctl.setMemory('u', 1000, { live: true, config: false });
    await h.ctl.setMemory('u', 2000, { live: true, config: false });
    expect(h.sent).toEqual(['conn1 setmem u 1000', 'conn2 setmem u 2000']);
  });

  it('refused before it left ("client socket is closed"): sent once more, on a new connection', async () => {
    const h = harness({ alive: [true], outcomes: [CLOSED(), null] });
    await h.ctl.setMemory('u', 1000, { live: true, config: false });
    expect(h.sent).toEqual(['conn1 setmem u 1000', 'conn2 setmem u 1000']);
  });

  it('dropped while waiting for the answer: not sent again, libvirt’s reason and what it means', async () => {
    const h = harness({ alive: [true], outcomes: [EOF()] });
    await expect(h.ctl.setMemory('u', 1000, { live: true, config: false })).rejects.toThrow(
      'the connection to libvirtd dropped during the call (End of file while reading data: Input/output error); it may not have been applied, the table shows the guest as it is at the next tick',
    );
    expect(h.sent).toEqual(['conn1 setmem u 1000']);
    // the next action opens a new connection
    await h.ctl.setMemory('u', 1000, { live: true, config: false });
    expect(h.sent).toEqual(['conn1 setmem u 1000', 'conn2 setmem u 1000']);
  });

  it('any other error passes through as it is, and the connection is kept', async () => {
    const h = harness({ alive: [], outcomes: [INVALID(), null] });
    await expect(h.ctl.setMemory('u', 1000, { live: true, config: false })).rejects.toThrow(/^Requested operation is not valid: domain is not running$/);
    await h.ctl.setMemory('u', 1000, { live: true, config: false });
    expect(h.opened()).toBe(1);
  });
});
