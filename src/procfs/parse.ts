// Pure parsers for the /proc files virtop reads. Each takes the file's text
// and returns a ParseResult: a typed value, or a short reason why the text
// is not what the kernel would have written. They never throw — /proc text
// can be truncated by a racing exit, and a monitor must not die on it.
//
// Conventions:
//  - cumulative counters (ticks, ns, bytes) are bigint: ns totals pass 2^53
//    after ~104 days of CPU time, and byte counters are u64 in the kernel;
//  - sizes from "kB" lines are KiB (the kernel's "kB" means 1024 bytes);
//  - a field the kernel did not print (older kernel, kernel thread) is null,
//    never 0, so "unknown" does not look like "measured zero".

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** USER_HZ on every mainstream Linux build (getconf CLK_TCK). */
export const DEFAULT_CLK_TCK = 100;

const NS_PER_SEC = 1_000_000_000n;
const NS_PER_DEFAULT_TICK = NS_PER_SEC / BigInt(DEFAULT_CLK_TCK);

export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function fail<T>(error: string): ParseResult<T> {
  return { ok: false, error };
}

const UNSIGNED = /^\d+$/;

/** Decimal digits → bigint, or null. Guarded by a regex so BigInt() can't throw. */
function toBigUnsigned(token: string | undefined): bigint | null {
  if (token === undefined || !UNSIGNED.test(token)) return null;
  // Up to 15 digits is exact as a double, and BigInt(number) is about twice
  // as quick as parsing the string again.
  return token.length <= 15 ? BigInt(Number(token)) : BigInt(token);
}

/** Decimal digits → number when exactly representable, else null. */
function toSafeUnsigned(token: string | undefined): number | null {
  if (token === undefined || !UNSIGNED.test(token)) return null;
  const n = Number(token);
  return Number.isSafeInteger(n) ? n : null;
}

function isValidClkTck(clkTck: number): boolean {
  return Number.isSafeInteger(clkTck) && clkTck > 0;
}

/**
 * Clock ticks → ns. Multiply before dividing so the common divisors of 1e9
 * (100, 250, 1000) are exact; bigint keeps it exact past 2^53.
 */
export function ticksToNs(ticks: bigint, clkTck: number = DEFAULT_CLK_TCK): bigint {
  // The usual rates (100, 250, 1000) divide 1e9: one multiplication then.
  if (clkTck === DEFAULT_CLK_TCK) return ticks * NS_PER_DEFAULT_TICK;
  return (ticks * NS_PER_SEC) / BigInt(clkTck);
}

