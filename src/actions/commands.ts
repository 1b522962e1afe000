// Operations on one domain, as htop does actions: a pure planning step
// checks the domain's state and the typed input and returns either a clear
// refusal or a plan (what will be done, whether to confirm, how to run it).
// Running a plan re-checks the domain, calls HostControl, and returns a
// reaction for the status line. Nothing here builds a shell command.

import type { DomainView } from '../model/view.js';
import type { ChangeScope, HostControl } from '../types/control.js';
import { formatKiB, parseMemoryTarget, parseVcpuTarget } from './input.js';

export enum Command {
  Start = 'start',
  Shutdown = 'shutdown',
  Reboot = 'reboot',
  ForceOff = 'force-off',
  PauseResume = 'pause-resume',
  Balloon = 'balloon',
  Vcpus = 'vcpus',
  StatsPeriod = 'stats-period',
  Autostart = 'autostart',
}

/** Commands that need a typed value before they can be planned. */
export const NEEDS_INPUT: ReadonlySet<Command> = new Set([Command.Balloon, Command.Vcpus]);

export interface Plan {
  command: Command;
  domainKey: string;
  /** e.g. "pause web-01 on qemu:///system" */
  summary: string;
  /** a question naming the domain, when the action is destructive; null = run at once */
  confirm: string | null;
  /** a second question asked after a yes to the first (ballooning below what the guest uses + a margin) */
  confirmAgain?: string | null;
  /** the states in which running still makes sense (re-checked just before the call) */
  validStates: readonly string[];
  /** what it changes is read by the slow loop (autostart): read that again once it is done */
  rereadsInventory?: boolean;
  run(ctl: HostControl): Promise<void>;
  /** past tense for the status line */
  done: string;
  /** the equivalent virsh arguments (after `virsh -c URI`), shown in previews and the log; never run */
  virsh: string[];
  /** the action's parameters, for the action log */
  args: Record<string, string | number | boolean>;
  domainName: string;
  host: string;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; error: string };

export interface Reaction {
  ok: boolean;
  /** status line text */
  message: string;
  /** take a sample now rather than wait for the next tick */
  refresh: boolean;
}

export interface PlanInput {
  /** text typed into the prompt (balloon size, vCPU count) */
  text?: string;
  /** also write the change to the persistent config */
  persist?: boolean;
}

const RUNNING = ['running', 'blocked'];
const ACTIVE = ['running', 'blocked', 'paused', 'pmsuspended', 'shutdown', 'crashed'];
const INACTIVE = ['shutoff', 'crashed', 'nostate'];
const ANY_STATE = [...new Set([...ACTIVE, ...INACTIVE, 'blocked'])];

/** Room kept above what the guest uses before a balloon shrink needs a double confirmation: 10 % of use, at least 64 MiB. */
export function balloonMarginKiB(usedKiB: number): number {
  return Math.max(64 * 1024, Math.ceil(usedKiB * 0.1));
}

function where(d: DomainView): string {
  return `${d.name} on ${d.host}`;
}

function refuse(error: string): BareResult {
  return { ok: false, error };
}

/** Adds what every plan carries for previews and the log. */
function withMeta(
  r: { ok: true; plan: BarePlan },
  d: DomainView,
  virsh: () => string[],
  args: Record<string, string | number | boolean> = {},
): PlanResult {
  const { targetKiB: _k, targetVcpus: _v, ...bare } = r.plan;
  return { ok: true, plan: { ...bare, domainName: d.name, host: d.host, args, virsh: virsh() } };
}

export function planCommand(cmd: Command, d: DomainView, input: PlanInput = {}): PlanResult {
  const r = planBare(cmd, d, input);
  if (!r.ok) return r;
  const name = d.name;
  const scopeFlags = (persist: boolean) => (persist ? ['--live', '--config'] : ['--live']);
  switch (cmd) {
    case Command.Start:
      return withMeta(r, d, () => ['start', name]);
    case Command.Shutdown:
      return withMeta(r, d, () => ['shutdown', name]);
    case Command.Reboot:
      return withMeta(r, d, () => ['reboot', name]);
    case Command.ForceOff:
      return withMeta(r, d, () => ['destroy', name]);
    case Command.PauseResume: {
      const resume = d.state === 'paused';
      return withMeta(r, d, () => [resume ? 'resume' : 'suspend', name], { op: resume ? 'resume' : 'pause' });
    }
    case Command.Balloon: {
      const kib = r.plan.targetKiB as number;
      return withMeta(r, d, () => ['setmem', name, `${kib}K`, ...scopeFlags(input.persist === true)], { memoryKiB: kib, persist: input.persist === true });
    }
    case Command.Vcpus: {
      const n = r.plan.targetVcpus as number;
      return withMeta(r, d, () => ['setvcpus', name, String(n), ...scopeFlags(input.persist === true)], { vcpus: n, persist: input.persist === true });
    }
    case Command.StatsPeriod:
      return withMeta(r, d, () => ['dommemstat', name, '--period', '2', '--live'], { periodSec: 2 });
    case Command.Autostart: {
      const on = d.autostart !== true;
      return withMeta(r, d, () => (on ? ['autostart', name] : ['autostart', name, '--disable']), { autostart: on });
    }
  }
}

