// The recording format: gzip-compressed NDJSON. The first line is a header
// (format name, schema version, who recorded it, the watched hosts), then one
// line per Snapshot, exactly as the collector emitted it. 64-bit counters
// (every bigint field) are written as decimal strings, because JSON numbers
// lose precision past 2^53; the decoder below knows which fields they are.
// Pure: no I/O here (see writer.ts and reader.ts).

import type {
  OpenStackMeta,
  DiskXmlFacts,
  DomainAutostart,
  DiskIoError,
  AddressSource,
  BalloonSample,
  BridgeReading,
  BridgeTraffic,
  ConnectionStatus,
  DiskSample,
  DomainAddresses,
  DomainSample,
  GuestInterface,
  GuestIpAddress,
  HostCounters,
  HostExtra,
  HostInfo,
  HostInventory,
  HostSample,
  HugepagesSample,
  KsmSample,
  LeaseSample,
  NetworkSample,
  NicSample,
  NumaNodeSample,
  PoolSample,
  PoolStateName,
  PressureLine,
  PressureSample,
  ProcessSample,
  Snapshot,
  StateName,
  ThreadSample,
  VcpuSample,
  VhostSample,
  VolumeSample,
} from '../types/sample.js';

export const RECORDING_FORMAT = 'virtop-recording';
/** Bumped whenever a reader of the old version could misread a new file. */
export const RECORDING_SCHEMA_VERSION = 1;

export interface RecordingHostMeta {
  uri: string;
  /** what the host said about itself in the first snapshot; null if it was not reachable then */
  info: HostInfo | null;
}

export interface RecordingHeader {
  format: typeof RECORDING_FORMAT;
  schema: number;
  /** virtop version that wrote the file */
  virtop: string;
  /** wall clock (ms since epoch) of the first snapshot */
  startedWallMs: number;
  /** the machine virtop ran on (not necessarily a watched host) */
  recordedOn: string;
  /** the sampling interval asked for when recording started, ms */
  intervalMs: number;
  hosts: RecordingHostMeta[];
}

export class RecordingFormatError extends Error {}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** One NDJSON line (with its newline) for any value holding bigints. */
export function encodeLine(value: unknown): string {
  return `${JSON.stringify(value, bigintReplacer)}\n`;
}

export function encodeHeader(h: RecordingHeader): string {
  return encodeLine(h);
}

/** The record line for one snapshot. Field order puts seq and time first for humans reading `zcat`. */
export function encodeSnapshot(s: Snapshot): string {
  return encodeLine({ seq: s.seq, wallMs: s.wallMs, monoNs: s.monoNs, hosts: s.hosts });
}

// ---------------------------------------------------------------- decoding
// One decoder per field, strict about types, so a damaged line is rejected
// rather than half-read. Spec<T> lists every key of a sample type, optional
// ones included: a field added to src/types/sample.ts does not compile here
// until it is given a decoder, so recordings never drop data silently.

type Dec<T> = (v: unknown, path: string) => T;
type Spec<T> = { [K in keyof Required<T>]: Dec<T[K]> };

function fail(path: string, what: string): never {
  throw new RecordingFormatError(`${path}: ${what}`);
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object');
  return v as Record<string, unknown>;
}

function record<T>(spec: Spec<T>): Dec<T> {
  const keys = Object.keys(spec) as (keyof T & string)[];
  const decs = spec as unknown as Record<string, Dec<unknown>>;
  return (v, path) => {
    const o = obj(v, path);
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const val = decs[k](o[k], `${path}.${k}`);
      // An optional field that was absent stays absent (not present-but-undefined).
      if (val !== undefined) out[k] = val;
    }
    return out as T;
  };
}

const str: Dec<string> = (v, p) => (typeof v === 'string' ? v : fail(p, 'expected a string'));
const num: Dec<number> = (v, p) => (typeof v === 'number' ? v : fail(p, 'expected a number'));
const bool: Dec<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'expected a boolean'));
const BIGINT_TEXT = /^-?\d{1,40}$/;
const big: Dec<bigint> = (v, p) =>
  typeof v === 'string' && BIGINT_TEXT.test(v) ? BigInt(v) : fail(p, 'expected an integer as a decimal string');

/** null, or absent (older writers), reads as null */
function nul<T>(d: Dec<T>): Dec<T | null> {
  return (v, p) => (v === null || v === undefined ? null : d(v, p));
}

/** absent stays undefined */
function opt<T>(d: Dec<T>): Dec<T | undefined> {
  return (v, p) => (v === undefined ? undefined : d(v, p));
}

function arr<T>(d: Dec<T>): Dec<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) fail(p, 'expected an array');
    return v.map((x, i) => d(x, `${p}[${i}]`));
  };
}

function oneOf<T extends string>(values: readonly T[]): Dec<T> {
  const set: ReadonlySet<string> = new Set(values);
  return (v, p) => (typeof v === 'string' && set.has(v) ? (v as T) : fail(p, `unknown value ${JSON.stringify(v)}`));
}

