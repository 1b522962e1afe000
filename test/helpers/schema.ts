// Validates `virtop --json` frames against the shipped JSON Schema
// (docs/schema/frame.schema.json) with ajv, so every frame a test produces
// is checked against the contract scripts rely on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ROOT } from './run.js';

export const FRAME_SCHEMA_PATH = join(ROOT, 'docs', 'schema', 'frame.schema.json');
export const frameSchema = JSON.parse(readFileSync(FRAME_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
const validate = ajv.compile(frameSchema);

/** Throws with every violation (path and message) when `frame` does not follow the schema. */
export function assertFrame(frame: unknown, what = 'frame'): void {
  if (validate(frame)) return;
  const problems = (validate.errors ?? []).slice(0, 20).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  throw new Error(`${what} does not follow docs/schema/frame.schema.json:\n  ${problems.join('\n  ')}`);
}

/** Parses NDJSON output and validates each line; returns the frames. */
// `any`: a frame has just been checked against the schema; tests read it freely.
export function parseFrames(stdout: string): any[] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l, i) => {
      const f = JSON.parse(l);
      assertFrame(f, `line ${i + 1}`);
      return f;
    });
}
