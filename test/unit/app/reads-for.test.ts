// What each kind of run asks the collector to read (src/app/hosts.ts readsFor):
// only what its output shows, and libvirt's own vCPU group wherever an output
// prints libvirt's vCPU counters or keeps the samples.
import { describe, expect, it } from 'vitest';
import { readsFor } from '../../../src/app/hosts.js';

const run = (over: Partial<Parameters<typeof readsFor>[0]> = {}) => ({ batch: false, json: false, csv: null, record: null, prometheus: null, ...over });

describe('readsFor', () => {
  it.each([
    ['the screen', run(), { threads: true, addresses: true, inventory: true, libvirtVcpuStats: false }],
    ['text frames (-b)', run({ batch: true }), { threads: false, addresses: false, inventory: false, libvirtVcpuStats: true }],
    ['--json (Σ vcpu.N.time is printed)', run({ batch: true, json: true }), { threads: true, addresses: true, inventory: true, libvirtVcpuStats: true }],
    ['--csv FILE (-b)', run({ batch: true, csv: '/tmp/x.csv' }), { threads: true, addresses: true, inventory: true, libvirtVcpuStats: true }],
    ['the screen with --csv FILE', run({ csv: '/tmp/x.csv' }), { threads: true, addresses: true, inventory: true, libvirtVcpuStats: true }],
    ['the screen with --record', run({ record: '/tmp/x.rec' }), { threads: true, addresses: true, inventory: true, libvirtVcpuStats: true }],
    ['the exporter', run({ prometheus: { host: '127.0.0.1', port: 9177 } }), { threads: true, addresses: true, inventory: true, libvirtVcpuStats: true }],
  ])('%s', (_what, opts, want) => {
    expect(readsFor(opts)).toEqual(want);
  });
});
