// A whole DomainView with plausible values for a running guest on
// qemu:///system (web-01, 2 of 4 vCPUs, 256 of 512 MiB, guest uses 100 MiB);
// tests override what they look at.
import type { DomainView } from '../../src/model/view.js';

export function domainView(over: Partial<DomainView> = {}): DomainView {
  return {
    key: 'qemu:///system#u1',
    host: 'qemu:///system',
    name: 'web-01',
    uuid: 'u1',
    id: 5,
    state: 'running',
    active: true,
    cpuPercent: 1,
    vcpuPercent: 2,
    vcpus: 2,
    maxVcpus: 4,
    memCurrentKiB: 256 * 1024,
    memMaxKiB: 512 * 1024,
    memUsedKiB: 100 * 1024,
    memPercent: 1,
    rssKiB: 1,
    rdBytesPerSec: null,
    wrBytesPerSec: null,
    rdReqPerSec: null,
    wrReqPerSec: null,
    rxBytesPerSec: null,
    txBytesPerSec: null,
    rxPktsPerSec: null,
    txPktsPerSec: null,
    cpuTimeNs: 1n,
    vcpuTimeNs: 1n,
    statsMonoNs: null,
    uptimeSec: 1,
    disks: [],
    nics: [],
    vcpuThreads: [],
    hasBalloon: true,
    balloonStatsPeriodSec: 1,
    errors: [],
    initializing: false,
    ...over,
  };
}
