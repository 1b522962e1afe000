// When a pane draws: whenever the model's view, the UI state, its place or
// an input it declares changed, and only then. The state counts as a whole
// (a new object on every change), so no field can be forgotten.
import { afterEach, describe, expect, it } from 'vitest';
import type { BlessedScreen } from '../../../src/ui/blessed.js';
import type { Frame } from '../../../src/ui/frame.js';
import { Pane } from '../../../src/ui/pane.js';
import { restoreScreen } from '../../../src/ui/screen.js';
import { fakeScreen } from '../../helpers/fake-screen.js';

let screen: BlessedScreen | null = null;
afterEach(() => {
  restoreScreen(screen);
  screen = null;
});

function setup(inputs: (f: Frame) => readonly unknown[] = () => []) {
  const fake = fakeScreen();
  const blessed = fake.blessed;
  screen = fake.screen;
  let draws = 0;
  const box = blessed.box({ parent: screen, top: 0, left: 0, width: 1, height: 1, tags: false, wrap: false, hidden: true });
  const pane = new Pane(
    box,
    (_f, r) => {
      draws++;
      return Array.from({ length: r.height }, () => ' '.repeat(r.width));
    },
    inputs,
  );
  return { pane, draws: () => draws };
}

const rect = { top: 0, left: 0, width: 10, height: 2 };
const frame = (state: object, nowMs = 0) => ({ state, nowMs }) as unknown as Frame;
const same = { force: false, dataSame: true };

describe('Pane', () => {
  it('draws the first time, then only when the state object, the data, the place or a declared input changes', () => {
    const { pane, draws } = setup((f) => [Math.floor(f.nowMs / 1000)]);
    const s1 = { sort: 'cpu', someFieldNobodyDeclared: 1 };
    pane.render(frame(s1), rect, same);
    expect(draws()).toBe(1);
    pane.render(frame(s1, 400), rect, same); // same second, same state: nothing to do
    expect(draws()).toBe(1);
    pane.render(frame({ ...s1, someFieldNobodyDeclared: 2 }, 400), rect, same);
    expect(draws()).toBe(2);
    const s2 = { ...s1 };
    pane.render(frame(s2, 400), rect, same);
    expect(draws()).toBe(3); // a new state object, even with equal fields: drawn
    pane.render(frame(s2, 1200), rect, same); // the clock's second moved
    expect(draws()).toBe(4);
    pane.render(frame(s2, 1200), rect, { force: false, dataSame: false }); // new model data
    expect(draws()).toBe(5);
    pane.render(frame(s2, 1200), { ...rect, width: 12 }, same); // moved or resized
    expect(draws()).toBe(6);
    pane.render(frame(s2, 1200), { ...rect, width: 12 }, { force: true, dataSame: true });
    expect(draws()).toBe(7);
  });

  it('hides for an empty rectangle and draws again when shown', () => {
    const { pane, draws } = setup();
    const s = {};
    pane.render(frame(s), rect, same);
    pane.render(frame(s), null, same);
    expect(pane.box.hidden).toBe(true);
    pane.render(frame(s), rect, same);
    expect(draws()).toBe(2);
    expect(pane.box.hidden).toBe(false);
  });
});
