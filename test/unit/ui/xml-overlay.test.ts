import { describe, expect, it } from 'vitest';
import { findLine, handleXml, openXml, xmlLines, xmlLoaded } from '../../../src/ui/overlays/xml.js';
import { initialState } from '../../../src/ui/state.js';
import type { ActionContext, UiState, XmlOverlay } from '../../../src/ui/state-types.js';
import { domainView } from '../../helpers/domain-view.js';
import { plainPalette, strip } from './fixture.js';

const XML = "<domain type='kvm'>\n  <name>web-01</name>\n  <devices>\n    <disk type='file'/>\n    <interface type='bridge'/>\n  </devices>\n</domain>\n";
const ctx = (over: Partial<ActionContext> = {}): ActionContext => ({ rowKeys: [], pageSize: 4, listKeys: [], sortCycle: [], nowMs: 1000, selected: domainView(), ...over });
const start = (): UiState => initialState({ sort: 'cpu', reverse: false, intervalSec: 2 });
const xmlOf = (s: UiState) => s.overlay as XmlOverlay;

function opened(): UiState {
  const [s, r] = openXml(start(), ctx());
  expect(r).toEqual({ loadXml: { domainKey: 'qemu:///system#u1', inactive: false } });
  return xmlLoaded(s, 'qemu:///system#u1', false, { xml: XML });
}

function press(s: UiState, keys: string[]) {
  let r = {};
  for (const k of keys) {
    const o = s.overlay as XmlOverlay;
    [s, r] = handleXml(s, o, k, ctx());
  }
  return { s, r };
}

describe('the XML pane', () => {
  it('opens for the selected domain and asks for its XML; without a selection says so', () => {
    const s = opened();
    expect(xmlOf(s)).toMatchObject({ domainName: 'web-01', inactive: false, lines: XML.trimEnd().split('\n'), scroll: 0 });
    const [none, r] = openXml(start(), ctx({ selected: null }));
    expect(none.overlay).toBeNull();
    expect(none.status?.text).toBe('no domain selected');
    expect(r).toEqual({});
  });

  it('an answer for another domain or the other definition is not shown', () => {
    const [s] = openXml(start(), ctx());
    expect(xmlLoaded(s, 'qemu:///system#other', false, { xml: XML })).toBe(s);
    expect(xmlLoaded(s, 'qemu:///system#u1', true, { xml: XML })).toBe(s);
    expect(xmlOf(xmlLoaded(s, 'qemu:///system#u1', false, { error: 'Domain not found' })).error).toBe('Domain not found');
  });

  it('scrolls within the XML, searches with / and n (wrapping), i switches to the inactive definition', () => {
    let { s } = press(opened(), ['down', 'down', 'end']);
    expect(xmlOf(s).scroll).toBe(6);
    ({ s } = press(s, ['g', '/', 'd', 'i', 's', 'k', 'enter']));
    expect(xmlOf(s)).toMatchObject({ search: 'disk', searching: false, scroll: 3 });
    ({ s } = press(s, ['/', 'T', 'Y', 'P', 'E', 'enter']));
    expect(xmlOf(s).scroll).toBe(3); // case-insensitive, from the line shown: the disk line has type= too
    ({ s } = press(s, ['n']));
    expect(xmlOf(s).scroll).toBe(4);
    ({ s } = press(s, ['n', 'n']));
    expect(xmlOf(s).scroll).toBe(3); // wrapped round through the first line
    const nf = press(s, ['/', 'z', 'z', 'enter']).s;
    expect(nf.status?.text).toBe('not found: zz');
    const { s: other, r } = press(s, ['i']);
    expect(xmlOf(other)).toMatchObject({ inactive: true, lines: null, scroll: 0 });
    expect(r).toEqual({ loadXml: { domainKey: 'qemu:///system#u1', inactive: true } });
  });

  it('w asks for a backup of what is shown; Esc closes', () => {
    const { r } = press(opened(), ['w']);
    expect(r).toEqual({ saveXml: { domainName: 'web-01', xml: XML, inactive: false } });
    const [waiting] = openXml(start(), ctx());
    expect(handleXml(waiting, xmlOf(waiting), 'w', ctx())[0].status?.text).toBe('nothing to write yet: the XML is not read');
    expect(press(opened(), ['escape']).s.overlay).toBeNull();
  });

  it('draws a title with the keys, then the XML from the scrolled line', () => {
    const s = press(opened(), ['down']).s;
    const lines = xmlLines(xmlOf(s), 80, 4, plainPalette()).map(strip);
    expect(lines[0]).toMatch(/^web-01 — live XML +i inactive {2}\/ find {2}n next {2}w backup {2}Esc $/);
    expect(lines.slice(1).map((l) => l.trimEnd())).toEqual(['  <name>web-01</name>', '  <devices>', "    <disk type='file'/>"]);
    expect(lines.every((l) => l.length === 80)).toBe(true);
    const reading = xmlLines({ ...xmlOf(s), lines: null }, 40, 3, plainPalette()).map(strip);
    expect(reading[1].trim()).toBe('reading…');
  });

  it('findLine: the first line at or after a start holding the text, wrapping; null without one', () => {
    const lines = ['a', 'bX', 'c', 'x'];
    expect(findLine(lines, 'x', 0)).toBe(1);
    expect(findLine(lines, 'x', 2)).toBe(3);
    expect(findLine(lines, 'x', 4)).toBe(1);
    expect(findLine(lines, 'q', 0)).toBeNull();
    expect(findLine(lines, '', 0)).toBeNull();
  });
});