/** Splits on any whitespace run, ignoring leading/trailing whitespace. */
function tokens(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

// ---------------------------------------------------------------------------
// /proc/PID/stat and /proc/PID/task/TID/stat

export interface StatFields {
  pid: number;
  /** comm as the kernel prints it between the parens (max 15 bytes, may hold spaces and parens) */
  comm: string;
  /** one-letter state: R S D Z T t X I ... */
  state: string;
  ppid: number;
  utimeTicks: bigint;
  stimeTicks: bigint;
  utimeNs: bigint;
  stimeNs: bigint;
  /** utime + stime, ns */
  cpuTimeNs: bigint;
  numThreads: number;
  /** start time since boot */
  startTimeTicks: bigint;
  startTimeNs: bigint;
  /** field 39, CPU last run on; null on kernels too old to print it */
  lastCpu: number | null;
}

// Fields as numbered in proc(5), counted from 1 with pid = 1 and comm = 2.
// After cutting at the last ')', token 0 is field 3.
const STAT_FIRST_AFTER_COMM = 3;
const F_STATE = 3;
const F_PPID = 4;
const F_UTIME = 14;
const F_STIME = 15;
const F_NUM_THREADS = 20;
const F_STARTTIME = 22;
const F_PROCESSOR = 39;

/** The fields after comm: how many, and field n (numbered as in proc(5)). */
interface StatTokens {
  count: number;
  at(n: number): string | undefined;
}

/** Fields parseStat reads; the plain scan cuts out only these. */
const STAT_WANTED = new Set([F_STATE, F_PPID, F_UTIME, F_STIME, F_NUM_THREADS, F_STARTTIME, F_PROCESSOR]);
const SPACE = 0x20;
const NEWLINE = 0x0a;
const LAST_PRINTABLE = 0x7e;

/**
 * The kernel writes the rest of a stat line as printable ASCII tokens
 * between single spaces, ending in one newline. In that form one pass over
 * the characters finds every field without a regex split or fifty
 * substrings — most of parseStat's cost, paid per thread per tick. Returns
 * null for any other form; splitStat then handles it, so both give the same
 * tokens for whatever they both accept.
 */
function scanPlainStat(text: string, from: number): StatTokens | null {
  const end = text.length > from && text.charCodeAt(text.length - 1) === NEWLINE ? text.length - 1 : text.length;
  if (text.charCodeAt(from) !== SPACE) return null;
  const picked: (string | undefined)[] = [];
  let count = 0;
  let start = from + 1;
  for (let i = start; i <= end; i++) {
    const c = i === end ? SPACE : text.charCodeAt(i);
    if (c === SPACE) {
      if (i === start) return null; // two spaces in a row, or a trailing one
      const n = count + STAT_FIRST_AFTER_COMM;
      if (STAT_WANTED.has(n)) picked[n] = text.slice(start, i);
      count++;
      start = i + 1;
    } else if (c <= SPACE || c > LAST_PRINTABLE) {
      return null;
    }
  }
  return { count, at: (n) => picked[n] };
}

function splitStat(after: string): StatTokens {
  const fields = tokens(after);
  return { count: fields.length, at: (n) => fields[n - STAT_FIRST_AFTER_COMM] };
}

/**
 * Parses a stat line. comm can contain anything but NUL — QEMU names threads
 * "CPU 0/KVM", and a hostile process can call itself "a) b (c" — so the
 * line is cut at the LAST ')': nothing after comm can contain one.
 */
export function parseStat(text: string, clkTck: number = DEFAULT_CLK_TCK): ParseResult<StatFields> {
  if (typeof text !== 'string') return fail('not a string');
  if (!isValidClkTck(clkTck)) return fail(`invalid clock ticks per second ${String(clkTck)}`);
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close < open + 2) return fail('no "pid (comm)" prefix');
  const pid = toSafeUnsigned(text.slice(0, open));
  if (pid === null) return fail('pid is not a number');
  const comm = text.slice(open + 2, close);
  // The kernel always writes ") S ..." — anything else means we cut wrongly.
  if (!/^\s/.test(text.slice(close + 1, close + 2))) return fail('no space after comm');
  const fields = scanPlainStat(text, close + 1) ?? splitStat(text.slice(close + 1));
  const field = fields.at;
  if (fields.count < F_STARTTIME - STAT_FIRST_AFTER_COMM + 1) {
    return fail(`only ${fields.count + 2} fields, need ${F_STARTTIME}`);
  }
  const state = field(F_STATE) ?? '';
  if (!/^[A-Za-z]$/.test(state)) return fail(`bad state ${JSON.stringify(state.slice(0, 8))}`);
  const ppid = toSafeUnsigned(field(F_PPID));
  const utimeTicks = toBigUnsigned(field(F_UTIME));
  const stimeTicks = toBigUnsigned(field(F_STIME));
  const numThreads = toSafeUnsigned(field(F_NUM_THREADS));
  const startTimeTicks = toBigUnsigned(field(F_STARTTIME));
  if (ppid === null) return fail('bad ppid');
  if (utimeTicks === null || stimeTicks === null) return fail('bad utime/stime');
  if (numThreads === null) return fail('bad num_threads');
  if (startTimeTicks === null) return fail('bad starttime');
  const utimeNs = ticksToNs(utimeTicks, clkTck);
  const stimeNs = ticksToNs(stimeTicks, clkTck);
  return ok({
    pid,
    comm,
    state,
    ppid,
    utimeTicks,
    stimeTicks,
    utimeNs,
    stimeNs,
    // Sum ticks first: rounding each half separately could lose a ns
    // for clock rates that don't divide 1e9.
    cpuTimeNs: ticksToNs(utimeTicks + stimeTicks, clkTck),
    numThreads,
    startTimeTicks,
    startTimeNs: ticksToNs(startTimeTicks, clkTck),
    lastCpu: toSafeUnsigned(field(F_PROCESSOR)),
  });
}

