// Realistic model views for UI tests: a Model fed with synthetic snapshots
// of N domains (a few inactive), each with disks, NICs and vCPU threads.

import { emptyBalloon } from '../../../src/collector/bulk.js';
import { Model } from '../../../src/model/model.js';
import type { ModelView } from '../../../src/model/view.js';
import { Palette } from '../../../src/theme/palette.js';
import { completeTheme } from '../../../src/theme/validate.js';
import { loadTheme } from '../../../src/theme/load.js';
import type { Frame } from '../../../src/ui/frame.js';
import { filterDomains } from '../../../src/ui/filter.js';
import { sortDomains } from '../../../src/model/sort.js';
import { initialState } from '../../../src/ui/state.js';
import type { DomainSample, HostSample } from '../../../src/types/sample.js';
import { domain, host, SEC, snapshot } from '../../helpers/samples.js';
import { fileURLToPath } from 'node:url';
import type { UiState } from '../../../src/ui/state-types.js';

export const THEMES_DIR = fileURLToPath(new URL('../../../themes', import.meta.url));

export function palette(name = 'default'): Palette {
  const r = loadTheme(name, { themesDir: THEMES_DIR });
  if ('error' in r) throw r.error;
  return new Palette(r.theme);
}

/** A palette with no styles at all: rendered lines are plain text. */
export function plainPalette(): Palette {
  return new Palette(completeTheme({ name: 'plain', extends: null, roles: {}, thresholds: {} }, null, 'test', 'plain'));
}

const GiB = 1024n * 1024n;

export function domainSample(i: number, tick: number, opts: { name?: string; inactive?: boolean } = {}): DomainSample {
  const inactive = opts.inactive ?? false;
  const t = BigInt(tick);
  const k = BigInt(i + 1);
  const vcpus = 1 + (i % 4);
  return domain({
    uuid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    name: opts.name ?? `vm-${String(i).padStart(4, '0')}`,
    id: inactive ? null : i + 1,
    state: inactive ? 'shutoff' : i % 7 === 3 ? 'paused' : 'running',
    cpuTimeNs: inactive ? null : (10n + t * k) * SEC / 10n,
    vcpusCurrent: vcpus,
    vcpusMax: 8,
    balloon: {
      ...emptyBalloon(),
      currentKiB: inactive ? null : 2n * GiB,
      maximumKiB: 4n * GiB,
      availableKiB: inactive ? null : 2n * GiB,
      unusedKiB: inactive ? null : GiB - k * 1000n,
    },
    disks: [
      {
        name: 'vda',
        path: `/var/lib/libvirt/images/vm-${i}.qcow2`,
        rdReqs: inactive ? null : 100n * t * k,
        rdBytes: inactive ? null : 4096n * 100n * t * k,
        wrReqs: inactive ? null : 10n * t * k,
        wrBytes: inactive ? null : 4096n * 10n * t * k,
        errors: 0n,
        capacityBytes: 20n * GiB * 1024n,
        allocationBytes: 5n * GiB * 1024n,
      },
    ],
    nics: [
      {
        name: `vnet${i}`,
        mac: '52:54:00:00:00:01',
        source: 'default',
        rxBytes: inactive ? null : 1500n * 50n * t * k,
        rxPkts: inactive ? null : 50n * t * k,
        rxErrs: 0n,
        rxDrop: 0n,
        txBytes: inactive ? null : 800n * 20n * t * k,
        txPkts: inactive ? null : 20n * t * k,
        txErrs: 0n,
        txDrop: 0n,
      },
    ],
    process: inactive
      ? null
      : {
          pid: 1000 + i,
          rssKiB: 2 * 1024 * 1024 + i,
          ioReadBytes: null,
          ioWriteBytes: null,
          cpuTimeNs: null,
          threads: Array.from({ length: vcpus }, (_, v) => ({
            tid: 10000 + i * 10 + v,
            comm: `CPU ${v}/KVM`,
            vcpu: v,
            cpuTimeNs: (t * SEC * BigInt(v + 1)) / 4n,
            runDelayNs: (t * SEC) / 100n,
            lastCpu: (i + v) % 8,
          })),
          startedWallMs: 0,
          error: null,
        },
  });
}

export function hostSample(domains: DomainSample[], tick: number, uri = 'qemu:///system'): HostSample {
  const mono = BigInt(tick + 1) * 2n * SEC;
  return host({
    uri,
    monoNs: mono,
    wallMs: 1_700_000_000_000 + tick * 2000,
    domains,
    info: { uri, hostname: 'hv1', model: 'x86_64', cpus: 8, mhz: 2400, memoryKiB: 64n * GiB, libvirtVersion: '9.0.0' },
    counters: {
      cpuTotalNs: mono * 8n,
      cpuBusyNs: (mono * 8n) / 3n,
      perCpu: Array.from({ length: 8 }, (_, c) => ({ cpu: c, totalNs: mono, busyNs: (mono * BigInt(c + 1)) / 9n })),
      memTotalKiB: 64n * GiB,
      memAvailableKiB: 20n * GiB,
      memFreeKiB: 10n * GiB,
    },
  });
}

/** A model after `ticks` snapshots of `n` domains (every 10th inactive). */
export function buildModel(n: number, ticks = 3, names: Record<number, string> = {}): { model: Model; view: ModelView } {
  const model = new Model({ historySize: 120 });
  let view: ModelView = model.view();
  for (let t = 0; t < ticks; t++) {
    const doms = Array.from({ length: n }, (_, i) => domainSample(i, t, { inactive: i % 10 === 9, name: names[i] }));
    view = model.ingest(snapshot(t, [hostSample(doms, t)]));
  }
  return { model, view };
}

export function makeFrame(model: Model, view: ModelView, state: Partial<UiState> = {}, p: Palette = plainPalette()): Frame {
  const s = { ...initialState({ sort: 'cpu', reverse: false, intervalSec: 2 }), ...state };
  const rows = sortDomains(filterDomains(view.domains, s.filter), s.sort, s.reverse);
  if (s.selectedKey === null && rows.length && state.selectedKey === undefined) s.selectedKey = rows[0].key;
  return { view, state: s, rows, palette: p, history: model, nowMs: view.wallMs, multiHost: view.hosts.length > 1 };
}

const SGR = /\x1b\[[\d;]*m/g;
export function strip(s: string): string {
  return s.replace(SGR, '');
}
