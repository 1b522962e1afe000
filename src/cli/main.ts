// Entry point: parse the command line, then run batch output (or, once the
// TUI exists, the interactive screen). Usage errors exit 2; a failure to
// reach every host exits 1; a reader closing our stdout exits 0 quietly.

import { createCollector } from '../app/hosts.js';
import { runBatch } from '../app/batch.js';
import { demoUri } from '../util/paths.js';
import { parseArgs, UsageError } from './args.js';

function isEpipe(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === 'EPIPE';
}

export async function main(argv: string[]): Promise<number> {
  let outcome;
  try {
    outcome = await parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`virtop: ${e.message}\nTry 'virtop --help' for the options.\n`);
      return 2;
    }
    throw e;
  }
  if (outcome.kind === 'exit') {
    process.stdout.write(outcome.output.endsWith('\n') ? outcome.output : `${outcome.output}\n`);
    return outcome.code;
  }
  const opts = outcome.options;
  const uris = opts.demo ? [demoUri()] : opts.connect;

  // A reader that goes away (virtop -b --json | head -1) is a normal end.
  process.stdout.on('error', (e) => {
    if (isEpipe(e)) process.exit(0);
    throw e;
  });

  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);

  const collector = createCollector({ uris, intervalMs: opts.delaySec * 1000, threads: true });
  try {
    return await runBatch(opts, collector, { stdout: process.stdout, stderr: process.stderr }, abort.signal);
  } catch (e) {
    if (isEpipe(e)) return 0;
    process.stderr.write(`virtop: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await collector.close();
  }
}
