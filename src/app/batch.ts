// Batch mode: tick, ingest, print. Text frames, NDJSON or CSV; stops after
// --iterations ticks or on a signal. A closed stdout (| head) ends quietly.

import { createWriteStream, type WriteStream } from 'node:fs';
import type { Collector } from '../collector/collector.js';
import { Model } from '../model/model.js';
import { sortDomains } from '../model/sort.js';
import { csvHeader, csvRows } from '../output/csv.js';
import { formatJsonLine } from '../output/json.js';
import { formatTextFrame } from '../output/text.js';
import type { Options } from './options.js';
import { sleep, write } from '../util/pace.js';

export interface BatchIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

async function openCsv(path: string, io: BatchIo): Promise<NodeJS.WritableStream> {
  if (path === '-') return io.stdout;
  const stream: WriteStream = createWriteStream(path, { flags: 'w' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (e) => reject(new Error(`cannot write CSV to '${path}': ${e.message}`)));
  });
  return stream;
}

/** Returns the process exit code. */
export async function runBatch(opts: Options, collector: Collector, io: BatchIo, signal: AbortSignal): Promise<number> {
  const model = new Model({ historySize: opts.historySize });
  const csv = opts.csv === null ? null : await openCsv(opts.csv, io);
  if (csv) await write(csv, `${csvHeader()}\n`);
  const textToStdout = !opts.json && opts.csv !== '-';

  let tick = 0;
  let everConnected = false;
  try {
    while (!signal.aborted && (opts.iterations === null || tick < opts.iterations)) {
      const started = performance.now();
      const snap = await collector.tick();
      const view = model.ingest(snap);
      const domains = sortDomains(view.domains, opts.sort, opts.reverse);
      if (view.hosts.some((h) => h.status === 'connected')) everConnected = true;
      else if (!everConnected && view.hosts.every((h) => h.status === 'failed')) {
        // Nothing could be opened at all: say why and stop rather than print empty frames.
        for (const h of view.hosts) await write(io.stderr, `virtop: ${h.error ?? `${h.uri}: cannot connect`}\n`);
        return 1;
      }
      if (opts.json) await write(io.stdout, `${formatJsonLine(view, domains)}\n`);
      if (csv) {
        const rows = csvRows(view, domains);
        if (rows.length) await write(csv, `${rows.join('\n')}\n`);
      }
      if (textToStdout) await write(io.stdout, `${formatTextFrame(view, { sort: opts.sort, reverse: opts.reverse })}\n`);
      tick++;
      if (opts.iterations !== null && tick >= opts.iterations) break;
      // A replay runs with delaySec 0: no timer round trip between records.
      const wait = opts.delaySec * 1000 - (performance.now() - started);
      if (wait > 0) await sleep(wait, signal);
    }
  } finally {
    if (csv && csv !== io.stdout) await new Promise<void>((r) => (csv as WriteStream).end(() => r()));
  }
  return 0;
}
