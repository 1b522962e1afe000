// Creating the blessed screen and, whatever happens, giving the terminal
// back: normal buffer, cursor shown, mouse reporting off, cooked mode. The
// guard handles quit, SIGINT/SIGTERM/SIGHUP and uncaught errors alike.

import type { Blessed, BlessedScreen } from './blessed.js';

export interface TerminalIo {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** terminfo name; defaults to $TERM */
  terminal?: string;
}

export function createScreen(blessed: Blessed, io: TerminalIo = {}): BlessedScreen {
  const screen = blessed.screen({
    smartCSR: true,
    fullUnicode: true,
    autoPadding: false,
    warnings: false,
    dockBorders: false,
    title: 'virtop',
    input: io.input,
    output: io.output,
    terminal: io.terminal,
    // Redraw at once on resize: the layout is cheap to recompute.
    resizeTimeout: 0,
  });
  // Draw box and line characters as themselves, never through the VT100
  // alternate character set: under tmux/screen and in some UTF-8 terminals
  // ACS shows as letters ("x" for "│").
  screen.tput.brokenACS = true;
  return screen;
}

/** Leaves the alternate screen and restores the terminal; safe to call twice. */
export function restoreScreen(screen: BlessedScreen | null): void {
  if (!screen || screen.destroyed) return;
  try {
    screen.destroy();
  } catch {
    // Even if blessed failed half-way, make the terminal usable.
    try {
      screen.program.disableMouse();
      screen.program.showCursor();
      screen.program.normalBuffer();
      screen.program.flush();
    } catch {
      /* nothing more to do */
    }
  }
}

export type ExitReason =
  | { kind: 'quit' }
  | { kind: 'signal'; signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP' }
  | { kind: 'error'; error: unknown };

export function exitCodeFor(reason: ExitReason): number {
  if (reason.kind === 'quit') return 0;
  if (reason.kind === 'error') return 1;
  return { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 }[reason.signal];
}

/**
 * Calls `onExit` once, on the first of: a signal, an uncaught exception or an
 * unhandled rejection. Returns a function removing the handlers. While
 * installed, these handlers replace blessed's own (which step aside when
 * other listeners exist).
 */
export function installExitGuard(onExit: (reason: ExitReason) => void, proc: NodeJS.Process = process): () => void {
  let fired = false;
  // Acted on in the next turn: blessed's own handlers (which exit 0 at once)
  // step aside only while they see other listeners, and tearing the screen
  // down removes them — so nothing is torn down while Node is still calling
  // the listeners of this event.
  const once = (r: ExitReason) => {
    if (fired) return;
    fired = true;
    setImmediate(() => onExit(r));
  };
  const sig = (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => () => once({ kind: 'signal', signal });
  const handlers = { SIGINT: sig('SIGINT'), SIGTERM: sig('SIGTERM'), SIGHUP: sig('SIGHUP') };
  const onError = (error: unknown) => once({ kind: 'error', error });
  for (const [s, h] of Object.entries(handlers)) proc.on(s as NodeJS.Signals, h);
  proc.on('uncaughtException', onError);
  proc.on('unhandledRejection', onError);
  return () => {
    for (const [s, h] of Object.entries(handlers)) proc.removeListener(s as NodeJS.Signals, h);
    proc.removeListener('uncaughtException', onError);
    proc.removeListener('unhandledRejection', onError);
  };
}
