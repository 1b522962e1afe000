// A blessed screen on a terminal that swallows output, for tests of what
// panes and canvases put in blessed's cell buffer.
import { PassThrough, Writable } from 'node:stream';
import { loadBlessed, type BlessedScreen } from '../../src/ui/blessed.js';
import { createScreen } from '../../src/ui/screen.js';

export class NullTty extends Writable {
  isTTY = true;
  columns = 40;
  rows = 12;
  override _write(_c: Buffer | string, _e: string, cb: () => void): void {
    cb();
  }
}

/** A 40x12 screen (restore it with restoreScreen when done). */
export function fakeScreen(): { blessed: ReturnType<typeof loadBlessed>; screen: BlessedScreen } {
  const blessed = loadBlessed();
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  return { blessed, screen: createScreen(blessed, { input, output: new NullTty(), terminal: 'xterm-256color' }) };
}