/** What a thread's stat gives the per-tick reader. Tick counts stay far below 2^53, so they are numbers. */
export interface TaskStat {
  comm: string;
  /** utime + stime, clock ticks */
  cpuTicks: number;
  /** start time since boot, clock ticks: tells a reused tid from the thread it named */
  startTimeTicks: number;
  /** field 39, CPU last run on; null on kernels too old to print it */
  lastCpu: number | null;
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const MINUS = 0x2d;
/** Digits a double holds exactly (as in toBigUnsigned). */
const EXACT_DIGITS = 15;

/**
 * A thread's stat for the reader that reads every thread every tick: comm,
 * CPU ticks, start time and last CPU, in one pass over the characters with
 * no substrings but comm and no bigint. It takes only the kernel's own form
 * ("pid (comm) S" then fields of digits, or '-' and digits, between single
 * spaces); anything else goes to parseStat, so the answer and every error
 * text are parseStat's.
 */
export function parseTaskStat(text: string, clkTck: number = DEFAULT_CLK_TCK): ParseResult<TaskStat> {
  // Ticks need no clock rate, but an invalid one is refused as parseStat refuses it.
  const fast = isValidClkTck(clkTck) ? scanTaskStat(text) : null;
  if (fast !== null) return ok(fast);
  const full = parseStat(text, clkTck);
  if (!full.ok) return full;
  const v = full.value;
  return ok({ comm: v.comm, cpuTicks: Number(v.utimeTicks + v.stimeTicks), startTimeTicks: Number(v.startTimeTicks), lastCpu: v.lastCpu });
}

function scanTaskStat(text: string): TaskStat | null {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open <= 0 || open > EXACT_DIGITS || close < open + 2) return null;
  for (let i = 0; i < open; i++) {
    const c = text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return null;
  }
  const state = text.charCodeAt(close + 2);
  if (text.charCodeAt(close + 1) !== SPACE || !((state >= 0x41 && state <= 0x5a) || (state >= 0x61 && state <= 0x7a)) || text.charCodeAt(close + 3) !== SPACE) return null;
  const end = text.charCodeAt(text.length - 1) === NEWLINE ? text.length - 1 : text.length;
  let field = F_STATE + 1;
  let value = 0;
  let digits = 0;
  let negative = false;
  let utime = -1;
  let stime = -1;
  let start = -1;
  let lastCpu: number | null = null;
  for (let i = close + 4; i <= end; i++) {
    const c = i === end ? SPACE : text.charCodeAt(i);
    if (c === SPACE) {
      if (digits === 0) return null; // empty field: two spaces, a lone '-', a trailing space
      // Fields parseStat checks or reads must be plain digits here; parseStat judges anything else.
      if (field === F_PPID || field === F_NUM_THREADS || field === F_UTIME || field === F_STIME || field === F_STARTTIME || field === F_PROCESSOR) {
        if (negative || digits > EXACT_DIGITS) return null;
        if (field === F_UTIME) utime = value;
        else if (field === F_STIME) stime = value;
        else if (field === F_STARTTIME) start = value;
        else if (field === F_PROCESSOR) lastCpu = value;
      }
      field++;
      value = 0;
      digits = 0;
      negative = false;
    } else if (c >= DIGIT_0 && c <= DIGIT_9) {
      value = value * 10 + (c - DIGIT_0);
      digits++;
    } else if (c === MINUS && digits === 0 && !negative) {
      negative = true;
    } else {
      return null;
    }
  }
  // Fewer fields than parseStat needs: let it say so.
  if (start < 0 || utime < 0 || stime < 0 || field - 1 < F_STARTTIME) return null;
  return { comm: text.slice(open + 2, close), cpuTicks: utime + stime, startTimeTicks: start, lastCpu };
}

// ---------------------------------------------------------------------------
// /proc/PID/schedstat and /proc/PID/task/TID/schedstat

export interface Schedstat {
  /** time spent running on a CPU, ns */
  runNs: bigint;
  /** time spent runnable but waiting on a run queue, ns */
  waitNs: bigint;
  /** number of times it was scheduled in; null if absent */
  timeslices: bigint | null;
}

export function parseSchedstat(text: string): ParseResult<Schedstat> {
  if (typeof text !== 'string') return fail('not a string');
  const fast = scanSchedstat(text);
  if (fast !== null) return ok(fast);
  const t = tokens(text);
  if (t.length < 2 || t.length > 3) return fail(`expected 3 numbers, got ${t.length} tokens`);
  const runNs = toBigUnsigned(t[0]);
  const waitNs = toBigUnsigned(t[1]);
  if (runNs === null || waitNs === null) return fail('not numbers');
  const timeslices = t.length === 3 ? toBigUnsigned(t[2]) : null;
  if (t.length === 3 && timeslices === null) return fail('bad timeslices');
  return ok({ runNs, waitNs, timeslices });
}

