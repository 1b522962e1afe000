// A recording with a cap: past a size or an age the current file is closed
// (gzip trailer and all), moved to FILE.1 (older ones to FILE.2, …; the
// oldest beyond `keep` is deleted) and a new FILE begins with its own header.
// Every file is a whole recording that --replay reads on its own.

import type { Snapshot } from '../types/sample.js';
import { rotateNumbered } from '../util/rotate.js';
import { FirstError, Recorder, RecordingError, type RecorderOptions } from './writer.js';

export interface RecordingCap {
  /** close the file at the first record that takes it to this many bytes (compressed); null: no size cap */
  maxBytes: number | null;
  /** close the file at the first record this long after its first one; null: no age cap */
  maxAgeSec: number | null;
  /** closed files kept beside FILE (FILE.1 … FILE.<keep>) */
  keep: number;
}

/** What the app needs of a recording, capped or not. */
export interface RecordingSink {
  readonly path: string;
  readonly error: Error | null;
  write(snap: Snapshot): void;
  onError(cb: (e: Error) => void): void;
  close(): Promise<Error | null>;
}

/** Whether the file that holds `bytes` since `firstWallMs` is full at a snapshot taken at `nowWallMs`. */
export function segmentFull(cap: RecordingCap, bytes: number, firstWallMs: number, nowWallMs: number): boolean {
  if (cap.maxBytes !== null && bytes >= cap.maxBytes) return true;
  return cap.maxAgeSec !== null && nowWallMs - firstWallMs >= cap.maxAgeSec * 1000;
}

export class RotatingRecorder implements RecordingSink {
  private current: Recorder;
  private firstWallMs: number | null = null;
  /** snapshots that arrived while the files were being moved; written to the new file in order */
  private waiting: Snapshot[] | null = null;
  private rotation: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly failure = new FirstError();
  /** files closed and moved aside so far */
  rotations = 0;

  private constructor(
    readonly path: string,
    first: Recorder,
    private readonly opts: RecorderOptions,
    private readonly cap: RecordingCap,
  ) {
    this.current = first;
    this.watch(first);
  }

  static async open(path: string, opts: RecorderOptions, cap: RecordingCap): Promise<RotatingRecorder> {
    return new RotatingRecorder(path, await Recorder.open(path, opts), opts, cap);
  }

  /** the first error met (of any file), if any; nothing more is written after it */
  get error(): Error | null {
    return this.failure.error;
  }

  onError(cb: (e: Error) => void): void {
    this.failure.listen(cb);
  }

  private watch(r: Recorder): void {
    r.onError((e) => this.fail(e));
  }

  private fail(e: Error): void {
    this.failure.set(e instanceof RecordingError ? e : new RecordingError(`recording to '${this.path}' stopped: ${e.message}`));
  }

  write(snap: Snapshot): void {
    if (!this.closed) this.put(snap);
  }

  private put(snap: Snapshot): void {
    if (this.error) return;
    if (this.waiting) {
      this.waiting.push(snap);
      return;
    }
    if (this.firstWallMs !== null && segmentFull(this.cap, this.current.bytes(), this.firstWallMs, snap.wallMs)) {
      this.waiting = [snap];
      this.rotation = this.rotate();
      return;
    }
    this.firstWallMs ??= snap.wallMs;
    this.current.write(snap);
  }

  private async rotate(): Promise<void> {
    try {
      const err = await this.current.close();
      if (err) return this.fail(err);
      await rotateNumbered(this.path, this.cap.keep);
      this.current = await Recorder.open(this.path, this.opts);
      this.watch(this.current);
      this.rotations++;
    } catch (e) {
      return this.fail(new RecordingError(`recording to '${this.path}' stopped while starting a new file: ${(e as Error).message}`));
    }
    const queued = this.waiting ?? [];
    this.waiting = null;
    this.firstWallMs = null;
    // close() may have been called meanwhile: it waits for these to be written
    for (const s of queued) this.put(s);
  }

  async close(): Promise<Error | null> {
    if (this.closed) return this.error;
    this.closed = true;
    // the records queued during a rotation can fill the next file and start another
    let pending: Promise<void>;
    do {
      pending = this.rotation;
      await pending;
    } while (pending !== this.rotation);
    const err = await this.current.close();
    if (err) this.fail(err);
    return this.error;
  }
}
