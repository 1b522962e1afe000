import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import {
  parseCmdline,
  parseIo,
  parseMeminfo,
  parsePidFile,
  parseProcStat,
  parseQemuOpts,
  parseSchedstat,
  parseStat,
  parseStatus,
  parseTaskStat,
  qemuGuestName,
  ticksToNs,
  vcpuIndexFromComm,
  type ParseResult,
} from '../../../src/procfs/parse.js';
import { mulberry32 } from '../../helpers/prng.js';

// Files captured from a real Linux 6.18 x86_64 host (CLK_TCK 100, 2 CPUs).
// renamed/commN.* are genuine kernel output for a process that renamed
// itself through /proc/self/comm to the thread names QEMU uses.
const REAL = join(import.meta.dirname, '../../fixtures/proc/real');
const real = (name: string): string => readFileSync(join(REAL, name), 'utf8');

function value<T>(r: ParseResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got error: ${r.error}`);
  return r.value;
}

function errorOf<T>(r: ParseResult<T>): string {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return r.error;
}

const NS_PER_TICK = 10_000_000n; // at CLK_TCK 100

describe('parseStat', () => {
  it('parses a real multi-threaded process line', () => {
    const s = value(parseStat(real('node-stat')));
    expect(s).toEqual({
      pid: 16664,
      comm: 'node',
      state: 'S',
      ppid: 16662,
      utimeTicks: 291n,
      stimeTicks: 2n,
      utimeNs: 291n * NS_PER_TICK,
      stimeNs: 2n * NS_PER_TICK,
      cpuTimeNs: 293n * NS_PER_TICK,
      numThreads: 12,
      startTimeTicks: 30483n,
      startTimeNs: 30483n * NS_PER_TICK,
      lastCpu: 1,
    });
  });

  it.each([
    ['kthreadd-stat', 2, 'kthreadd', 'S'],
    ['kworker-stat', 4, 'kworker/R-rcu_gp', 'I'],
  ])('parses real kernel thread line %s', (file, pid, comm, state) => {
    const s = value(parseStat(real(file)));
    expect(s.pid).toBe(pid);
    expect(s.comm).toBe(comm);
    expect(s.state).toBe(state);
    expect(s.cpuTimeNs).toBe(0n);
  });

  // comm as the kernel printed it, and the vCPU it denotes.
  it.each([
    [1, 'CPU 0/KVM', 0],
    [2, 'CPU 1/TCG', 1],
    [3, 'IO mon_iothread', null],
    [4, 'a) b (c', null],
    [5, 'qemu-system-x86', null], // set as qemu-system-x86_64, truncated to 15 bytes
    [6, 'vhost-1234', null],
    [7, 'worker', null],
    [8, 'CPU 12/KVM', 12],
    [9, '))((', null],
  ])('real renamed task %i: comm %j → vcpu %j', (n, comm, vcpu) => {
    const s = value(parseStat(real(`renamed/comm${n}.stat`)));
    expect(s.comm).toBe(comm);
    expect(s.state).toMatch(/^[RS]$/);
    expect(s.numThreads).toBe(1);
    expect(vcpuIndexFromComm(s.comm)).toBe(vcpu);
    // the comm file says the same, plus a newline
    expect(real(`renamed/comm${n}.comm`)).toBe(`${comm}\n`);
    expect(vcpuIndexFromComm(real(`renamed/comm${n}.comm`))).toBe(vcpu);
  });

  // fields 3..22, then (by default) 23..38 as zeros and processor (39) = 3
  const tail = (utime: string | number, stime: string | number, extra = `${' 0'.repeat(16)} 3`): string =>
    `S 1 1 1 0 -1 0 0 0 0 0 ${utime} ${stime} 0 0 20 0 4 0 555${extra}`;

  it.each([
    ['a) b (c', `77 (a) b (c) ${tail(5, 6)}`],
    [') S 1 1', `77 () S 1 1) ${tail(5, 6)}`],
    ['', `77 () ${tail(5, 6)}`],
    ['(', `77 (() ${tail(5, 6)}`],
    ['x\ny', `77 (x\ny) ${tail(5, 6)}\n`],
  ])('cuts at the last paren: comm %j', (comm, line) => {
    const s = value(parseStat(line));
    expect(s.comm).toBe(comm);
    expect(s.pid).toBe(77);
    expect(s.cpuTimeNs).toBe(11n * NS_PER_TICK);
    expect(s.numThreads).toBe(4);
    expect(s.lastCpu).toBe(3);
  });

  it('gives lastCpu null when the line stops before field 39', () => {
    const s = value(parseStat(`9 (old) ${tail(1, 2, '')}`));
    expect(s.startTimeTicks).toBe(555n);
    expect(s.lastCpu).toBeNull();
  });

  it.each([
    ['', /prefix/],
    ['garbage', /prefix/],
    ['12 (x)', /no space after comm/],
    ['12 (x)S 1', /no space after comm/],
    ['x (comm) S 1', /pid/],
    ['-1 (comm) S 1', /pid/],
    ['12 (comm) S 1 1 1 0 -1 0 0 0 0', /fields/],
    [`12 (comm) ${tail('x', 1)}`, /utime/],
    [`12 (comm) ${tail(-1, 1)}`, /utime/],
    [`12 (comm) ${tail(1, 1).replace(/^S/, 'SS')}`, /state/],
  ])('rejects %j', (line, why) => {
    expect(errorOf(parseStat(line))).toMatch(why);
  });

  it('converts with other clock rates and rejects nonsense ones', () => {
    const line = `5 (t) ${tail(250, 750)}`;
    expect(value(parseStat(line, 250)).cpuTimeNs).toBe(4_000_000_000n);
    expect(value(parseStat(line, 1000)).utimeNs).toBe(250_000_000n);
    expect(errorOf(parseStat(line, 0))).toMatch(/clock/);
    expect(errorOf(parseStat(line, 1.5))).toMatch(/clock/);
  });

  it('keeps ns exact beyond 2^53 (bigint)', () => {
    // 900719925475 ticks = 9007199254750000000 ns > 2^53 (9007199254740992);
    // as a double, 900719925475 * 1e7 would round to ...4752e3.
    const s = value(parseStat(`1 (big) ${tail('900719925475', '18446744073709551615')}`));
    expect(s.utimeNs).toBe(9_007_199_254_750_000_000n);
    expect(s.utimeNs > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(s.stimeNs).toBe(18_446_744_073_709_551_615n * NS_PER_TICK);
    expect(s.cpuTimeNs).toBe(s.utimeNs + s.stimeNs);
    expect(s.cpuTimeNs.toString()).toBe('184467449744294770900000000');
  });
});

describe('parseStat: the plain-form scan and the general split agree', () => {
  // parseStat scans the kernel's plain form (single spaces, printable ASCII)
  // in one pass and splits anything else on whitespace runs. A tab right
  // after comm forces the general path, so each line is parsed both ways.
  const general = (line: string): string => {
    const close = line.lastIndexOf(')');
    return close >= 0 && line[close + 1] === ' ' ? `${line.slice(0, close + 1)}\t${line.slice(close + 2)}` : line;
  };
  const canonical = real('node-stat');
  const [head, rest] = [canonical.slice(0, canonical.lastIndexOf(')') + 1), canonical.slice(canonical.lastIndexOf(')') + 1)];

  it.each([
    ['as captured', canonical],
    ['no trailing newline', canonical.replace(/\n$/, '')],
    ['two spaces between fields', head + rest.replace(' 20 ', '  20 ')],
    ['a tab between fields', head + rest.replace(' 20 ', ' 20\t')],
    ['a trailing space', canonical.replace(/\n$/, ' \n')],
    ['CRLF', canonical.replace(/\n$/, '\r\n')],
    ['a no-break space', head + rest.replace(' 20 ', ' 20\u00a0')],
    ['two spaces after comm', head + ' ' + rest],
    ['two trailing newlines', canonical + '\n'],
  ])('%s', (_name, line) => {
    const plain = parseStat(line);
    expect(plain).toEqual(parseStat(general(line)));
    // whitespace variants still mean the same fields
    expect(plain).toEqual(parseStat(canonical));
  });

  it.each([
    ['a field with a control character', head + rest.replace(' 20 ', ' 2\u00010 ')],
    ['a non-ASCII field', head + rest.replace(' 20 ', ' 2é ')],
    ['short', `9 (x) S 1 2 3\n`],
    ['only a space after comm', `9 (x) `],
    ['just a newline after the space', `9 (x) \n`],
  ])('%s', (_name, line) => {
    expect(parseStat(line)).toEqual(parseStat(general(line)));
  });

  it(`agrees on ${FUZZ_CASES} fuzz inputs and their stat-like forms`, () => {
    for (const input of fuzzInputs(0x5ca7, FUZZ_CASES)) {
      expect(parseStat(input)).toEqual(parseStat(general(input)));
      const statLike = `1 (f) ${input}`;
      expect(parseStat(statLike)).toEqual(parseStat(general(statLike)));
    }
  });
});

describe('parseTaskStat: parseStat’s answers, in the reader’s shape', () => {
  // The one-pass scan takes only the kernel's own form and hands anything
  // else to parseStat, so both must agree on everything, errors included.
  const viaParseStat = (line: string): ParseResult<unknown> => {
    const r = parseStat(line);
    if (!r.ok) return r;
    const v = r.value;
    return { ok: true, value: { comm: v.comm, cpuTicks: Number(v.utimeTicks + v.stimeTicks), startTimeTicks: Number(v.startTimeTicks), lastCpu: v.lastCpu } };
  };
  const canonical = real('node-stat');
  const close = canonical.lastIndexOf(')');
  const fields = canonical.slice(close + 2).trimEnd().split(' '); // fields[0] is field 3 (state)
  const withField = (n: number, v: string): string => `${canonical.slice(0, close + 2)}${fields.map((f, i) => (i === n - 3 ? v : f)).join(' ')}\n`;

  it('reads a real thread stat: comm, utime + stime, starttime, processor', () => {
    expect(value(parseTaskStat(canonical))).toEqual({
      comm: value(parseStat(canonical)).comm,
      cpuTicks: Number(fields[14 - 3]) + Number(fields[15 - 3]),
      startTimeTicks: Number(fields[22 - 3]),
      lastCpu: Number(fields[39 - 3]),
    });
  });

  it.each([
    ['as captured', canonical],
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => [`renamed ${n}`, real(`renamed/comm${n}.stat`)]),
    ['kthreadd', real('kthreadd-stat')],
    ['kworker', real('kworker-stat')],
    ['no trailing newline', canonical.replace(/\n$/, '')],
    ['negative nice (field 19)', withField(19, '-5')],
    ['a negative ppid', withField(4, '-1')],
    ['a negative num_threads', withField(20, '-3')],
    ['a negative processor', withField(39, '-1')],
    ['utime past 15 digits', withField(14, '1234567890123456')],
    ['starttime past 15 digits', withField(22, '98765432109876543')],
    ['a lone minus', withField(19, '-')],
    ['two spaces between fields', canonical.replace(/ (\d+) /, '  $1 ')],
    ['a tab between fields', canonical.replace(/ (\d+) /, '\t$1 ')],
    ['a trailing space', canonical.replace(/\n$/, ' \n')],
    ['CRLF', canonical.replace(/\n$/, '\r\n')],
    ['a pid past 15 digits', canonical.replace(/^\d+/, '1234567890123456')],
    ['a letter in the pid', canonical.replace(/^\d/, 'x')],
    ['a digit for the state', canonical.slice(0, close + 2) + '1' + canonical.slice(close + 3)],
    ['short', '9 (x) S 1 2 3\n'],
    ['ends at starttime', `${canonical.slice(0, close + 2)}${fields.slice(0, 20).join(' ')}\n`],
    ['one field short of starttime', `${canonical.slice(0, close + 2)}${fields.slice(0, 19).join(' ')}\n`],
    ['a comm holding ") S 1 (" ', canonical.replace(/\(.*\)/, '(a) S 1 (b)')],
    ['empty', ''],
  ])('%s', (_name, line) => {
    expect(parseTaskStat(line)).toEqual(viaParseStat(line));
  });

  it(`agrees on ${FUZZ_CASES} fuzz inputs and their stat-like forms`, () => {
    for (const input of fuzzInputs(0x7a5c, FUZZ_CASES)) {
      expect(parseTaskStat(input)).toEqual(viaParseStat(input));
      const statLike = `1 (f) S ${input}`;
      expect(parseTaskStat(statLike)).toEqual(viaParseStat(statLike));
    }
  });
});

describe('parseSchedstat: the one-pass scan and the general split agree', () => {
  // A tab forces the general path (tokens split on any whitespace).
  const general = (text: string): string => text.replace(' ', '\t');
  it.each(['2892064685 5151323 41\n', '0 0 1\n', '1 2 3', '999999999999999 1 2\n', '9999999999999999 1 2\n', '5 6\n', '1  2 3\n', '1 2 3 \n', '1 2 3 4\n', '-1 2 3\n'])('%j', (text) => {
    expect(parseSchedstat(text)).toEqual(parseSchedstat(general(text)));
  });

  it(`agrees on ${FUZZ_CASES} fuzz inputs`, () => {
    for (const input of fuzzInputs(0x5c4e, FUZZ_CASES)) expect(parseSchedstat(input)).toEqual(parseSchedstat(general(input)));
  });
});

describe('ticksToNs', () => {
  it.each([
    [0n, 100, 0n],
    [1n, 100, 10_000_000n],
    [3n, 250, 12_000_000n],
    [1n, 1000, 1_000_000n],
  ])('%s ticks at %i Hz = %s ns', (ticks, hz, ns) => {
    expect(ticksToNs(ticks, hz)).toBe(ns);
  });
});

describe('parseSchedstat', () => {
  it('parses a real line', () => {
    expect(value(parseSchedstat(real('node-schedstat')))).toEqual({
      runNs: 2892064685n,
      waitNs: 5151323n,
      timeslices: 41n,
    });
  });

  it.each([
    ['0 0 1\n', { runNs: 0n, waitNs: 0n, timeslices: 1n }],
    ['18446744073709551615 1 2', { runNs: 18446744073709551615n, waitNs: 1n, timeslices: 2n }],
    ['5 6', { runNs: 5n, waitNs: 6n, timeslices: null }],
  ])('parses %j', (text, expected) => {
    expect(value(parseSchedstat(text))).toEqual(expected);
  });

  it.each(['', '\n', '1', '1 2 3 4', 'a b c', '-1 2 3', '1 2 x'])('rejects %j', (text) => {
    expect(errorOf(parseSchedstat(text))).toBeTruthy();
  });
});

describe('parseStatus', () => {
  it('parses a real user process', () => {
    const s = value(parseStatus(real('node-status')));
    expect(s).toMatchObject({
      name: 'node',
      state: 'S',
      tgid: 16664,
      pid: 16664,
      threads: 12,
      vmPeakKiB: 1652788,
      vmHwmKiB: 58308,
      vmRssKiB: 58308,
      vmSwapKiB: 0,
    });
    expect(typeof s.voluntaryCtxtSwitches).toBe('number');
  });

  it('gives null memory fields for a real kernel thread', () => {
    const s = value(parseStatus(real('kthreadd-status')));
    expect(s.name).toBe('kthreadd');
    expect(s.threads).toBe(1);
    expect(s.vmRssKiB).toBeNull();
    expect(s.vmHwmKiB).toBeNull();
  });

  it('keeps spaces in Name and tolerates a bad value', () => {
    const s = value(parseStatus('Name:\tCPU 0/KVM\nPid:\t5\nTgid:\t4\nVmRSS:\t lots kB\nThreads:\t2\n'));
    expect(s.name).toBe('CPU 0/KVM');
    expect(s.vmRssKiB).toBeNull();
    expect(s.threads).toBe(2);
  });

  it.each(['', 'garbage', 'VmRSS: 5 kB\n', 'Name:\tx\nPid:\tnope\nTgid:\t1\n'])('rejects %j', (text) => {
    expect(errorOf(parseStatus(text))).toBeTruthy();
  });
});

describe('parseIo', () => {
  it('parses a real file', () => {
    expect(value(parseIo(real('node-io')))).toEqual({
      rchar: 256507n,
      wchar: 126n,
      syscr: 107n,
      syscw: 17n,
      readBytes: 3416064n,
      writeBytes: 24576n,
      cancelledWriteBytes: 0n,
    });
  });

  it('leaves missing counters null', () => {
    const io = value(parseIo('read_bytes: 18446744073709551615\n'));
    expect(io.readBytes).toBe(18446744073709551615n);
    expect(io.writeBytes).toBeNull();
  });

  it.each(['', 'rchar: x\n', 'hello\nworld'])('rejects %j', (text) => {
    expect(errorOf(parseIo(text))).toBeTruthy();
  });
});

describe('parseMeminfo', () => {
  it('parses a real file', () => {
    expect(value(parseMeminfo(real('meminfo')))).toEqual({
      memTotalKiB: 24684092n,
      memFreeKiB: 23842192n,
      memAvailableKiB: 24249004n,
      buffersKiB: 218628n,
      cachedKiB: 329060n,
      swapTotalKiB: 0n,
      swapFreeKiB: 0n,
    });
  });

  it('has no MemAvailable before Linux 3.14', () => {
    const m = value(parseMeminfo('MemTotal:  1000 kB\nMemFree:  200 kB\nBuffers: 10 kB\nCached: 30 kB\n'));
    expect(m.memAvailableKiB).toBeNull();
    expect(m.memFreeKiB).toBe(200n);
  });

  it.each(['', 'MemFree: 1 kB\n', 'MemTotal: many kB\n'])('rejects %j', (text) => {
    expect(errorOf(parseMeminfo(text))).toMatch(/MemTotal/);
  });
});

describe('parseProcStat', () => {
  it('parses the real file', () => {
    const s = value(parseProcStat(real('stat')));
    // cpu  7644 0 5278 46908 1143 0 121 89 0 0
    const total = 7644n + 5278n + 46908n + 1143n + 121n + 89n;
    expect(s.total.totalNs).toBe(total * NS_PER_TICK);
    expect(s.total.busyNs).toBe((total - 46908n - 1143n) * NS_PER_TICK);
    expect(s.total.userNs).toBe(7644n * NS_PER_TICK);
    expect(s.total.stealNs).toBe(89n * NS_PER_TICK);
    expect(s.perCpu.map((c) => c.cpu)).toEqual([0, 1]);
    expect(s.perCpu[1].idleNs).toBe(21738n * NS_PER_TICK);
    // per-CPU lines add up to the aggregate, give or take ticks that
    // accrued while the kernel printed the file (5 in this capture)
    const sum = s.perCpu.reduce((acc, c) => acc + c.totalNs, 0n);
    const drift = sum > s.total.totalNs ? sum - s.total.totalNs : s.total.totalNs - sum;
    expect(drift <= 100n * NS_PER_TICK).toBe(true);
  });

  it('does not count guest time twice', () => {
    // user 1000 of which guest 600, nice 50 of which guest_nice 20
    const s = value(parseProcStat('cpu 1000 50 100 800 50 5 5 0 600 20\n'));
    expect(s.total.totalNs).toBe(2010n * NS_PER_TICK);
    expect(s.total.busyNs).toBe(1160n * NS_PER_TICK);
    expect(s.total.guestNs).toBe(600n * NS_PER_TICK);
  });

  it.each([
    ['4 fields (2.4)', 'cpu  10 20 30 40\n', 100n, 60n],
    ['7 fields (2.6.0)', 'cpu  10 20 30 40 5 1 2\n', 108n, 63n],
    ['8 fields (2.6.11)', 'cpu  10 20 30 40 5 1 2 3\n', 111n, 66n],
    ['9 fields (2.6.24)', 'cpu  10 20 30 40 5 1 2 3 4\n', 111n, 66n],
  ])('accepts old kernels: %s', (_label, text, totalTicks, busyTicks) => {
    const s = value(parseProcStat(text));
    expect(s.total.totalNs).toBe(totalTicks * NS_PER_TICK);
    expect(s.total.busyNs).toBe(busyTicks * NS_PER_TICK);
    expect(s.total.guestNiceNs).toBe(0n);
  });

  it('numbers CPUs by label so offline CPUs leave gaps', () => {
    const s = value(parseProcStat('cpu  2 0 0 2\ncpu0 1 0 0 1\ncpu2 1 0 0 1\nintr 5\nctxt 9\n'));
    expect(s.perCpu.map((c) => c.cpu)).toEqual([0, 2]);
  });

  it.each([
    ['', /no aggregate/],
    ['intr 1 2 3\n', /no aggregate/],
    ['cpu 1 2 3\n', /aggregate/],
    ['cpu 1 2 3 x\n', /aggregate/],
    ['cpu 1 2 3 4\ncpu0 1 2\n', /cpu0/],
  ])('rejects %j', (text, why) => {
    expect(errorOf(parseProcStat(text))).toMatch(why);
  });
});

describe('vcpuIndexFromComm', () => {
  it.each([
    ['CPU 0/KVM', 0],
    ['CPU 7/TCG', 7],
    ['CPU 3/HVF', 3],
    ['CPU 12/WHPX', 12],
    ['CPU 1/NVMM\n', 1],
    ['CPU 255/KVM', 255],
    ['ALL CPUs/TCG', null],
    ['CPU 1/', null],
    ['CPU /KVM', null],
    ['cpu 1/kvm', null],
    ['CPU 1/KVM extra', null],
    [' CPU 1/KVM', null],
    ['qemu-system-x86', null],
    ['IO mon_iothread', null],
    ['vhost-1234', null],
    ['', null],
  ])('%j → %j', (comm, expected) => {
    expect(vcpuIndexFromComm(comm)).toBe(expected);
  });
});

describe('cmdline and -name', () => {
  it('splits NUL-separated argv', () => {
    expect(parseCmdline('/usr/bin/qemu\0-name\0guest=x\0')).toEqual(['/usr/bin/qemu', '-name', 'guest=x']);
    expect(parseCmdline('')).toEqual([]);
    expect(parseCmdline('no-nul-at-all')).toEqual(['no-nul-at-all']);
  });

  it.each([
    ['guest=web-01,debug-threads=on', 'web-01'],
    ['guest=a,,b,debug-threads=on', 'a,b'],
    ['guest=a,,,debug-threads=on', 'a,'],
    ['guest=,,,,', ',,'],
    ['guest=x=y', 'x=y'],
    ['guest=odd name (1),debug-threads=on', 'odd name (1)'],
    ['legacy', 'legacy'],
    ['legacy,process=qemu:legacy', 'legacy'],
    ['debug-threads=on', null],
    ['', ''],
  ])('-name %j → guest %j', (opt, guest) => {
    expect(qemuGuestName(['/usr/bin/qemu-system-x86_64', '-S', '-name', opt, '-m', '512'])).toBe(guest);
  });

  it('handles --name and a missing value', () => {
    expect(qemuGuestName(['qemu', '--name', 'guest=z'])).toBe('z');
    expect(qemuGuestName(['qemu', '-name'])).toBeNull();
    expect(qemuGuestName([])).toBeNull();
  });

  it('returns every option', () => {
    expect([...parseQemuOpts('guest=a,,b,debug-threads=on', 'guest')]).toEqual([
      ['guest', 'a,b'],
      ['debug-threads', 'on'],
    ]);
  });
});

describe('parsePidFile', () => {
  it.each([
    ['4242\n', 4242],
    ['  17 ', 17],
    ['0', null],
    ['', null],
    ['12a', null],
    ['-5', null],
    ['99999999999', null],
  ])('%j → %j', (text, pid) => {
    expect(parsePidFile(text)).toBe(pid);
  });
});

// ---------------------------------------------------------------------------
// Fuzz: the parsers must never throw, whatever /proc hands them.

const SEEDS = [
  real('node-stat'),
  real('kthreadd-stat'),
  real('renamed/comm4.stat'),
  real('node-schedstat'),
  real('node-status'),
  real('node-io'),
  real('meminfo'),
  real('stat'),
  'CPU 0/KVM\n',
  '/usr/bin/qemu-system-x86_64\0-name\0guest=a,,b,debug-threads=on\0',
];
const ALPHABET = '0123456789 ()\n\t:,=-/kBcpuCPUKVMTCG\0\uFFFD\u00e9x';

function fuzzInputs(seed: number, count: number): string[] {
  const rand = mulberry32(seed);
  const int = (n: number): number => Math.floor(rand() * n);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    switch (i % 4) {
      case 0: {
        // random bytes decoded as Latin-1 and as UTF-8 (invalid sequences)
        const bytes = Buffer.alloc(int(300));
        for (let j = 0; j < bytes.length; j++) bytes[j] = int(256);
        out.push(i % 8 === 0 ? bytes.toString('latin1') : bytes.toString('utf8'));
        break;
      }
      case 1: {
        // random strings from the characters that matter to the parsers
        let s = '';
        const len = int(200);
        for (let j = 0; j < len; j++) s += ALPHABET[int(ALPHABET.length)];
        out.push(s);
        break;
      }
      default: {
        // mutated real input: cut, splice, duplicate, replace
        let s = SEEDS[int(SEEDS.length)];
        const edits = 1 + int(4);
        for (let e = 0; e < edits; e++) {
          const at = int(s.length + 1);
          const op = int(4);
          if (op === 0) s = s.slice(0, at);
          else if (op === 1) s = s.slice(0, at) + ALPHABET[int(ALPHABET.length)].repeat(1 + int(3)) + s.slice(at);
          else if (op === 2) s = s.slice(0, at) + s.slice(at + 1 + int(20));
          else s = s.slice(0, at) + '9'.repeat(1 + int(30)) + s.slice(at);
        }
        out.push(s);
      }
    }
  }
  return out;
}

const FUZZ_CASES = 600;

function checkResult<T>(r: ParseResult<T>, check: (v: T) => void): void {
  expect(typeof r.ok).toBe('boolean');
  if (r.ok) check(r.value);
  else {
    expect(typeof r.error).toBe('string');
    expect(r.error.length).toBeGreaterThan(0);
  }
}

describe('fuzz (fixed seed)', () => {
  const inputs = fuzzInputs(0x5eed, FUZZ_CASES);

  it(`parseStat survives ${FUZZ_CASES} inputs`, () => {
    for (const input of inputs) {
      checkResult(parseStat(input), (v) => {
        expect(typeof v.cpuTimeNs).toBe('bigint');
        expect(v.cpuTimeNs).toBe(v.utimeNs + v.stimeNs);
        expect(Number.isSafeInteger(v.pid)).toBe(true);
        expect(v.lastCpu === null || Number.isSafeInteger(v.lastCpu)).toBe(true);
      });
    }
  });

  it(`parseSchedstat survives ${FUZZ_CASES} inputs`, () => {
    for (const input of inputs) checkResult(parseSchedstat(input), (v) => expect(typeof v.runNs).toBe('bigint'));
  });

  it(`parseStatus survives ${FUZZ_CASES} inputs`, () => {
    for (const input of inputs) {
      checkResult(parseStatus(input), (v) => {
        expect(v.vmRssKiB === null || Number.isSafeInteger(v.vmRssKiB)).toBe(true);
      });
    }
  });

  it(`parseIo survives ${FUZZ_CASES} inputs`, () => {
    for (const input of inputs) checkResult(parseIo(input), (v) => expect(v.readBytes === null || typeof v.readBytes === 'bigint').toBe(true));
  });

  it(`parseMeminfo survives ${FUZZ_CASES} inputs`, () => {
    for (const input of inputs) checkResult(parseMeminfo(input), (v) => expect(typeof v.memTotalKiB).toBe('bigint'));
  });

  it(`parseProcStat survives ${FUZZ_CASES} inputs`, () => {
    for (const input of inputs) {
      checkResult(parseProcStat(input), (v) => {
        expect(v.total.busyNs <= v.total.totalNs).toBe(true);
        expect(v.total.busyNs >= 0n).toBe(true);
      });
    }
  });

  it(`comm, cmdline and pid-file helpers survive ${FUZZ_CASES} inputs`, () => {
    for (const input of inputs) {
      const vcpu = vcpuIndexFromComm(input);
      expect(vcpu === null || Number.isSafeInteger(vcpu)).toBe(true);
      const argv = parseCmdline(input);
      expect(Array.isArray(argv)).toBe(true);
      const guest = qemuGuestName(argv);
      expect(guest === null || typeof guest === 'string').toBe(true);
      const pid = parsePidFile(input);
      expect(pid === null || (Number.isSafeInteger(pid) && pid > 0)).toBe(true);
    }
  });

  it('rejects non-string input without throwing', () => {
    const junk = [undefined, null, 42, {}, []] as unknown as string[];
    for (const j of junk) {
      expect(parseStat(j).ok).toBe(false);
      expect(parseSchedstat(j).ok).toBe(false);
      expect(parseStatus(j).ok).toBe(false);
      expect(parseIo(j).ok).toBe(false);
      expect(parseMeminfo(j).ok).toBe(false);
      expect(parseProcStat(j).ok).toBe(false);
      expect(vcpuIndexFromComm(j)).toBeNull();
      expect(parsePidFile(j)).toBeNull();
      expect(parseCmdline(j)).toEqual([]);
    }
  });
});