/** The kernel's form, "run wait slices\n" with numbers a double holds exactly, in one pass; null for anything else. */
function scanSchedstat(text: string): Schedstat | null {
  const end = text.charCodeAt(text.length - 1) === NEWLINE ? text.length - 1 : text.length;
  const n = [0, 0, 0];
  let k = 0;
  let digits = 0;
  for (let i = 0; i <= end; i++) {
    const c = i === end ? SPACE : text.charCodeAt(i);
    if (c === SPACE) {
      if (digits === 0 || digits > EXACT_DIGITS || k === 3) return null;
      k++;
      digits = 0;
    } else if (c >= DIGIT_0 && c <= DIGIT_9) {
      n[k] = n[k] * 10 + (c - DIGIT_0);
      digits++;
    } else {
      return null;
    }
  }
  return k === 3 ? { runNs: BigInt(n[0]), waitNs: BigInt(n[1]), timeslices: BigInt(n[2]) } : null;
}

// ---------------------------------------------------------------------------
// "Key: value" files: status, io, meminfo

/**
 * Splits "Key:<ws>value" lines into a map. Lines without a colon are
 * ignored rather than fatal: a newer kernel may add odd lines, and we only
 * need the keys we know.
 */
function keyValues(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    map.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return map;
}

/** "1608 kB" → 1608 (KiB); a bare number is accepted too (HugePages_Total has no unit). */
function kibNumber(value: string | undefined): number | null {
  if (value === undefined) return null;
  const m = /^(\d+)(?:\s+kB)?$/.exec(value);
  return m ? toSafeUnsigned(m[1]) : null;
}

function kibBig(value: string | undefined): bigint | null {
  if (value === undefined) return null;
  const m = /^(\d+)(?:\s+kB)?$/.exec(value);
  return m ? BigInt(m[1]) : null;
}

export interface ProcStatus {
  name: string | null;
  /** one-letter state from "S (sleeping)" */
  state: string | null;
  tgid: number | null;
  pid: number | null;
  ppid: number | null;
  threads: number | null;
  // Vm*/Rss* lines are absent for kernel threads and zombies → null.
  vmPeakKiB: number | null;
  vmSizeKiB: number | null;
  vmLckKiB: number | null;
  vmHwmKiB: number | null;
  vmRssKiB: number | null;
  rssAnonKiB: number | null;
  rssFileKiB: number | null;
  rssShmemKiB: number | null;
  vmSwapKiB: number | null;
  hugetlbPagesKiB: number | null;
  voluntaryCtxtSwitches: number | null;
  nonvoluntaryCtxtSwitches: number | null;
}

/**
 * /proc/PID/status. Tolerant per field (an unparsable value is null) but
 * fails when nothing at all is recognisable, so garbage is not mistaken for
 * a kernel thread with no memory lines.
 */
export function parseStatus(text: string): ParseResult<ProcStatus> {
  if (typeof text !== 'string') return fail('not a string');
  const kv = keyValues(text);
  const state = kv.get('State');
  const value: ProcStatus = {
    name: kv.get('Name') ?? null,
    state: state !== undefined && /^[A-Za-z](\s|$)/.test(state) ? state[0] : null,
    tgid: toSafeUnsigned(kv.get('Tgid')),
    pid: toSafeUnsigned(kv.get('Pid')),
    ppid: toSafeUnsigned(kv.get('PPid')),
    threads: toSafeUnsigned(kv.get('Threads')),
    vmPeakKiB: kibNumber(kv.get('VmPeak')),
    vmSizeKiB: kibNumber(kv.get('VmSize')),
    vmLckKiB: kibNumber(kv.get('VmLck')),
    vmHwmKiB: kibNumber(kv.get('VmHWM')),
    vmRssKiB: kibNumber(kv.get('VmRSS')),
    rssAnonKiB: kibNumber(kv.get('RssAnon')),
    rssFileKiB: kibNumber(kv.get('RssFile')),
    rssShmemKiB: kibNumber(kv.get('RssShmem')),
    vmSwapKiB: kibNumber(kv.get('VmSwap')),
    hugetlbPagesKiB: kibNumber(kv.get('HugetlbPages')),
    voluntaryCtxtSwitches: toSafeUnsigned(kv.get('voluntary_ctxt_switches')),
    nonvoluntaryCtxtSwitches: toSafeUnsigned(kv.get('nonvoluntary_ctxt_switches')),
  };
  // Every kernel prints Name, Pid and Tgid; without them this isn't status.
  if (value.name === null || value.pid === null || value.tgid === null) {
    return fail('missing Name/Pid/Tgid');
  }
  return ok(value);
}

