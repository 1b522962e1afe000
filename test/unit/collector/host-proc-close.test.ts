import { describe, expect, it } from 'vitest';

import { HostCollector } from '../../../src/collector/host.js';
import type { ProcProbe } from '../../../src/collector/proc-probe.js';
import { ProcessReader } from '../../../src/procfs/process-reader.js';
import { memoryProcFs } from '../../helpers/memory-procfs.js';

describe('HostCollector.close and the /proc probe', () => {
  it('releases the handles the probe keeps between ticks', async () => {
    const fs = memoryProcFs({
      '/proc/42/stat': `42 (qemu) S 1 ${Array.from({ length: 48 }, (_, i) => (i === 16 ? 1 : 0)).join(' ')}\n`,
      '/proc/42/status': 'Name:\tqemu\nTgid:\t42\nPid:\t42\nVmRSS:\t  10 kB\n',
      '/proc/42/io': 'read_bytes: 1\nwrite_bytes: 2\n',
    });
    const reader = new ProcessReader(fs, { sweepEveryMs: 0 });
    let closes = 0;
    const proc: ProcProbe = {
      findQemuPid: async () => 42,
      readProcess: (pid, opts) => reader.read(pid, opts),
      readHostCounters: async () => ({ cpuTotalNs: null, cpuBusyNs: null, perCpu: [], memTotalKiB: null, memAvailableKiB: null, memFreeKiB: null }),
      close: () => {
        closes++;
        reader.close();
      },
    };
    const hc = new HostCollector('qemu:///system', {
      readonly: true,
      proc,
      connect: async () => {
        throw new Error('no libvirt here');
      },
    });
    expect((await proc.readProcess(42, { threads: false })).rssKiB).toBe(10);
    expect(fs.openHandles).toBe(3);
    await hc.close();
    expect(closes).toBe(1);
    expect(fs.openHandles).toBe(0);
  });
});
