// Maps one virConnectGetAllDomainStats record (flat typed parameters) into
// a DomainSample. Pure: the collector feeds it the record and what the
// domain XML and domain list said.

import type { DiskDef, DomainDef, NicDef } from '../libvirt/domain-xml.js';
import { isActiveState } from '../types/state.js';
import type { InterfaceStats, ParamValue } from '../libvirt/types.js';
import type {
  BalloonSample,
  DiskSample,
  DiskXmlFacts,
  DomainSample,
  NicSample,
  StateName,
  VcpuSample,
  Draft,
} from '../types/sample.js';

const STATE_NAMES: StateName[] = [
  'nostate',
  'running',
  'blocked',
  'paused',
  'shutdown',
  'shutoff',
  'crashed',
  'pmsuspended',
];

export function stateName(code: number | null | undefined): StateName {
  if (code === null || code === undefined) return 'nostate';
  return STATE_NAMES[code] ?? 'nostate';
}

/** Reads a counter param as bigint, accepting number for drivers that send UINT. */
export function big(params: Record<string, ParamValue>, key: string): bigint | null {
  const v = params[key];
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  return null;
}

export function num(params: Record<string, ParamValue>, key: string): number | null {
  const v = params[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return null;
}

/** Per record: each group's `group.N.*` indices, from one pass over its keys (for counts too large to walk). */
const groupIndexCache = new WeakMap<Record<string, ParamValue>, Map<string, Set<number>>>();

function groupIndices(params: Record<string, ParamValue>): Map<string, Set<number>> {
  let groups = groupIndexCache.get(params);
  if (groups) return groups;
  groups = new Map();
  for (const k in params) {
    const d1 = k.indexOf('.');
    if (d1 <= 0) continue;
    const d2 = k.indexOf('.', d1 + 1);
    // 1 to 9 digits between the two dots
    if (d2 < 0 || d2 - d1 - 1 < 1 || d2 - d1 - 1 > 9) continue;
    let i = 0;
    let j = d1 + 1;
    for (; j < d2; j++) {
      const c = k.charCodeAt(j) - 48;
      if (c < 0 || c > 9) break;
      i = i * 10 + c;
    }
    if (j < d2) continue;
    const g = k.slice(0, d1);
    let seen = groups.get(g);
    if (!seen) groups.set(g, (seen = new Set()));
    seen.add(i);
  }
  groupIndexCache.set(params, groups);
  return groups;
}

/** Counts up to this are walked index by index; past it the record's keys are read instead. */
const WALK_LIMIT = 1024;

// Record keys `group.N.field`, each made once. Decoding looks up a dozen per
// device of every domain every tick: a key built each time is a new string
// to hash for the lookup, then garbage. Indices past the walk limit (a
// record's keys read instead) are not kept, so a hostile count cannot grow it.
const keyTable = new Map<string, Map<string, string[]>>();
export function fieldKey(group: string, i: number, field: string): string {
  if (i >= WALK_LIMIT) return `${group}.${i}.${field}`;
  let byField = keyTable.get(group);
  if (!byField) keyTable.set(group, (byField = new Map()));
  let keys = byField.get(field);
  if (!keys) byField.set(field, (keys = []));
  return (keys[i] ??= `${group}.${i}.${field}`);
}

function hasAnyField(params: Record<string, ParamValue>, group: string, i: number, fields: readonly string[]): boolean {
  for (const f of fields) if (params[fieldKey(group, i, f)] !== undefined) return true;
  return false;
}

/**
 * The indices N below `limit`, in order, for which the record has
 * `group.N.<field>` for any of `fields`. The counts libvirt sends
 * (block.count, net.count, vcpu.maximum) are walked, a few lookups each; a
 * count of 10^9 (a driver bug, a hostile server) must not loop 10^9 times,
 * so a large one is answered from the keys the record actually holds.
 */
export function indicesOf(params: Record<string, ParamValue>, group: string, limit: number, fields: readonly string[]): number[] {
  const out: number[] = [];
  if (limit <= WALK_LIMIT) {
    for (let i = 0; i < limit; i++) if (hasAnyField(params, group, i, fields)) out.push(i);
    return out;
  }
  const seen = groupIndices(params).get(group);
  if (!seen) return out;
  for (const i of seen) if (i < limit && hasAnyField(params, group, i, fields)) out.push(i);
  return out.sort((a, b) => a - b);
}

export function str(params: Record<string, ParamValue>, key: string): string | null {
  const v = params[key];
  return typeof v === 'string' ? v : null;
}

export function emptyBalloon(): BalloonSample {
  return {
    currentKiB: null,
    maximumKiB: null,
    availableKiB: null,
    unusedKiB: null,
    usableKiB: null,
    rssKiB: null,
    swapInKiB: null,
    swapOutKiB: null,
    majorFaults: null,
    minorFaults: null,
    diskCachesKiB: null,
    lastUpdateSec: null,
  };
}

export interface DomainMeta {
  id: number | null;
  persistent: boolean | null;
  /** state from the domain list, used when the record carries no state group */
  state: number | null;
}

// Definitions are parsed once and kept (host.ts): so are their disks' facts,
// which every tick's samples then share, frozen.
const factsByDisk = new WeakMap<DiskDef, DiskXmlFacts>();

/** The disk's XML facts the exporters' info series label (collector's shape of a DiskDef). */
export function diskXmlFacts(d: DiskDef): DiskXmlFacts {
  let facts = factsByDisk.get(d);
  if (!facts) {
    facts = Object.freeze({
      type: d.type,
      driverName: d.driver.name,
      driverType: d.driver.type,
      driverCache: d.driver.cache,
      driverDiscard: d.driver.discard,
      protocol: d.protocol,
      serial: d.serial,
    });
    factsByDisk.set(d, facts);
  }
  return facts;
}

/** A NIC's sample from its XML and its counters in the guest's view (null: unknown), for readings other than the bulk record's. */
export function nicFromDef(n: NicDef, s: InterfaceStats | null | undefined): NicSample {
  return {
    name: n.target as string,
    mac: n.mac,
    source: n.source,
    type: n.type,
    bridge: n.bridge,
    model: n.model,
    mtu: n.mtu,
    rxBytes: s?.rxBytes ?? null,
    rxPkts: s?.rxPackets ?? null,
    rxErrs: s?.rxErrs ?? null,
    rxDrop: s?.rxDrop ?? null,
    txBytes: s?.txBytes ?? null,
    txPkts: s?.txPackets ?? null,
    txErrs: s?.txErrs ?? null,
    txDrop: s?.txDrop ?? null,
  };
}

/** True when the record lacks what a monitor needs for an active domain (e.g. the test driver only gives state.*). */
export function isThinRecord(params: Record<string, ParamValue>): boolean {
  return params['cpu.time'] === undefined;
}

/** A vCPU entry is there when it has either; a device entry when it has its target name. */
const VCPU_FIELDS = ['state', 'time'] as const;
const NAME_FIELD = ['name'] as const;

export function domainFromRecord(
  rec: { name: string; uuid: string; params: Record<string, ParamValue> },
  meta: DomainMeta,
  def: DomainDef | null,
): Draft<DomainSample> {
  const p = rec.params;
  const stateCode = num(p, 'state.state') ?? meta.state;

  const vcpus: VcpuSample[] = [];
  const vcpuMax = num(p, 'vcpu.maximum') ?? def?.maxVcpus ?? null;
  for (const i of vcpuMax === null ? [] : indicesOf(p, 'vcpu', vcpuMax, VCPU_FIELDS)) {
    const k = (field: string) => fieldKey('vcpu', i, field);
    vcpus.push({
      vcpu: i,
      state: num(p, k('state')),
      timeNs: big(p, k('time')),
      waitNs: big(p, k('wait')),
      delayNs: big(p, k('delay')),
    });
  }

  const disks: DiskSample[] = [];
  const blockCount = num(p, 'block.count') ?? 0;
  for (const i of indicesOf(p, 'block', blockCount, NAME_FIELD)) {
    const k = (field: string) => fieldKey('block', i, field);
    const name = str(p, k('name'));
    if (name === null) continue;
    // With backing-chain stats a target repeats; the first entry is the active layer.
    if (disks.some((d) => d.name === name)) continue;
    const diskDef = def?.disks.find((d) => d.target === name);
    disks.push({
      name,
      path: str(p, k('path')) ?? diskDef?.source ?? null,
      device: diskDef?.device ?? null,
      bus: diskDef?.bus ?? null,
      xml: diskDef ? diskXmlFacts(diskDef) : null,
      rdReqs: big(p, k('rd.reqs')),
      rdBytes: big(p, k('rd.bytes')),
      wrReqs: big(p, k('wr.reqs')),
      wrBytes: big(p, k('wr.bytes')),
      errors: big(p, k('errs')),
      capacityBytes: big(p, k('capacity')),
      allocationBytes: big(p, k('allocation')),
      physicalBytes: big(p, k('physical')),
      rdTimesNs: big(p, k('rd.times')),
      wrTimesNs: big(p, k('wr.times')),
      flReqs: big(p, k('fl.reqs')),
      flTimesNs: big(p, k('fl.times')),
    });
  }

  const nics: NicSample[] = [];
  const netCount = num(p, 'net.count') ?? 0;
  for (const i of indicesOf(p, 'net', netCount, NAME_FIELD)) {
    const k = (field: string) => fieldKey('net', i, field);
    const name = str(p, k('name'));
    if (name === null) continue;
    const nicDef = def?.nics.find((n) => n.target === name);
    nics.push({
      name,
      mac: nicDef?.mac ?? null,
      source: nicDef?.source ?? null,
      type: nicDef?.type ?? null,
      bridge: nicDef?.bridge ?? null,
      model: nicDef?.model ?? null,
      mtu: nicDef?.mtu ?? null,
      rxBytes: big(p, k('rx.bytes')),
      rxPkts: big(p, k('rx.pkts')),
      rxErrs: big(p, k('rx.errs')),
      rxDrop: big(p, k('rx.drop')),
      txBytes: big(p, k('tx.bytes')),
      txPkts: big(p, k('tx.pkts')),
      txErrs: big(p, k('tx.errs')),
      txDrop: big(p, k('tx.drop')),
    });
  }

  const balloon: BalloonSample = {
    currentKiB: big(p, 'balloon.current'),
    maximumKiB: big(p, 'balloon.maximum'),
    availableKiB: big(p, 'balloon.available'),
    unusedKiB: big(p, 'balloon.unused'),
    usableKiB: big(p, 'balloon.usable'),
    rssKiB: big(p, 'balloon.rss'),
    swapInKiB: big(p, 'balloon.swap_in'),
    swapOutKiB: big(p, 'balloon.swap_out'),
    majorFaults: big(p, 'balloon.major_fault'),
    minorFaults: big(p, 'balloon.minor_fault'),
    diskCachesKiB: big(p, 'balloon.disk_caches'),
    lastUpdateSec: big(p, 'balloon.last-update'),
  };

  const state = stateName(stateCode);
  return {
    uuid: rec.uuid,
    name: rec.name,
    // The list and the stats are two calls; if the domain stopped in between,
    // the stats' state wins and a stale id is dropped.
    id: meta.id !== null && meta.id >= 0 && isActiveState(state) ? meta.id : null,
    state,
    stateReason: num(p, 'state.reason'),
    persistent: meta.persistent,
    title: def?.title ?? null,
    openstack: def?.openstack ?? null,
    cpuTimeNs: big(p, 'cpu.time'),
    cpuUserNs: big(p, 'cpu.user'),
    cpuSystemNs: big(p, 'cpu.system'),
    vcpusCurrent: num(p, 'vcpu.current') ?? def?.currentVcpus ?? null,
    vcpusMax: vcpuMax,
    vcpus,
    balloon,
    memMaxKiB: def?.maxMemKiB !== null && def?.maxMemKiB !== undefined ? BigInt(def.maxMemKiB) : null,
    hasBalloon: def ? def.hasBalloon : null,
    balloonStatsPeriodSec: def ? def.balloonStatsPeriodSec : null,
    disks,
    nics,
    process: null,
    errors: [],
  };
}
