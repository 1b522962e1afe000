import { describe, expect, it } from 'vitest';
import type { DomainView, ModelView } from '../../../src/model/view.js';
import { DerivedRows } from '../../../src/ui/derived.js';
import { initialState } from '../../../src/ui/state.js';
import { domainView } from '../../helpers/domain-view.js';

const dom = (name: string, host: string, cpuPercent: number): DomainView => domainView({ key: `${host}#${name}`, name, host, cpuPercent });
const VIEW: ModelView = {
  seq: 7,
  wallMs: 0,
  intervalSec: 1,
  hosts: [{ uri: 'qemu+ssh://b/system' }, { uri: 'qemu+ssh://a/system' }] as ModelView['hosts'],
  domains: [dom('web', 'qemu+ssh://a/system', 30), dom('db', 'qemu+ssh://b/system', 50), dom('cache', 'qemu+ssh://a/system', 70), dom('mail', 'qemu+ssh://b/system', 10)],
};
const state = initialState({ sort: 'cpu', reverse: false, intervalSec: 1 });

describe('DerivedRows', () => {
  it('sorts, filters and groups by host in the hosts’ order, keeping the sort within a host', () => {
    const d = new DerivedRows();
    expect(d.rows(VIEW, state).keys).toEqual(['qemu+ssh://a/system#cache', 'qemu+ssh://b/system#db', 'qemu+ssh://a/system#web', 'qemu+ssh://b/system#mail']);
    expect(d.rows(VIEW, { ...state, groupByHost: true }).rows.map((x) => x.name)).toEqual(['db', 'mail', 'cache', 'web']);
    // The filter matches names and hosts alike: 'a/' is host a's.
    expect(d.rows(VIEW, { ...state, filter: 'a/' }).rows.map((x) => x.name)).toEqual(['cache', 'web']);
    expect(d.rows(VIEW, { ...state, filter: 'ai' }).rows.map((x) => x.name)).toEqual(['mail']);
  });

  it('works the rows out again only when the data or what they depend on changes', () => {
    const d = new DerivedRows();
    const first = d.rows(VIEW, state);
    expect(d.rows(VIEW, { ...state, status: { text: 'x', level: 'info', atMs: 1 } })).toBe(first);
    expect(d.rows(VIEW, { ...state, reverse: true })).not.toBe(first);
    expect(d.rows({ ...VIEW, seq: 8 }, { ...state, reverse: true }).keys[0]).toBe('qemu+ssh://b/system#mail');
  });
});
