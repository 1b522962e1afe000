// Helpers for the real-libvirt lab tests (vitest project "lab").
//
// The lab itself lives in test/lab/lab.sh; this module drives it, and wraps
// `virsh` for the tests' own checks.  virsh is used only here, in the lab —
// the product talks to libvirt through its own binding.
//
// Gating: labAvailable() says why the lab cannot run on this machine.  In CI
// (CI=true) such a reason must FAIL the run; locally the tests may skip.
// describeLab() implements exactly that.

import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'vitest';

export const LAB_DIR = dirname(fileURLToPath(import.meta.url));
export const LAB_SH = join(LAB_DIR, 'lab.sh');
// Same default as lab.sh: outside the checkout, where QEMU (libvirt-qemu) can read it.
export const LAB_WORK = process.env.VIRTOP_LAB_WORK ?? '/var/tmp/virtop-lab';
export const LAB_CONNECT = 'qemu:///system';
export const LAB_PREFIX = 'virtop-lab-';
export const LAB_NETWORK = 'virtop-lab-net';

/** The default guests and the load each one runs (see lab.sh guest_spec). */
export const LAB_GUESTS = {
  spin: 'virtop-lab-spin', // 2 vCPUs, busy loop pinned to vCPU 0
  disk: 'virtop-lab-disk', // O_DIRECT dd read+write loop on vda, iotune 16 MiB/s
  net: 'virtop-lab-netload', // ping6 ff02::1 on eth0, ~150-200 pkt/s
  idle: 'virtop-lab-idle', // idle; 1 of max 4 vCPUs, for hot-add
} as const;
export type LabLoad = keyof typeof LAB_GUESTS;
export const DEFAULT_LAB_GUESTS: string[] = Object.values(LAB_GUESTS);

/** Load a guest runs, derived from its name like lab.sh does. */
export function guestLoad(name: string): LabLoad {
  const base = name.slice(LAB_PREFIX.length);
  if (base.startsWith('spin')) return 'spin';
  if (base.startsWith('disk')) return 'disk';
  if (base.startsWith('netload')) return 'net';
  if (base.startsWith('idle')) return 'idle';
  if (base.startsWith('nostats')) return 'idle'; // idle, balloon without a stats period
  if (base.startsWith('ipaddr')) return 'idle'; // idle, with an IPv4 link-local address
  throw new Error(`not a lab guest name: ${name}`);
}

export function isCI(): boolean {
  const ci = (process.env.CI ?? '').toLowerCase();
  return ci !== '' && ci !== '0' && ci !== 'false';
}

function onPath(cmd: string): boolean {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    try {
      accessSync(join(dir || '.', cmd), constants.X_OK);
      return true;
    } catch {
      /* keep looking */
    }
  }
  return false;
}

/**
 * Why the lab cannot run here, or null when it can.  Cheap and synchronous so
 * it can gate describe() blocks; it does not install or start anything.
 */
export function labAvailable(): string | null {
  if (process.platform !== 'linux') return `needs Linux (platform is ${process.platform})`;
  if (process.arch !== 'x64') return `needs an x86_64 host (arch is ${process.arch})`;
  if (!existsSync(LAB_SH)) return `${LAB_SH} is missing`;
  if (!onPath('bash')) return 'bash not found';
  const root = process.getuid?.() === 0;
  const haveVirsh = onPath('virsh');
  if (!root) {
    // without root lab.sh can neither install packages nor start daemons, so
    // everything must already be in place and qemu:///system must answer
    if (!haveVirsh) return 'not root, and virsh is not installed';
    const r = spawnSync('virsh', ['-c', LAB_CONNECT, 'version'], { timeout: 10_000, encoding: 'utf8' });
    if (r.status !== 0) return `not root, and ${LAB_CONNECT} does not answer: ${(r.stderr ?? '').trim() || r.error?.message}`;
    return null;
  }
  if (!haveVirsh || !onPath('qemu-img') || !existsSync('/usr/bin/qemu-system-x86_64')) {
    if (!onPath('apt-get') || !onPath('dpkg-query')) return 'libvirt/QEMU missing and no apt-get to install them';
  }
  return null;
}

/**
 * describe() for lab tests: runs `fn` when the lab can run; otherwise skips
 * locally (with the reason in the title) but fails in CI.
 */
export function describeLab(name: string, fn: () => void): void {
  const reason = labAvailable();
  if (reason === null) {
    describe(name, fn);
    return;
  }
  if (isCI()) {
    describe(name, () => {
      test('lab is available (required in CI)', () => {
        throw new Error(`lab cannot run in CI: ${reason}`);
      });
    });
    return;
  }
  console.warn(`[lab] skipping "${name}": ${reason}`);
  describe.skip(`${name} (skipped: ${reason})`, fn);
}

