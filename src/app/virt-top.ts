// The virt-top compatible mode's own outputs: its CSV (beside whatever the
// screen or batch output shows), its --stream text on stdout, --script (no
// display at all) and --end-time. Both layouts are computed from the
// collector's snapshots (src/output/virt-top.ts), so the figures are deltas
// of the same counters virtop's own views rate.

import type { WriteStream } from 'node:fs';
import type { Collector } from '../collector/collector.js';
import { csvLine, virtTopCsvHeader, virtTopCsvRow, virtTopStreamFrame, virtTopTick, type VirtTopCsvFlags, type VirtTopTick } from '../output/virt-top.js';
import type { HostSample, Snapshot } from '../types/sample.js';
import type { Options, VirtTopMode } from './options.js';
import { atWallTime, write } from '../util/pace.js';
import { openCsvFile, runTicks, type BatchIo } from './batch.js';

/** Turns each snapshot's first host into virt-top's tick, keeping the previous sample for the deltas. */
export class VirtTopTicks {
  private prev: HostSample | null = null;
  next(snap: Snapshot): VirtTopTick | null {
    const cur = snap.hosts[0];
    if (!cur || cur.status !== 'connected' || !cur.info) return null;
    const t = virtTopTick(this.prev, cur);
    this.prev = cur;
    return t;
  }
}

/** virt-top's CSV file: the header at once, then a row per snapshot. The first write error stops it and is reported once. */
export class VirtTopCsvFile {
  private readonly ticks = new VirtTopTicks();
  private failed: Error | null = null;

  private constructor(
    private readonly stream: WriteStream,
    private readonly flags: VirtTopCsvFlags,
    private readonly onError: (e: Error) => void,
  ) {
    stream.on('error', (e) => this.fail(e));
  }

  static async open(path: string, flags: VirtTopCsvFlags, onError: (e: Error) => void): Promise<VirtTopCsvFile> {
    const stream = await openCsvFile(path);
    const f = new VirtTopCsvFile(stream, flags, onError);
    stream.write(`${csvLine(virtTopCsvHeader(flags))}\n`);
    return f;
  }

  write(snap: Snapshot): void {
    if (this.failed) return;
    const t = this.ticks.next(snap);
    if (t) this.stream.write(`${csvLine(virtTopCsvRow(t, this.flags))}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = e;
    this.onError(new Error(`the virt-top CSV stopped: ${e.message}`));
  }
}

/** Opens the CSV of `mode` (if any) and feeds it every snapshot of `collector`. */
export async function attachVirtTopCsv(mode: VirtTopMode | null | undefined, collector: Pick<Collector, 'onSnapshot'>, warn: (line: string) => void): Promise<VirtTopCsvFile | null> {
  if (!mode?.csv) return null;
  const file = await VirtTopCsvFile.open(mode.csv.path, mode.csv.flags, (e) => warn(`virtop: ${e.message}`));
  collector.onSnapshot((s) => file.write(s));
  return file;
}

/** Calls `stop` at --end-time, if one was given; returns the timer's cancel. */
export function stopAtEndTime(mode: VirtTopMode | null | undefined, stop: () => void, nowMs = Date.now()): () => void {
  if (!mode || mode.endTimeMs === null) return () => undefined;
  return atWallTime(mode.endTimeMs, stop, nowMs);
}

/**
 * --script and --stream: no display; each tick goes to the CSV (attached to
 * the collector by the caller) and, with --stream, to stdout in virt-top's
 * layout. Returns the exit status.
 */
export function runVirtTopHeadless(opts: Options, collector: Collector, io: BatchIo, signal: AbortSignal): Promise<number> {
  const mode = opts.virtTop;
  const ticks = new VirtTopTicks();
  return runTicks(opts, collector, io, signal, async (snap) => {
    const t = ticks.next(snap);
    if (mode?.stream && t) await write(io.stdout, virtTopStreamFrame(t, mode.blockInBytes));
  });
}