export interface ProcIo {
  /** bytes passed to read()/write()-like syscalls, including cache hits */
  rchar: bigint | null;
  wchar: bigint | null;
  syscr: bigint | null;
  syscw: bigint | null;
  /** bytes that really went to/from the storage layer */
  readBytes: bigint | null;
  writeBytes: bigint | null;
  cancelledWriteBytes: bigint | null;
}

export function parseIo(text: string): ParseResult<ProcIo> {
  if (typeof text !== 'string') return fail('not a string');
  const kv = keyValues(text);
  const value: ProcIo = {
    rchar: toBigUnsigned(kv.get('rchar')),
    wchar: toBigUnsigned(kv.get('wchar')),
    syscr: toBigUnsigned(kv.get('syscr')),
    syscw: toBigUnsigned(kv.get('syscw')),
    readBytes: toBigUnsigned(kv.get('read_bytes')),
    writeBytes: toBigUnsigned(kv.get('write_bytes')),
    cancelledWriteBytes: toBigUnsigned(kv.get('cancelled_write_bytes')),
  };
  if (Object.values(value).every((v) => v === null)) return fail('no known counters');
  return ok(value);
}

export interface Meminfo {
  memTotalKiB: bigint;
  memFreeKiB: bigint | null;
  /** null before Linux 3.14 */
  memAvailableKiB: bigint | null;
  buffersKiB: bigint | null;
  cachedKiB: bigint | null;
  swapTotalKiB: bigint | null;
  swapFreeKiB: bigint | null;
}

export function parseMeminfo(text: string): ParseResult<Meminfo> {
  if (typeof text !== 'string') return fail('not a string');
  const kv = keyValues(text);
  const memTotalKiB = kibBig(kv.get('MemTotal'));
  if (memTotalKiB === null) return fail('no MemTotal');
  return ok({
    memTotalKiB,
    memFreeKiB: kibBig(kv.get('MemFree')),
    memAvailableKiB: kibBig(kv.get('MemAvailable')),
    buffersKiB: kibBig(kv.get('Buffers')),
    cachedKiB: kibBig(kv.get('Cached')),
    swapTotalKiB: kibBig(kv.get('SwapTotal')),
    swapFreeKiB: kibBig(kv.get('SwapFree')),
  });
}

// ---------------------------------------------------------------------------
// /proc/stat

/** One "cpu" or "cpuN" line, in ns. Fields the kernel did not print are 0n. */
export interface CpuTimesNs {
  userNs: bigint;
  niceNs: bigint;
  systemNs: bigint;
  idleNs: bigint;
  iowaitNs: bigint;
  irqNs: bigint;
  softirqNs: bigint;
  stealNs: bigint;
  /** already included in userNs / niceNs */
  guestNs: bigint;
  guestNiceNs: bigint;
  /** all states, guest not counted twice */
  totalNs: bigint;
  /** totalNs minus idle and iowait */
  busyNs: bigint;
}

export interface ProcStat {
  /** the aggregate "cpu" line: sum over online CPUs */
  total: CpuTimesNs;
  /** "cpuN" lines; offline CPUs are absent, so index by `cpu`, not position */
  perCpu: (CpuTimesNs & { cpu: number })[];
}

// user nice system idle have been there forever; iowait (2.5.41), irq and
// softirq (2.6.0), steal (2.6.11), guest (2.6.24), guest_nice (2.6.33)
// came later. Accept 4..10 fields and treat the missing ones as 0.
const MIN_CPU_FIELDS = 4;
const MAX_CPU_FIELDS = 10;

function cpuLine(values: string[], clkTck: number): CpuTimesNs | null {
  if (values.length < MIN_CPU_FIELDS) return null;
  const ticks: bigint[] = [];
  for (let i = 0; i < MAX_CPU_FIELDS; i++) {
    if (i >= values.length) {
      ticks.push(0n);
      continue;
    }
    const t = toBigUnsigned(values[i]);
    if (t === null) return null;
    ticks.push(t);
  }
  const [user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice] = ticks.map((t) =>
    ticksToNs(t, clkTck),
  );
  // guest and guest_nice are already inside user and nice (the kernel adds
  // guest time to both), so they stay out of the total.
  const totalNs = user + nice + system + idle + iowait + irq + softirq + steal;
  return {
    userNs: user,
    niceNs: nice,
    systemNs: system,
    idleNs: idle,
    iowaitNs: iowait,
    irqNs: irq,
    softirqNs: softirq,
    stealNs: steal,
    guestNs: guest,
    guestNiceNs: guestNice,
    totalNs,
    busyNs: totalNs - idle - iowait,
  };
}