type BarePlan = Omit<Plan, 'virsh' | 'args' | 'domainName' | 'host'> & { targetKiB?: number; targetVcpus?: number };
type BareResult = { ok: true; plan: BarePlan } | { ok: false; error: string };

function planBare(cmd: Command, d: DomainView, input: PlanInput): BareResult {
  const scope: ChangeScope = { live: true, config: input.persist === true };
  const persistNote = scope.config ? ' (live and in the config)' : ' (live only)';
  const base = { command: cmd, domainKey: d.key };
  switch (cmd) {
    case Command.Start:
      if (!INACTIVE.includes(d.state) || d.id !== null) return refuse(`${where(d)} is ${d.state}: only a shut-off domain can be started`);
      return {
        ok: true,
        plan: { ...base, summary: `start ${where(d)}`, confirm: null, validStates: INACTIVE, run: (c) => c.start(d.uuid), done: `started ${where(d)}` },
      };
    case Command.Shutdown:
      if (!RUNNING.includes(d.state)) return refuse(`${where(d)} is ${d.state}: only a running domain can be shut down gracefully`);
      return {
        ok: true,
        plan: {
          ...base,
          summary: `shut down ${where(d)} (ACPI)`,
          confirm: `Shut down ${d.name} on ${d.host}? (y/N)`,
          validStates: RUNNING,
          run: (c) => c.shutdown(d.uuid),
          done: `asked ${where(d)} to shut down`,
        },
      };
    case Command.Reboot:
      if (!RUNNING.includes(d.state)) return refuse(`${where(d)} is ${d.state}: only a running domain can be rebooted`);
      return {
        ok: true,
        plan: {
          ...base,
          summary: `reboot ${where(d)}`,
          confirm: `Reboot ${d.name} on ${d.host}? (y/N)`,
          validStates: RUNNING,
          run: (c) => c.reboot(d.uuid),
          done: `asked ${where(d)} to reboot`,
        },
      };
    case Command.ForceOff:
      if (!ACTIVE.includes(d.state) || d.id === null) return refuse(`${where(d)} is ${d.state}: it is not running`);
      return {
        ok: true,
        plan: {
          ...base,
          summary: `force off ${where(d)}`,
          confirm: `Force off ${d.name} on ${d.host}? Like pulling the plug: unsaved guest data is lost. (y/N)`,
          validStates: ACTIVE,
          run: (c) => c.destroy(d.uuid),
          done: `forced off ${where(d)}`,
        },
      };
    case Command.PauseResume:
      if (RUNNING.includes(d.state)) {
        return {
          ok: true,
          plan: { ...base, summary: `pause ${where(d)}`, confirm: null, validStates: RUNNING, run: (c) => c.suspend(d.uuid), done: `paused ${where(d)}` },
        };
      }
      if (d.state === 'paused') {
        return {
          ok: true,
          plan: { ...base, summary: `resume ${where(d)}`, confirm: null, validStates: ['paused'], run: (c) => c.resume(d.uuid), done: `resumed ${where(d)}` },
        };
      }
      return refuse(`${where(d)} is ${d.state}: only a running domain can be paused or a paused one resumed`);
    case Command.Balloon: {
      if (!ACTIVE.includes(d.state) || d.id === null) return refuse(`${where(d)} is ${d.state}: memory can only be ballooned on a running domain`);
      if (d.hasBalloon === false) return refuse(`${where(d)} has no balloon device: its memory cannot be changed live`);
      const parsed = parseMemoryTarget(input.text ?? '', { currentKiB: d.memCurrentKiB, maxKiB: d.memMaxKiB });
      if (!parsed.ok) return refuse(parsed.error);
      const kib = parsed.value;
      const margin = d.memUsedKiB === null ? 0 : balloonMarginKiB(d.memUsedKiB);
      // Below what the guest uses plus a margin: ask, then ask again.
      const shrinkingBelowUse = d.memUsedKiB !== null && kib < d.memUsedKiB + margin;
      const staleNote = d.guestStats === 'stale' ? ' (guest stats are stale)' : '';
      const from = d.memCurrentKiB === null ? 'unknown' : formatKiB(d.memCurrentKiB);
      return {
        ok: true,
        plan: {
          ...base,
          summary: `set memory of ${where(d)} from ${from} to ${formatKiB(kib)}${persistNote}`,
          confirm: shrinkingBelowUse
            ? `${d.name} uses ${formatKiB(d.memUsedKiB as number)}${staleNote}; shrink it to ${formatKiB(kib)}? That leaves less than ${formatKiB(margin)} to spare: the guest may swap or kill processes. (y/N)`
            : null,
          confirmAgain: shrinkingBelowUse
            ? `Really shrink ${d.name} on ${d.host} to ${formatKiB(kib)}, below its use + ${formatKiB(margin)}? Press y once more to do it (y/N)`
            : null,
          validStates: ACTIVE,
          run: (c) => c.setMemory(d.uuid, kib, scope),
          done: `set memory of ${where(d)} to ${formatKiB(kib)}${persistNote}`,
          targetKiB: kib,
        },
      };
    }
    case Command.Vcpus: {
      if (!ACTIVE.includes(d.state) || d.id === null) return refuse(`${where(d)} is ${d.state}: vCPUs can only be changed live on a running domain`);
      const parsed = parseVcpuTarget(input.text ?? '', d.vcpus, d.maxVcpus);
      if (!parsed.ok) return refuse(parsed.error);
      const n = parsed.value;
      if (d.vcpus !== null && n === d.vcpus) return refuse(`${where(d)} already has ${n} vCPUs`);
      const removing = d.vcpus !== null && n < d.vcpus;
      return {
        ok: true,
        plan: {
          ...base,
          summary: `set vCPUs of ${where(d)} from ${d.vcpus ?? '?'} to ${n}${persistNote}`,
          confirm: removing ? `Remove ${(d.vcpus as number) - n} vCPU(s) from ${d.name} on ${d.host}? (y/N)` : null,
          validStates: ACTIVE,
          run: (c) => c.setVcpus(d.uuid, n, scope),
          done: `set vCPUs of ${where(d)} to ${n}${persistNote}`,
          targetVcpus: n,
        },
      };
    }
    case Command.StatsPeriod:
      if (!ACTIVE.includes(d.state) || d.id === null) return refuse(`${where(d)} is ${d.state}: it is not running`);
      if (d.hasBalloon === false) return refuse(`${where(d)} has no balloon device, so it cannot report memory stats`);
      return {
        ok: true,
        plan: {
          ...base,
          summary: `enable guest memory stats every 2 s on ${where(d)}`,
          confirm: null,
          validStates: ACTIVE,
          run: (c) => c.setMemoryStatsPeriod(d.uuid, 2),
          done: `enabled guest memory stats on ${where(d)}`,
        },
      };
    case Command.Autostart: {
      // Not known yet: the flag is read every 30 s; a toggle needs a side to toggle from.
      if (d.autostart === null || d.autostart === undefined) return refuse(`${where(d)}: its autostart flag is not read yet (every 30 s, or Ctrl-R)`);
      // A transient domain is left to libvirt, whose refusal says why.
      const on = !d.autostart;
      return {
        ok: true,
        plan: {
          ...base,
          summary: `${on ? 'enable' : 'disable'} autostart of ${where(d)}`,
          // Switching it off means the guest stays down after the next host reboot: ask.
          confirm: on ? null : `Disable autostart of ${d.name} on ${d.host}? It will not start after a host reboot. (y/N)`,
          validStates: ANY_STATE,
          rereadsInventory: true,
          run: (c) => c.setAutostart(d.uuid, on),
          done: `${on ? 'enabled' : 'disabled'} autostart of ${where(d)}`,
        },
      };
    }
  }
}

