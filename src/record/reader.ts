// Reads a recording into a Recording: header + records, random access by
// index or time. Tolerant of a file cut off mid-write: the gzip stream is
// decoded with Z_SYNC_FLUSH as its finish flush (no "unexpected end of file"
// on a truncated stream), a last line without its newline is dropped, and a
// stream that turns corrupt ends the recording at the last good record.
//
// Loading checks that each line looks like a whole record and reads its
// times; the full parse and type check happen when a record is used (get).
//
// Memory: records are kept as their JSON text, in blocks of BLOCK lines
// re-compressed with raw deflate at level 1, and decoded on demand, so a
// night's recording takes about as much memory as its file.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { constants as zc, createGunzip, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Snapshot } from '../types/sample.js';
import { decodeHeader, decodeSnapshot, RecordingFormatError, type RecordingHeader } from './format.js';

const BLOCK = 64;

export interface ReadReport {
  /** the file ended inside a record (cut off mid-write); that record was dropped */
  truncated: boolean;
  /** the gzip stream was closed properly (virtop stopped cleanly); false for a file
   *  cut off by a crash or still being written, even at a record boundary */
  closed: boolean;
  /** why reading stopped before the end of the file (corrupt data), if it did */
  damaged: string | null;
}

export class Recording {
  private readonly blocks: Buffer[] = [];
  private pending: string[] = [];
  private readonly wall: number[] = [];
  private readonly mono: bigint[] = [];
  private cacheIndex = -1;
  private cache: string[] = [];

  constructor(
    readonly header: RecordingHeader,
    readonly report: ReadReport = { truncated: false, closed: true, damaged: null },
  ) {}

  /** Adds one validated record line (without its newline). */
  push(line: string, wallMs: number, monoNs: bigint): void {
    this.pending.push(line);
    this.wall.push(wallMs);
    this.mono.push(monoNs);
    if (this.pending.length === BLOCK) this.seal();
  }

  private seal(): void {
    if (this.pending.length === 0) return;
    this.blocks.push(deflateRawSync(Buffer.from(this.pending.join('\n')), { level: 1 }));
    this.pending = [];
  }

  /** Called once reading is over. */
  finish(): void {
    this.seal();
  }

  /** Memory the records take here (compressed blocks plus the last, open one), bytes. */
  get storedBytes(): number {
    return this.blocks.reduce((a, b) => a + b.length, 0) + this.pending.reduce((a, l) => a + l.length * 2, 0);
  }

  get length(): number {
    return this.wall.length;
  }

  /** Wall-clock time (ms since epoch) of record i. */
  wallMs(i: number): number {
    return this.wall[i];
  }

  /** Monotonic time (ns) of record i: what pacing and rates go by. */
  monoNs(i: number): bigint {
    return this.mono[i];
  }

  /** Record i as the Snapshot the collector emitted. */
  get(i: number): Snapshot {
    if (!(i >= 0 && i < this.length) || !Number.isInteger(i)) throw new RangeError(`no record ${i} (recording has ${this.length})`);
    const b = Math.floor(i / BLOCK);
    let lines: string[];
    if (b < this.blocks.length) {
      if (this.cacheIndex !== b) {
        this.cache = inflateRawSync(this.blocks[b]).toString('utf8').split('\n');
        this.cacheIndex = b;
      }
      lines = this.cache;
    } else {
      lines = this.pending;
    }
    try {
      return decodeSnapshot(JSON.parse(lines[i % BLOCK]));
    } catch (e) {
      throw new RecordingFormatError(`record ${i + 1} is damaged (${(e as Error).message})`);
    }
  }

