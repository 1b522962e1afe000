// Writes a recording while virtop monitors: one gzip stream, one NDJSON line
// per snapshot, and a Z_SYNC_FLUSH after every line. The sync flush pushes
// all compressed bytes of the record out to the file (byte-aligned, with the
// compression window kept, so it costs little space), so a file cut off by a
// crash or a kill decodes up to the last record that reached the disk. A clean
// close writes the gzip trailer as usual.

import { createWriteStream, type WriteStream } from 'node:fs';
import { hostname } from 'node:os';
import { constants as zc, createGzip, type Gzip } from 'node:zlib';
import type { Snapshot } from '../types/sample.js';
import { encodeHeader, encodeSnapshot, RECORDING_FORMAT, RECORDING_SCHEMA_VERSION, type RecordingHeader } from './format.js';

export interface RecorderOptions {
  /** the sampling interval asked for, written in the header */
  intervalMs: number;
  /** version of virtop, written in the header */
  version: string;
  /** gzip level, 1–9 (default 6) */
  level?: number;
  /** where the header says the recording was made (default os.hostname()) */
  recordedOn?: string;
}

export class RecordingError extends Error {}

/**
 * A recording's first error: kept, and told once to every listener. Later
 * errors (the next write on a full disk, a rotation's follow-on) add nothing.
 */
export class FirstError {
  error: RecordingError | null = null;
  private readonly listeners: ((e: Error) => void)[] = [];

  listen(cb: (e: Error) => void): void {
    this.listeners.push(cb);
  }

  set(e: RecordingError): void {
    if (this.error) return;
    this.error = e;
    for (const l of this.listeners) l(e);
  }
}

/**
 * An open recording. `write` never throws: the first I/O error stops the
 * recording and is kept in `error` (and passed to onError), so a full disk
 * does not take monitoring down with it.
 */
export class Recorder {
  private readonly gzip: Gzip;
  private headerWritten = false;
  private closed = false;
  private readonly failure = new FirstError();
  /** records written (not counting the header) */
  records = 0;

  private constructor(
    readonly path: string,
    private readonly file: WriteStream,
    private readonly opts: RecorderOptions,
  ) {
    this.gzip = createGzip({ level: opts.level ?? 6 });
    this.gzip.on('error', (e) => this.fail(e));
    this.file.on('error', (e) => this.fail(e));
    this.gzip.pipe(this.file);
  }

  /** Creates (or truncates) FILE; rejects with a RecordingError if it cannot be written. */
  static async open(path: string, opts: RecorderOptions): Promise<Recorder> {
    const file = createWriteStream(path, { flags: 'w' });
    await new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', (e) => reject(new RecordingError(`cannot write the recording '${path}': ${e.message}`)));
    });
    return new Recorder(path, file, opts);
  }

  /** first error met, if any; nothing more is written after it */
  get error(): Error | null {
    return this.failure.error;
  }

  onError(cb: (e: Error) => void): void {
    this.failure.listen(cb);
  }

  /**
   * Bytes in the file, counting those on their way to it. Input zlib has not
   * compressed yet counts at its full size: the figure runs ahead of the
   * file, never behind it, so a cap is not overshot by a burst of records.
   */
  bytes(): number {
    return this.file.bytesWritten + this.file.writableLength + this.gzip.readableLength + this.gzip.writableLength;
  }

  private fail(e: Error): void {
    this.failure.set(new RecordingError(`recording to '${this.path}' stopped: ${e.message}`));
  }

  private header(first: Snapshot): RecordingHeader {
    return {
      format: RECORDING_FORMAT,
      schema: RECORDING_SCHEMA_VERSION,
      virtop: this.opts.version,
      startedWallMs: first.wallMs,
      recordedOn: this.opts.recordedOn ?? hostname(),
      intervalMs: this.opts.intervalMs,
      hosts: first.hosts.map((h) => ({ uri: h.uri, info: h.info })),
    };
  }

  /** Appends one snapshot (the header goes first, with the hosts as the first snapshot saw them). */
  write(snap: Snapshot): void {
    if (this.closed || this.error) return;
    try {
      if (!this.headerWritten) {
        this.gzip.write(encodeHeader(this.header(snap)));
        this.headerWritten = true;
      }
      this.gzip.write(encodeSnapshot(snap));
      this.gzip.flush(zc.Z_SYNC_FLUSH);
      this.records++;
    } catch (e) {
      this.fail(e as Error);
    }
  }

  /** Ends the gzip stream (trailer included) and closes the file. Resolves with the error met, if any. */
  async close(): Promise<Error | null> {
    if (this.closed) return this.error;
    this.closed = true;
    await new Promise<void>((resolve) => {
      if (this.error) {
        this.gzip.destroy();
        this.file.destroy();
        resolve();
        return;
      }
      this.file.once('close', () => resolve());
      this.file.once('error', () => resolve());
      this.gzip.end();
    });
    return this.error;
  }
}

/** Records every snapshot a source emits (the collector, live). */
export function recordFrom(source: { onSnapshot(cb: (s: Snapshot) => void): void }, recorder: Pick<Recorder, 'write'>): void {
  source.onSnapshot((s) => recorder.write(s));
}
