// The small part of blessed virtop uses, typed here (blessed ships no
// types), and loaded on demand so batch mode never pays for it.

import { createRequire } from 'node:module';

export interface BlessedKey {
  name?: string;
  full?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  sequence?: string;
}

export interface BlessedMouse {
  x: number;
  y: number;
  action: string;
  button?: string;
}

export interface BlessedStyle {
  fg?: number | string;
  bg?: number | string;
}

export interface BlessedBox {
  top: number;
  left: number;
  width: number;
  height: number;
  hidden: boolean;
  style: BlessedStyle;
  setContent(text: string): void;
  show(): void;
  hide(): void;
  setFront(): void;
  destroy(): void;
}

export interface BlessedProgram {
  clear(): void;
  showCursor(): void;
  hideCursor(): void;
  normalBuffer(): void;
  disableMouse(): void;
  flush(): void;
  isAlt?: boolean;
}

export interface BlessedScreen {
  width: number;
  tput: { brokenACS: boolean; unicode: boolean };
  height: number;
  program: BlessedProgram;
  destroyed?: boolean;
  render(): void;
  realloc(): void;
  alloc(): void;
  destroy(): void;
  enableMouse(): void;
  on(event: 'keypress', cb: (ch: string | undefined, key: BlessedKey | undefined) => void): void;
  on(event: 'mouse', cb: (data: BlessedMouse) => void): void;
  on(event: 'resize' | 'destroy', cb: () => void): void;
  on(event: 'warning', cb: (text: string) => void): void;
}

export interface BoxOptions {
  parent: BlessedScreen;
  top: number;
  left: number;
  width: number;
  height: number;
  tags?: boolean;
  wrap?: boolean;
  style?: BlessedStyle;
  hidden?: boolean;
  content?: string;
}

export interface ScreenOptions {
  smartCSR?: boolean;
  fastCSR?: boolean;
  fullUnicode?: boolean;
  autoPadding?: boolean;
  warnings?: boolean;
  title?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  terminal?: string;
  dockBorders?: boolean;
  forceUnicode?: boolean;
  resizeTimeout?: number;
  sendFocus?: boolean;
  useBCE?: boolean;
  tabc?: string;
  cursor?: { artificial?: boolean; shape?: string; blink?: boolean; color?: string | null };
}

export interface Blessed {
  screen(opts: ScreenOptions): BlessedScreen;
  box(opts: BoxOptions): BlessedBox;
}

let cached: Blessed | null = null;

/**
 * blessed's index requires all of its ~35 widgets (images, terminal, forms…)
 * before the first frame; the screen needs three modules of them. Those come
 * from their own files (the very modules blessed's index exports), anything
 * else from the full index, loaded only when something asks for it.
 */
export function loadBlessed(): Blessed {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const direct: Record<string, unknown> = {
    screen: require('blessed/lib/widgets/screen'),
    box: require('blessed/lib/widgets/box'),
    unicode: require('blessed/lib/unicode'),
  };
  let full: Record<string | symbol, unknown> | null = null;
  cached = new Proxy(direct, {
    get: (t, key) => (key in t ? t[key as string] : (full ??= require('blessed') as Record<string | symbol, unknown>)[key]),
  }) as unknown as Blessed;
  return cached;
}