  /**
   * Index of the record showing the state at wall time `ms`: the last one
   * taken at or before it (the first record for earlier times).
   */
  indexAt(ms: number): number {
    let lo = 0;
    let hi = this.length - 1;
    if (hi < 0) return -1;
    if (ms < this.wall[0]) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.wall[mid] <= ms) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

// The writer puts seq, wallMs and monoNs first (encodeSnapshot), so a record's
// times are read without parsing the whole line; the rest is parsed and checked
// when the record is used (a night's recording loads in seconds, not minutes).
const RECORD_START = /^\{"seq":\d+,"wallMs":(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?),"monoNs":"(-?\d{1,40})",/;

/** The times of a record line, checked to look whole; throws RecordingFormatError otherwise. */
function recordTimes(line: string): { wallMs: number; monoNs: bigint } {
  const m = RECORD_START.exec(line);
  if (!m || !line.endsWith('}')) throw new RecordingFormatError('not a record line');
  return { wallMs: Number(m[1]), monoNs: BigInt(m[2]) };
}

/**
 * Reads FILE. Throws RecordingFormatError when it is not a recording at all
 * (or cut off before its header ended); otherwise returns what could be read,
 * with `report` saying whether the end was missing or damaged.
 */
export async function readRecording(path: string): Promise<Recording> {
  const input = createReadStream(path);
  const gunzip = createGunzip({ finishFlush: zc.Z_SYNC_FLUSH });
  const decoder = new StringDecoder('utf8');
  /** the line read so far, in pieces */
  const pieces: string[] = [];
  /** reading stopped at a damaged record: what follows it does not count as a cut-off line */
  let stopLines = false;
  let rec: Recording | null = null;
  let damaged: string | null = null;
  let lineNo = 0;
  /** decompressed bytes, to compare with the gzip trailer's length field */
  let outBytes = 0;

  const takeLine = (line: string): boolean => {
    lineNo++;
    if (rec === null) {
      let header: RecordingHeader;
      try {
        header = decodeHeader(JSON.parse(line));
      } catch (e) {
        if (e instanceof RecordingFormatError) throw e;
        throw new RecordingFormatError('not a virtop recording (the first line is not a header)');
      }
      rec = new Recording(header);
      return true;
    }
    try {
      const t = recordTimes(line);
      rec.push(line, t.wallMs, t.monoNs);
      return true;
    } catch (e) {
      damaged = `record ${lineNo - 1} is damaged (${(e as Error).message})`;
      return false;
    }
  };

  await new Promise<void>((resolve, reject) => {
    let stopped = false;
    const stop = (err?: Error) => {
      if (stopped) return;
      stopped = true;
      input.destroy();
      gunzip.destroy();
      if (err) reject(err);
      else resolve();
    };
    input.on('error', (e) => stop(new Error(`cannot read the recording '${path}': ${e.message}`)));
    gunzip.on('error', (e) => {
      // Corrupt compressed data (not a plain cut): keep what came before it.
      if (rec === null && pieces.length === 0 && lineNo === 0) stop(new RecordingFormatError(`not a virtop recording (${e.message})`));
      else {
        damaged ??= `the compressed data is damaged after record ${rec?.length ?? 0} (${e.message})`;
        stop();
      }
    });
    gunzip.on('data', (chunk: Buffer) => {
      if (stopped) return;
      outBytes += chunk.length;
      // Lines are long (a whole tick) and chunks short: look for newlines in the new text only.
      const text = decoder.write(chunk);
      let start = 0;
      let nl: number;
      try {
        while ((nl = text.indexOf('\n', start)) >= 0) {
          pieces.push(text.slice(start, nl));
          start = nl + 1;
          const line = pieces.join('');
          pieces.length = 0;
          if (!takeLine(line)) {
            stopLines = true;
            stop();
            return;
          }
        }
        if (start < text.length) pieces.push(text.slice(start));
      } catch (e) {
        stop(e as Error);
      }
    });
    gunzip.on('end', () => stop());
    input.pipe(gunzip);
  });

  const rest = stopLines ? '' : pieces.join('') + decoder.end();
  const result = rec as Recording | null;
  if (result === null) {
    throw new RecordingFormatError(
      rest.length > 0 || lineNo > 0 ? 'the recording is cut off inside its header' : 'the recording is empty (no header)',
    );
  }
  result.finish();
  result.report.truncated = rest.length > 0;
  result.report.damaged = damaged;
  result.report.closed = damaged === null && rest.length === 0 && (await hasTrailer(path, outBytes));
  return result;
}

/**
 * Whether the file ends with the gzip trailer of the data read: its last 4
 * bytes are the uncompressed length mod 2^32 (RFC 1952 ISIZE). A file cut at
 * a record boundary decodes cleanly but lacks them (a false match would need
 * the cut's last 4 bytes to equal that length by chance: 1 in 2^32).
 */
async function hasTrailer(path: string, outBytes: number): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size < 18) return false;
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, size - 4);
    return buf.readUInt32LE(0) === outBytes % 2 ** 32;
  } finally {
    await fh.close();
  }
}