/**
 * /proc/stat CPU lines (ticks are USER_HZ, i.e. CLK_TCK). A malformed cpu
 * line fails the whole parse: a half-read file would otherwise show fewer
 * CPUs with plausible-looking numbers.
 */
export function parseProcStat(text: string, clkTck: number = DEFAULT_CLK_TCK): ParseResult<ProcStat> {
  if (typeof text !== 'string') return fail('not a string');
  if (!isValidClkTck(clkTck)) return fail(`invalid clock ticks per second ${String(clkTck)}`);
  let total: CpuTimesNs | null = null;
  const perCpu: (CpuTimesNs & { cpu: number })[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) continue;
    const [label, ...values] = tokens(line);
    if (label === 'cpu') {
      total = cpuLine(values, clkTck);
      if (total === null) return fail('malformed aggregate cpu line');
      continue;
    }
    const m = /^cpu(\d+)$/.exec(label);
    if (!m) continue;
    const cpu = toSafeUnsigned(m[1]);
    const times = cpuLine(values, clkTck);
    if (cpu === null || times === null) return fail(`malformed ${label} line`);
    perCpu.push({ cpu, ...times });
  }
  if (total === null) return fail('no aggregate cpu line');
  return ok({ total, perCpu });
}

// ---------------------------------------------------------------------------
// comm and cmdline

/**
 * vCPU index from a thread name. QEMU names vCPU threads "CPU <index>/<ACCEL>"
 * (KVM, TCG, HVF, WHPX, NVMM, ...). Round-robin TCG uses "ALL CPUs/TCG",
 * which is not one vCPU, so it gives null like any other thread.
 */
export function vcpuIndexFromComm(comm: string): number | null {
  if (typeof comm !== 'string') return null;
  // comm files end in "\n"; stat's comm field does not.
  const m = /^CPU (\d{1,9})\/[A-Za-z][A-Za-z0-9_]*\n?$/.exec(comm);
  return m ? Number(m[1]) : null;
}

/** /proc/PID/cmdline → argv (NUL-separated, with a trailing NUL). */
export function parseCmdline(text: string): string[] {
  if (typeof text !== 'string' || text === '') return [];
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/**
 * Splits a QEMU option string ("guest=a,,b,debug-threads=on") into
 * key/value pairs. QEMU escapes a literal comma in a value by doubling it.
 * A leading part with no "=" is the implied key (`-name foo` means
 * guest=foo), and is returned under `impliedKey`.
 */
export function parseQemuOpts(value: string, impliedKey: string): Map<string, string> {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === ',') {
      if (value[i + 1] === ',') {
        current += ',';
        i++;
      } else {
        parts.push(current);
        current = '';
      }
    } else {
      current += c;
    }
  }
  parts.push(current);
  const opts = new Map<string, string>();
  parts.forEach((part, index) => {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (index === 0) opts.set(impliedKey, part);
      return;
    }
    opts.set(part.slice(0, eq), part.slice(eq + 1));
  });
  return opts;
}

/** The guest name from a QEMU argv's `-name` option, or null. */
export function qemuGuestName(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length - 1; i++) {
    if (argv[i] === '-name' || argv[i] === '--name') {
      return parseQemuOpts(argv[i + 1], 'guest').get('guest') ?? null;
    }
  }
  return null;
}

/** "1234\n" → 1234; libvirt's pid files hold just the number. */
export function parsePidFile(text: string): number | null {
  if (typeof text !== 'string') return null;
  const m = /^\s*(\d{1,10})\s*$/.exec(text);
  if (!m) return null;
  const pid = Number(m[1]);
  return pid > 0 ? pid : null;
}

/**
 * Soft "Max open files" from /proc/PID/limits, or null when the line is
 * missing or says "unlimited" (which RLIMIT_NOFILE can't really be).
 */
export function parseMaxOpenFiles(text: string): number | null {
  if (typeof text !== 'string') return null;
  const m = /^Max open files\s+(\S+)/m.exec(text);
  return m ? toSafeUnsigned(m[1]) : null;
}