/**
 * Refusal for a command on this domain before any input is asked for (wrong
 * state, no balloon device), or null if it can go ahead. Lets a prompt be
 * skipped entirely when the answer would be refused anyway.
 */
export function precheck(cmd: Command, d: DomainView): string | null {
  // Plan with an input that passes validation for the domain, so only state checks can refuse.
  const probe: PlanInput = {};
  if (cmd === Command.Balloon) probe.text = d.memCurrentKiB !== null ? `${Math.max(d.memCurrentKiB, 65536)}K` : '64M';
  if (cmd === Command.Vcpus) probe.text = '+0';
  const r = planCommand(cmd, d, probe);
  if (r.ok) return null;
  // Input-related refusals are for the prompt to report, not the precheck.
  if (cmd === Command.Balloon || cmd === Command.Vcpus) {
    if (/ is [a-z]+: | has no balloon device/.test(r.error)) return r.error;
    return null;
  }
  return r.error;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs a plan. `current` is the domain as the model sees it now (null if it
 * vanished since the plan was made): a plan whose domain went away or
 * changed state is dropped with a message instead of being sent.
 */
export async function runPlan(plan: Plan, current: DomainView | null, ctl: HostControl): Promise<Reaction> {
  if (current === null) return { ok: false, message: `not done: the domain is gone (${plan.summary})`, refresh: true };
  if (!plan.validStates.includes(current.state)) {
    return { ok: false, message: `not done: ${current.name} is now ${current.state} (${plan.summary})`, refresh: true };
  }
  try {
    await plan.run(ctl);
    return { ok: true, message: plan.done, refresh: true };
  } catch (e) {
    return { ok: false, message: `failed to ${plan.summary}: ${errorText(e)}`, refresh: true };
  }
}
