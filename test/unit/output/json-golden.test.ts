// The NDJSON frame, byte for byte: what scripts and dashboards parse. The
// expected lines were written by the formatter that built each domain as an
// object tree for JSON.stringify (git 5e98001); the formatter that writes
// the line directly must give the same bytes for every frame of
// test/helpers/json-frames.ts, hostile strings and odd numbers included.
// VIRTOP_WRITE_GOLDEN=1 rewrites the file from the formatter under test:
// only for a deliberate schema change, with the diff read.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatJsonLine } from '../../../src/output/json.js';
import { goldenFrames } from '../../helpers/json-frames.js';
import { assertFrame } from '../../helpers/schema.js';

const GOLDEN = join(__dirname, '..', '..', 'fixtures', 'json', 'frames.ndjson');

describe('NDJSON frame bytes', () => {
  const frames = goldenFrames();
  if (process.env.VIRTOP_WRITE_GOLDEN === '1') writeFileSync(GOLDEN, frames.map((f) => `${formatJsonLine(f)}\n`).join(''));
  const want = readFileSync(GOLDEN, 'utf8').split('\n').slice(0, -1);

  it('the golden file has one line per frame', () => {
    expect(want).toHaveLength(frames.length);
  });
  it.each(frames.map((f, i) => [i, f] as const))('frame %i is the golden line, byte for byte', (i, f) => {
    expect(formatJsonLine(f)).toBe(want[i]);
  });
  // Frames 2 and 4 hold what no model gives (negative rates, fractions in
  // integer fields): there only the bytes are compared.
  it.each([0, 1, 3].map((i) => [i, frames[i]] as const))('frame %i parses and passes the frame schema', (_i, f) => {
    const obj = JSON.parse(formatJsonLine(f));
    assertFrame(obj);
    expect(obj.domains).toHaveLength(f.domains.length);
  });
  it('a subset of the domains is written when asked, in the order given', () => {
    const f = frames[4];
    const picked = [f.domains[7], f.domains[2]];
    const obj = JSON.parse(formatJsonLine(f, picked));
    expect(obj.domains.map((d: { uuid: string }) => d.uuid)).toEqual([f.domains[7].uuid, f.domains[2].uuid]);
  });
});
