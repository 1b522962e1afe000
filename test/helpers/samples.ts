// Builders for collector samples in tests: only the fields a test cares
// about need to be given.
import { emptyBalloon } from '../../src/collector/bulk.js';
import type { DomainSample, HostSample, Snapshot } from '../../src/types/sample.js';

export const SEC = 1_000_000_000n;

export function domain(over: Partial<DomainSample> & { uuid: string }): DomainSample {
  return {
    name: over.uuid,
    id: 1,
    state: 'running',
    stateReason: 0,
    persistent: true,
    cpuTimeNs: 0n,
    cpuUserNs: null,
    cpuSystemNs: null,
    vcpusCurrent: 2,
    vcpusMax: 4,
    vcpus: [],
    balloon: emptyBalloon(),
    memMaxKiB: null,
    hasBalloon: true,
    balloonStatsPeriodSec: null,
    disks: [],
    nics: [],
    process: null,
    errors: [],
    ...over,
  };
}

export function host(over: Partial<HostSample> & { monoNs: bigint; domains: readonly DomainSample[] }): HostSample {
  return {
    uri: 'qemu:///system',
    wallMs: Number(over.monoNs / 1_000_000n),
    status: 'connected',
    error: null,
    info: {
      uri: 'qemu:///system',
      hostname: 'hv1',
      model: 'x86_64',
      cpus: 4,
      mhz: 2000,
      memoryKiB: 16n * 1024n * 1024n,
      libvirtVersion: '9.0.0',
    },
    counters: null,
    tickLatencyMs: 1,
    ...over,
  };
}

export function snapshot(seq: number, hosts: HostSample[]): Snapshot {
  return { seq, monoNs: hosts[0]?.monoNs ?? 0n, wallMs: hosts[0]?.wallMs ?? 0, hosts };
}