interface ExecResult {
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const msg = `${file} ${args.join(' ')} failed: ${err.message.trim()}` + (stderr ? `\n${stderr.trim()}` : '');
        reject(Object.assign(new Error(msg), { stdout, stderr }));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/** Runs `virsh -c qemu:///system ARGS...` (no shell) and returns stdout. */
export async function virsh(args: string[], timeoutMs = 60_000): Promise<string> {
  return (await run('virsh', ['-c', LAB_CONNECT, ...args], timeoutMs)).stdout;
}

/** Runs `bash lab.sh ARGS...`; returns its stderr log (lab.sh logs there). */
export async function labSh(args: string[], timeoutMs = 120_000): Promise<string> {
  return (await run('bash', [LAB_SH, ...args], timeoutMs)).stderr;
}

/** Parses `virsh domstats --raw` output for one domain into key → value. */
export function parseDomstats(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s+([^=\s]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** `virsh domstats --raw [--GROUP...] NAME` as a record (all groups by default). */
export async function domstats(name: string, groups: string[] = []): Promise<Record<string, string>> {
  const stats = parseDomstats(await virsh(['domstats', '--raw', ...groups.map((g) => `--${g}`), name]));
  if (Object.keys(stats).length === 0) throw new Error(`no domstats for ${name}`);
  return stats;
}

/** Numeric domstats field; throws when it is missing. */
export function statNum(stats: Record<string, string>, key: string): number {
  const v = stats[key];
  if (v === undefined) throw new Error(`domstats has no ${key}`);
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`domstats ${key}=${v} is not a number`);
  return n;
}

/** Domain state as virsh prints it ("running", "shut off"), or null if undefined. */
export async function domState(name: string): Promise<string | null> {
  try {
    return (await virsh(['domstate', name])).trim().split('\n')[0] || null;
  } catch {
    return null;
  }
}

/** PID of the guest's QEMU process, from libvirt's pid file. */
export async function qemuPid(name: string): Promise<number> {
  const text = await readFile(`/run/libvirt/qemu/${name}.pid`, 'utf8');
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`bad pid file for ${name}: ${JSON.stringify(text)}`);
  return pid;
}

/** Names (comm) of all threads of a process, e.g. "CPU 0/TCG". */
export async function threadNames(pid: number): Promise<string[]> {
  const names: string[] = [];
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    try {
      names.push((await readFile(`/proc/${pid}/task/${tid}/comm`, 'utf8')).trim());
    } catch {
      /* thread exited meanwhile */
    }
  }
  return names;
}

export function consoleLogPath(name: string): string {
  return join(LAB_WORK, 'logs', `${name}.console.log`);
}

export async function consoleLog(name: string): Promise<string> {
  try {
    return await readFile(consoleLogPath(name), 'utf8');
  } catch {
    return '';
  }
}

export interface LabHandle {
  /** guests requested from ensureLab */
  guests: string[];
  /** guests that were not running before and were started by ensureLab */
  started: string[];
  /** whether ensureLab defined the lab network */
  createdNetwork: boolean;
  /** seconds from `virsh start` to the READY line, for guests started here */
  bootSeconds: Record<string, number>;
}

async function networkDefined(): Promise<boolean> {
  try {
    await virsh(['net-info', LAB_NETWORK]);
    return true;
  } catch {
    return false;
  }
}

function checkName(name: string): void {
  if (!name.startsWith(LAB_PREFIX) || name === LAB_NETWORK) throw new Error(`not a lab guest: ${name}`);
}

/**
 * Makes the lab ready: lab.sh deps, daemons, build, up GUESTS, then waits for
 * every guest's READY line.  Returns what it started, for teardownLab().
 */
export async function ensureLab(guests: string[] = DEFAULT_LAB_GUESTS, readyTimeoutS = 120): Promise<LabHandle> {
  guests.forEach(checkName);
  await labSh(['deps'], 15 * 60_000);
  await labSh(['daemons'], 120_000);
  const before = new Map<string, string | null>();
  for (const g of guests) before.set(g, await domState(g));
  const createdNetwork = !(await networkDefined());
  await labSh(['build'], 300_000);
  await labSh(['up', ...guests], 300_000);
  const bootSeconds: Record<string, number> = {};
  await Promise.all(
    guests.map(async (g) => {
      const log = await labSh(['wait-ready', g, String(readyTimeoutS)], (readyTimeoutS + 30) * 1000);
      const m = /ready ([\d.]+)s after start/.exec(log);
      if (m && before.get(g) !== 'running') bootSeconds[g] = Number(m[1]);
    }),
  );
  return {
    guests: [...guests],
    started: guests.filter((g) => before.get(g) !== 'running'),
    createdNetwork,
    bootSeconds,
  };
}

/**
 * Destroys and undefines lab guests.  Given a LabHandle, only what ensureLab
 * started (and the network, if it created it and no lab guest remains).
 */
export async function teardownLab(what: LabHandle | string[]): Promise<void> {
  const guests = Array.isArray(what) ? what : what.started;
  guests.forEach(checkName);
  if (guests.length > 0) await labSh(['down', ...guests], 120_000);
  if (!Array.isArray(what) && what.createdNetwork) await labSh(['net-down'], 60_000);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a non-undefined value or the timeout passes. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000, stepMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}
