// Batch mode: tick, ingest, print. Text frames, NDJSON or CSV; stops after
// --iterations ticks or on a signal. A closed stdout (| head) ends quietly.

import { createWriteStream, type WriteStream } from 'node:fs';
import type { Collector } from '../collector/collector.js';
import { Model } from '../model/model.js';
import { sortDomains } from '../model/sort.js';
import { csvHeader, csvRows } from '../output/csv.js';
import { formatJsonLine } from '../output/json.js';
import { formatTextFrame } from '../output/text.js';
import type { Snapshot } from '../types/sample.js';
import type { Options } from './options.js';
import { sleep, write } from '../util/pace.js';

export interface BatchIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

async function openCsv(path: string, io: BatchIo): Promise<NodeJS.WritableStream> {
  return path === '-' ? io.stdout : openCsvFile(path);
}

/** A CSV file to write, open (or why it cannot be). */
export async function openCsvFile(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path, { flags: 'w' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (e) => reject(new Error(`cannot write CSV to '${path}': ${e.message}`)));
  });
  return stream;
}

/**
 * The batch loop: a tick every delaySec (none between a replay's records),
 * `each` given every snapshot, until --iterations ticks or the signal. A run
 * that could open no host at all says why and returns 1 rather than print
 * empty frames. Returns the exit status.
 */
export async function runTicks(
  opts: Pick<Options, 'iterations' | 'delaySec'>,
  collector: Pick<Collector, 'tick'>,
  io: BatchIo,
  signal: AbortSignal,
  each: (snap: Snapshot) => Promise<void>,
): Promise<number> {
  let tick = 0;
  let everConnected = false;
  while (!signal.aborted && (opts.iterations === null || tick < opts.iterations)) {
    const started = performance.now();
    const snap = await collector.tick();
    if (snap.hosts.some((h) => h.status === 'connected')) everConnected = true;
    else if (!everConnected && snap.hosts.every((h) => h.status === 'failed')) {
      for (const h of snap.hosts) await write(io.stderr, `virtop: ${h.error ?? `${h.uri}: cannot connect`}\n`);
      return 1;
    }
    await each(snap);
    tick++;
    if (opts.iterations !== null && tick >= opts.iterations) break;
    // A replay runs with delaySec 0: no timer round trip between records.
    const wait = opts.delaySec * 1000 - (performance.now() - started);
    if (wait > 0) await sleep(wait, signal);
  }
  return 0;
}

/** Returns the process exit code. */
export async function runBatch(opts: Options, collector: Collector, io: BatchIo, signal: AbortSignal): Promise<number> {
  // Batch output draws no charts: no history rings (14 MB and a push per metric per domain per tick at 1000 domains).
  const model = new Model({ historySize: 0 });
  const csv = opts.csv === null ? null : await openCsv(opts.csv, io);
  if (csv) await write(csv, `${csvHeader()}\n`);
  const textToStdout = !opts.json && opts.csv !== '-';
  try {
    return await runTicks(opts, collector, io, signal, async (snap) => {
      const view = model.ingest(snap);
      const domains = sortDomains(view.domains, opts.sort, opts.reverse);
      if (opts.json) await write(io.stdout, `${formatJsonLine(view, domains)}\n`);
      if (csv) {
        const rows = csvRows(view, domains);
        if (rows.length) await write(csv, `${rows.join('\n')}\n`);
      }
      if (textToStdout) await write(io.stdout, `${formatTextFrame(view, { sort: opts.sort, reverse: opts.reverse })}\n`);
    });
  } finally {
    if (csv && csv !== io.stdout) await new Promise<void>((r) => (csv as WriteStream).end(() => r()));
  }
}