const strN = nul(str);
const numN = nul(num);
const boolN = nul(bool);
const bigN = nul(big);

const STATES = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'] as const satisfies readonly StateName[];
const STATUSES = ['connected', 'reconnecting', 'failed', 'unresponsive'] as const satisfies readonly ConnectionStatus[];

const hostInfo = record<HostInfo>({
  uri: str,
  hostname: str,
  model: str,
  cpus: num,
  maxCpus: opt(num),
  mhz: num,
  memoryKiB: big,
  libvirtVersion: strN,
});

const hostCounters = record<HostCounters>({
  cpuTotalNs: bigN,
  cpuBusyNs: bigN,
  perCpu: arr(record<HostCounters['perCpu'][number]>({ cpu: num, totalNs: big, busyNs: big })),
  memTotalKiB: bigN,
  memAvailableKiB: bigN,
  memFreeKiB: bigN,
});

const pressureLine = record<PressureLine>({ avg10: num, avg60: num, avg300: num, totalUs: big });
const pressure = record<PressureSample>({ some: pressureLine, full: nul(pressureLine) });

const hostExtra = record<HostExtra>({
  ksm: nul(
    record<KsmSample>({
      run: numN,
      pagesShared: bigN,
      pagesSharing: bigN,
      pagesUnshared: bigN,
      pagesVolatile: bigN,
      pageSizeKiB: num,
    }),
  ),
  hugepages: nul(
    record<HugepagesSample>({
      totalPages: big,
      freePages: bigN,
      reservedPages: bigN,
      surplusPages: bigN,
      pageSizeKiB: big,
      anonHugeKiB: bigN,
    }),
  ),
  numa: arr(record<NumaNodeSample>({ node: num, totalKiB: bigN, freeKiB: bigN, hugepagesTotal: bigN, hugepagesFree: bigN })),
  pressure: nul(
    record<NonNullable<HostExtra['pressure']>>({ cpu: nul(pressure), memory: nul(pressure), io: nul(pressure) }),
  ),
  error: strN,
});

const vcpu = record<VcpuSample>({ vcpu: num, state: numN, timeNs: bigN, waitNs: bigN, delayNs: bigN });

const balloon = record<BalloonSample>({
  currentKiB: bigN,
  maximumKiB: bigN,
  availableKiB: bigN,
  unusedKiB: bigN,
  usableKiB: bigN,
  rssKiB: bigN,
  swapInKiB: bigN,
  swapOutKiB: bigN,
  majorFaults: bigN,
  minorFaults: bigN,
  diskCachesKiB: bigN,
  lastUpdateSec: bigN,
});

const disk = record<DiskSample>({
  name: str,
  path: strN,
  rdReqs: bigN,
  rdBytes: bigN,
  wrReqs: bigN,
  wrBytes: bigN,
  errors: bigN,
  capacityBytes: bigN,
  allocationBytes: bigN,
  physicalBytes: opt(bigN),
  rdTimesNs: opt(bigN),
  wrTimesNs: opt(bigN),
  flReqs: opt(bigN),
  flTimesNs: opt(bigN),
  device: opt(strN),
  bus: opt(strN),
  xml: opt(
    nul(
      record<DiskXmlFacts>({
        type: strN,
        driverName: strN,
        driverType: strN,
        driverCache: strN,
        driverDiscard: strN,
        protocol: strN,
        serial: strN,
      }),
    ),
  ),
  ioError: opt(nul(oneOf(['unspec', 'nospace'] as const satisfies readonly DiskIoError[]))),
});

const nic = record<NicSample>({
  name: str,
  mac: strN,
  source: strN,
  type: opt(strN),
  bridge: opt(strN),
  model: opt(strN),
  mtu: opt(numN),
  rxBytes: bigN,
  rxPkts: bigN,
  rxErrs: bigN,
  rxDrop: bigN,
  txBytes: bigN,
  txPkts: bigN,
  txErrs: bigN,
  txDrop: bigN,
});

const thread = record<ThreadSample>({ tid: num, comm: str, vcpu: numN, cpuTimeNs: big, runDelayNs: bigN, lastCpu: numN });

const process_ = record<ProcessSample>({
  pid: num,
  rssKiB: numN,
  ioReadBytes: bigN,
  ioWriteBytes: bigN,
  cpuTimeNs: bigN,
  threads: arr(thread),
  monoNs: opt(big),
  spanNs: opt(big),
  startedWallMs: opt(numN),
  error: strN,
  vhost: opt(arr(record<VhostSample>({ tid: num, cpuTimeNs: big, inQemuProcess: bool }))),
});

const addresses = record<DomainAddresses>({
  source: nul(oneOf(['lease', 'agent', 'arp', 'arp-table'] as const satisfies readonly AddressSource[])),
  interfaces: arr(
    record<GuestInterface>({
      name: str,
      hwaddr: strN,
      addrs: arr(record<GuestIpAddress>({ type: oneOf(['ipv4', 'ipv6'] as const), addr: str, prefix: numN })),
    }),
  ),
  atWallMs: num,
  error: strN,
});

