// The JSON Schema shipped in docs/ is the NDJSON contract: the formatter's
// output follows it exactly (nothing extra, nothing missing), it rejects
// what breaks the contract, and the README's schema section names the same
// fields.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyBalloon } from '../../../src/collector/bulk.js';
import { Model } from '../../../src/model/model.js';
import { CSV_COLUMNS } from '../../../src/output/csv.js';
import { formatJsonLine, JSON_SCHEMA_VERSION } from '../../../src/output/json.js';
import { ROOT } from '../../helpers/run.js';
import { domain, host, SEC, snapshot } from '../../helpers/samples.js';
import { assertFrame, frameSchema } from '../../helpers/schema.js';

function frame(): Record<string, any> {
  const m = new Model();
  const doms = (k: bigint) => [
    domain({
      uuid: 'a',
      cpuTimeNs: k * SEC,
      balloon: { ...emptyBalloon(), currentKiB: 1024n, maximumKiB: 2048n },
      vcpus: [{ vcpu: 0, state: 1, timeNs: k * SEC, waitNs: null, delayNs: null }],
      disks: [{ name: 'vda', path: '/img', rdReqs: k, rdBytes: k, wrReqs: k, wrBytes: k, errors: 0n, capacityBytes: 10n, allocationBytes: 5n }],
      nics: [{ name: 'vnet0', mac: '52:54:00:00:00:01', source: 'default', rxBytes: k, rxPkts: k, rxErrs: 0n, rxDrop: 0n, txBytes: k, txPkts: k, txErrs: 0n, txDrop: 0n }],
    }),
    domain({ uuid: 'b', id: null, state: 'shutoff', cpuTimeNs: null }),
  ];
  m.ingest(snapshot(0, [host({ monoNs: 0n, domains: doms(0n) })]));
  return JSON.parse(formatJsonLine(m.ingest(snapshot(1, [host({ monoNs: SEC, domains: doms(1n) })]))));
}

/** Every property name the schema declares, by object path (frame, hosts[], domains[].disks[], ...). */
function schemaFields(node: any, path: string, out: Map<string, string[]>): void {
  if (node?.properties) {
    out.set(path, Object.keys(node.properties));
    for (const [k, v] of Object.entries<any>(node.properties)) schemaFields(v.items ?? v, `${path}.${k}`, out);
  }
}

describe('docs/schema/frame.schema.json', () => {
  it('the formatter’s frames follow it, and its version is the formatter’s', () => {
    const f = frame();
    expect(() => assertFrame(f)).not.toThrow();
    expect((frameSchema.properties as any).schema.const).toBe(JSON_SCHEMA_VERSION);
  });

  it.each<[string, (f: Record<string, any>) => void, RegExp]>([
    ['a field the schema does not know', (f) => (f.domains[0].newField = 1), /must NOT have additional properties.*newField/],
    ['a missing field', (f) => delete f.domains[0].vcpuTimeNs, /must have required property.*vcpuTimeNs/],
    ['a counter as a number', (f) => (f.domains[0].cpuTimeNs = 5), /\/domains\/0\/cpuTimeNs must be string,null/],
    ['a negative rate', (f) => (f.domains[0].cpuPercent = -1), /\/domains\/0\/cpuPercent must be >= 0/],
    ['an unknown state', (f) => (f.domains[1].state = 'sleeping'), /\/domains\/1\/state must be equal to one of the allowed values/],
    ['a disk without its name', (f) => delete f.domains[0].disks[0].name, /\/domains\/0\/disks\/0 must have required property/],
  ])('rejects %s', (_what, spoil, msg) => {
    const f = frame();
    spoil(f);
    expect(() => assertFrame(f)).toThrow(msg);
  });

  it('every object in it is closed and lists every field as required, so output and schema cannot drift apart', () => {
    const fields = new Map<string, string[]>();
    schemaFields(frameSchema, 'frame', fields);
    const open: string[] = [];
    const walk = (node: any, path: string) => {
      if (node?.properties) {
        if (node.additionalProperties !== false) open.push(`${path}: additionalProperties`);
        const missing = Object.keys(node.properties).filter((k) => !(node.required ?? []).includes(k));
        if (missing.length) open.push(`${path}: not required ${missing.join(', ')}`);
        for (const [k, v] of Object.entries<any>(node.properties)) walk(v.items ?? v, `${path}.${k}`);
      }
    };
    walk(frameSchema, 'frame');
    expect(open).toEqual([]);
    expect(fields.get('frame.domains')!.length).toBeGreaterThanOrEqual(50);
  });

  it('the README’s JSON and CSV sections name every field, and nothing else', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### JSON schema (`--json`)'), readme.indexOf('## How it is built'));
    const named = new Set([...section.matchAll(/`([A-Za-z][A-Za-z0-9]*)(?:\[\])?`/g)].map((m) => m[1]));
    const fields = new Map<string, string[]>();
    schemaFields(frameSchema, 'frame', fields);
    const all = new Set([...fields.values()].flat());
    const unnamed = [...all].filter((k) => !named.has(k));
    expect(unnamed, 'schema fields the README does not name').toEqual([]);
    // Words in backticks that look like field names must be fields (or CSV columns).
    const fieldLike = [...named].filter((w) => /^[a-z]+[A-Z0-9][A-Za-z0-9]*$/.test(w));
    const values = new Set(JSON.stringify(frameSchema).match(/"enum":\[[^\]]*\]/g)!.flatMap((e) => JSON.parse(e.slice(7)) as unknown[]));
    const unknown = fieldLike.filter((w) => !all.has(w) && !values.has(w) && !(CSV_COLUMNS as readonly string[]).includes(w));
    expect(unknown, 'README names that are not fields').toEqual([]);
    for (const c of CSV_COLUMNS) expect(section, `CSV column ${c}`).toContain(c);
  });
});
