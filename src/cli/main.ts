// Entry point: the command line into Options (exit 2 with one line and a
// hint when it is wrong, --help and --version print and exit 0), then
// src/app/run.ts does what they ask.

import { run } from '../app/run.js';
import { parseArgs, UsageError } from './args.js';

function usage(message: string): number {
  process.stderr.write(`virtop: ${message}\nTry 'virtop --help' for the options.\n`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  let outcome;
  try {
    outcome = await parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
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
  return run(outcome.options, usage);
}
