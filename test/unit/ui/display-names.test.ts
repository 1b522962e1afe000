// Names people know a domain by (#25, part 3): n switches NAME between
// libvirt's name and the display name; / finds either and the project;
// PROJECT is a column to add and sort by; the detail pane says what Nova says.
import { describe, expect, it } from 'vitest';
import { displayName } from '../../../src/model/names.js';
import { sortDomains } from '../../../src/model/sort.js';
import type { DomainView } from '../../../src/model/view.js';
import type { OpenStackMeta } from '../../../src/types/sample.js';
import { filterDomains } from '../../../src/ui/filter.js';
import { buildKeymap, Command } from '../../../src/ui/keymap.js';
import { renderDetail } from '../../../src/ui/panes/detail.js';
import { handleKey, initialState } from '../../../src/ui/state.js';
import { COLUMN_BY_ID, type CellContext } from '../../../src/ui/table.js';
import { domainView } from '../../helpers/domain-view.js';
import { buildModel, makeFrame, plainPalette, strip } from './fixture.js';

const nova = (over: Partial<OpenStackMeta> = {}): OpenStackMeta => ({
  instanceName: 'billing-db-02',
  instanceUuid: 'u1',
  flavor: { name: 'm1.large', vcpus: 4, memoryMiB: 8192, diskGiB: 80 },
  projectName: 'billing',
  projectId: 'p1',
  userName: 'alice',
  userId: 'a1',
  ...over,
});

describe('displayName', () => {
  it.each([
    [{ name: 'instance-0000a1b2', title: 'DB', openstack: nova() }, 'billing-db-02'],
    [{ name: 'instance-0000a1b2', title: 'DB', openstack: nova({ instanceName: null }) }, 'DB'],
    [{ name: 'web-01', title: 'Public web', openstack: null }, 'Public web'],
    [{ name: 'web-01', title: null, openstack: null }, 'web-01'],
    [{ name: 'web-01' }, 'web-01'],
  ])('%o → %s', (d, want) => expect(displayName(d)).toBe(want));
});

describe('NAME and PROJECT cells', () => {
  const ctx = (displayNames: boolean): CellContext => ({ io: 'bytes', gauge: () => 'gauge.ok', displayNames });
  const d = domainView({ name: 'instance-0000a1b2', title: 'DB', openstack: nova({ instanceName: 'evil\u202e\x1b[2J' }) });
  it('NAME: libvirt name by default, the display name (drawn inert) after n', () => {
    expect(COLUMN_BY_ID.get('name')!.cell(d, ctx(false)).text).toBe('instance-0000a1b2');
    expect(COLUMN_BY_ID.get('name')!.cell(d, ctx(true)).text).toBe('evil\\u202e\\x1b[2J');
  });
  it('PROJECT: the Nova project, - elsewhere', () => {
    expect(COLUMN_BY_ID.get('project')!.cell(d, ctx(false)).text).toBe('billing');
    expect(COLUMN_BY_ID.get('project')!.cell(domainView(), ctx(false))).toEqual({ text: '-', role: 'value.unknown' });
  });
  it('sorts by project, A to Z, unknown last', () => {
    const rows = [
      domainView({ key: 'a', name: 'a', openstack: nova({ projectName: 'zeta' }) }),
      domainView({ key: 'b', name: 'b' }),
      domainView({ key: 'c', name: 'c', openstack: nova({ projectName: 'alpha' }) }),
    ];
    expect(sortDomains(rows, 'project', false).map((r) => r.name)).toEqual(['c', 'a', 'b']);
  });
});

describe('the filter finds a domain by its display name or project', () => {
  const rows: DomainView[] = [
    domainView({ key: 'a', name: 'instance-00000001', openstack: nova() }),
    domainView({ key: 'b', name: 'instance-00000002', title: 'Staging API', openstack: null }),
    domainView({ key: 'c', name: 'web-01' }),
  ];
  it.each([
    ['billing-db', ['instance-00000001']],
    ['BILLING', ['instance-00000001']],
    ['staging', ['instance-00000002']],
    ['instance-0000000', ['instance-00000001', 'instance-00000002']],
    ['web', ['web-01']],
  ])('/%s', (f, want) => expect(filterDomains(rows, f).map((r) => r.name)).toEqual(want));
});

describe('n', () => {
  const { keymap } = buildKeymap();
  const ctx = { rowKeys: ['a'], pageSize: 3, listKeys: [], sortCycle: [], nowMs: 1000 };
  it('is bound without clashes and toggles display names, saying which', () => {
    expect(buildKeymap().problems).toEqual([]);
    expect(keymap.get('n')).toBe(Command.ToggleDisplayNames);
    const s0 = initialState({ sort: 'cpu', reverse: false, intervalSec: 2 });
    expect(s0.displayNames ?? false).toBe(false);
    const [s1] = handleKey(s0, 'n', keymap, ctx);
    expect(s1.displayNames).toBe(true);
    expect(s1.status?.text).toMatch(/OpenStack instance name, else the title/);
    expect(handleKey(s1, 'n', keymap, ctx)[0].displayNames).toBe(false);
  });
});

describe('the detail pane of an OpenStack instance', () => {
  const { model, view } = buildModel(2, 3);
  it('a line under the title: instance, flavor with its size, project, user; none for other domains', () => {
    const f = makeFrame(model, view);
    const d = f.rows.find((x) => x.state === 'running') as DomainView;
    const plain = renderDetail(f, d, 160, 30).map(strip);
    expect(plain.some((l) => l.includes('OpenStack'))).toBe(false);
    const lines = renderDetail(f, { ...d, openstack: nova() }, 160, 30).map(strip);
    expect(lines[1]).toMatch(/^ OpenStack billing-db-02 │ flavor m1\.large \(4 vCPUs, 8\.0G, 80G disk\) │ project billing │ user alice/);
  });
});
