// The preview's "equivalent virsh command" must be what it says once pasted
// into a shell: for hostile domain names (quotes, $(...), backticks, ;,
// newlines, bidi overrides, zero-width characters, 300 characters, CJK) the
// line parses (sh -n) and hands virsh exactly the arguments of the plan.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { virshLine } from '../../../src/actions/bulk.js';
import { Command, planCommand } from '../../../src/actions/commands.js';
import { domainView } from '../../helpers/domain-view.js';

const RUNS = Number(process.env.VIRTOP_FUZZ_RUNS ?? 2000) >= 2000 ? 300 : 30;

/** What a shell passes to virsh when it runs `line` (virsh replaced by a function printing its arguments). */
function argvOf(line: string): string[] {
  const out = execFileSync('sh', ['-c', `virsh() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${line}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const HOSTILE = [
  `it's "quoted"`,
  '$(touch /tmp/virtop-pwned)',
  '`id`',
  'a; rm -rf ~',
  'two\nlines',
  'bidi \u202Eevil\u202C',
  'zero\u200Bwidth',
  'x'.repeat(300),
  '虚拟机-中文名称',
  '-c qemu:///other',
  '*',
  '~root',
  "'",
  '\\',
  '!event',
];

describe('the virsh lines of previews', () => {
  // libvirt names: anything but NUL (and '/' for the QEMU driver's files; allowed here, quoting must not care)
  const name = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ minLength: 1, maxLength: 60, unit: 'binary' }).filter((s) => !s.includes('\0')));
  const host = fc.constantFrom('qemu:///system', "qemu+ssh://root@hv'2/system?keyfile=/x y");

  it('parse as shell and pass exactly the plan’s arguments, for hostile names', () => {
    let n = 0;
    fc.assert(
      fc.property(name, host, fc.constantFrom(Command.Start, Command.Shutdown, Command.PauseResume, Command.Autostart), (nm, h, cmd) => {
        const state = cmd === Command.Start ? 'shutoff' : 'running';
        const d = domainView({ name: nm, host: h, state, id: cmd === Command.Start ? null : 5, autostart: false });
        const p = planCommand(cmd, d);
        if (!p.ok) throw new Error(p.error);
        const line = virshLine(p.plan);
        execFileSync('sh', ['-n', '-c', line]);
        expect(argvOf(line)).toEqual(['-c', h, ...p.plan.virsh]);
        expect(p.plan.virsh).toContain(nm);
        n++;
      }),
      { numRuns: RUNS, seed: 20261206 },
    );
    process.stdout.write(`virsh lines: ${n} hostile names pasted through sh, each argument intact\n`);
  }, 120_000);
});
