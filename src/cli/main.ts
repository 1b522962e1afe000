// Entry point: the command line into Options (exit 2 with one line and a
// hint when it is wrong, --help and --version print and exit 0), then
// src/app/run.ts does what they ask. Started as virt-top (a link of that
// name) or with --virt-top-compat first, the command line is virt-top's
// (src/cli/virt-top.ts).

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { run } from '../app/run.js';
import { parseArgs, UsageError, type ParseOutcome } from './args.js';
import { COMPAT_FLAG, parseVirtTopArgs, wantsVirtTopCompat } from './virt-top.js';

function usage(message: string, compat = false): number {
  process.stderr.write(`virtop: ${message}\nTry '${compat ? 'virt-top' : 'virtop'} --help' for the options.\n`);
  return 2;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function homeDir(): string | null {
  try {
    return process.env.HOME || homedir() || null;
  } catch {
    return null;
  }
}

export async function main(argv: string[], programNames: readonly (string | undefined)[] = [process.argv[1], process.argv0]): Promise<number> {
  const compat = wantsVirtTopCompat(argv, programNames);
  let outcome: ParseOutcome;
  try {
    if (compat) {
      const r = parseVirtTopArgs(argv[0] === COMPAT_FLAG ? argv.slice(1) : argv, { readFile: readText, home: homeDir(), env: process.env, now: new Date() });
      if (r.kind === 'run') for (const n of r.notices) process.stderr.write(`virtop: ${n}\n`);
      outcome = r.kind === 'run' ? { kind: 'run', options: r.options } : r;
    } else outcome = await parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message, compat);
    throw e;
  }
  if (outcome.kind === 'exit') {
    process.stdout.write(outcome.output.endsWith('\n') ? outcome.output : `${outcome.output}\n`);
    return outcome.code;
  }
  if (outcome.kind === 'version') {
    const { versionReport } = await import('../app/version.js');
    process.stdout.write(`${versionReport()}\n`);
    return 0;
  }
  return run(outcome.options, (m) => usage(m, compat));
}