const openstack = record<OpenStackMeta>({
  instanceName: strN,
  instanceUuid: strN,
  flavor: nul(record<NonNullable<OpenStackMeta['flavor']>>({ name: strN, vcpus: numN, memoryMiB: numN, diskGiB: numN })),
  projectName: strN,
  projectId: strN,
  userName: strN,
  userId: strN,
});

const domainSample = record<DomainSample>({
  uuid: str,
  name: str,
  id: numN,
  state: oneOf(STATES),
  stateReason: numN,
  persistent: boolN,
  title: opt(strN),
  openstack: opt(nul(openstack)),
  cpuTimeNs: bigN,
  cpuUserNs: bigN,
  cpuSystemNs: bigN,
  vcpusCurrent: numN,
  vcpusMax: numN,
  vcpus: arr(vcpu),
  balloon,
  memMaxKiB: bigN,
  hasBalloon: boolN,
  balloonStatsPeriodSec: numN,
  disks: arr(disk),
  nics: arr(nic),
  process: nul(process_),
  errors: arr(str),
  statsMonoNs: opt(big),
  statsSpanNs: opt(big),
  addresses: opt(nul(addresses)),
});

const POOL_STATES = ['inactive', 'building', 'running', 'degraded', 'inaccessible'] as const satisfies readonly PoolStateName[];

const volume = record<VolumeSample>({ name: str, path: str, type: str, format: opt(strN), capacityBytes: big, allocationBytes: big });

const pool = record<PoolSample>({
  name: str,
  uuid: str,
  state: oneOf(POOL_STATES),
  type: strN,
  targetPath: strN,
  source: strN,
  capacityBytes: big,
  allocationBytes: big,
  availableBytes: big,
  autostart: bool,
  persistent: bool,
  volumes: nul(arr(volume)),
  error: strN,
});

const lease = record<LeaseSample>({ mac: strN, ip: str, prefix: num, type: oneOf(['ipv4', 'ipv6'] as const), hostname: strN, expiresWallMs: numN });

const network = record<NetworkSample>({
  name: str,
  uuid: str,
  active: bool,
  persistent: bool,
  autostart: bool,
  forward: strN,
  bridge: strN,
  addresses: arr(str),
  dhcpSize: numN,
  leases: nul(arr(lease)),
  error: strN,
});

const bridgeTraffic = record<BridgeTraffic>({ name: str, rxBytes: bigN, txBytes: bigN, error: strN });
const bridgeReading = record<BridgeReading>({ monoNs: big, spanNs: big, bridges: arr(bridgeTraffic) });

const inventory = record<HostInventory>({
  atWallMs: num,
  pools: arr(pool),
  networks: arr(network),
  domainAutostart: opt(arr(record<DomainAutostart>({ uuid: str, autostart: bool }))),
  error: strN,
});

const hostSample = record<HostSample>({
  uri: str,
  monoNs: big,
  wallMs: num,
  status: oneOf(STATUSES),
  error: strN,
  info: nul(hostInfo),
  counters: nul(hostCounters),
  domains: arr(domainSample),
  tickLatencyMs: num,
  stale: opt(bool),
  extra: opt(nul(hostExtra)),
  inventory: opt(inventory),
  bridges: opt(bridgeReading),
});

const header = record<RecordingHeader>({
  format: (v, p) => (v === RECORDING_FORMAT ? RECORDING_FORMAT : fail(p, 'not a virtop recording')),
  schema: num,
  virtop: str,
  startedWallMs: num,
  recordedOn: str,
  intervalMs: num,
  hosts: arr(record<RecordingHostMeta>({ uri: str, info: nul(hostInfo) })),
});

export function decodeHeader(value: unknown): RecordingHeader {
  const o = obj(value, 'header');
  if (o.format !== RECORDING_FORMAT) throw new RecordingFormatError('not a virtop recording (no virtop-recording header)');
  const schema = num(o.schema, 'header.schema');
  if (schema > RECORDING_SCHEMA_VERSION) {
    throw new RecordingFormatError(
      `recorded with schema ${schema}, newer than this virtop reads (${RECORDING_SCHEMA_VERSION}): update virtop`,
    );
  }
  if (schema < 1 || !Number.isInteger(schema)) fail('header.schema', `unknown version ${schema}`);
  return header(value, 'header');
}

/** A parsed record line back into the Snapshot the collector emitted (frozen, like the collector's). */
export function decodeSnapshot(value: unknown): Snapshot {
  const o = obj(value, 'record');
  const hosts = arr(hostSample)(o.hosts, 'record.hosts');
  return Object.freeze({
    seq: num(o.seq, 'record.seq'),
    monoNs: big(o.monoNs, 'record.monoNs'),
    wallMs: num(o.wallMs, 'record.wallMs'),
    hosts: Object.freeze(hosts) as HostSample[],
  });
}
