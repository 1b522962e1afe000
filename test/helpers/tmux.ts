// Drives the real program in tmux for end-to-end tests: a session with a
// plain bash, keys in, capture-pane out.
import { execFileSync, spawnSync } from 'node:child_process';

export const PROMPT = 'e2e$ ';
export const haveTmux = spawnSync('tmux', ['-V']).status === 0;

export function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

export class TmuxSession {
  constructor(readonly name: string) {}

  /** A detached session running bash with a known prompt, in `cwd`, with extra env. */
  start(cwd: string, env: string[] = [], cols = 160, rows = 50): void {
    tmux(
      'new-session', '-d', '-s', this.name, '-x', String(cols), '-y', String(rows), '-c', cwd,
      'env', '-u', 'NO_COLOR', `PS1=${PROMPT}`, 'LANG=C.UTF-8', 'TERM=xterm-256color', ...env,
      'bash', '--norc', '--noprofile',
    );
  }

  kill(): void {
    if (haveTmux) spawnSync('tmux', ['kill-session', '-t', this.name]);
  }

  screen(): string {
    return tmux('capture-pane', '-t', this.name, '-p');
  }

  keys(...k: string[]): void {
    tmux('send-keys', '-t', this.name, ...k);
  }

  /** Literal text (no key-name lookup). */
  type(text: string): void {
    tmux('send-keys', '-t', this.name, '-l', text);
  }

  async waitFor(test: (s: string) => boolean, what: string, ms = 10_000): Promise<string> {
    const end = Date.now() + ms;
    let last = '';
    while (Date.now() < end) {
      last = this.screen();
      if (test(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; screen was:\n${last}`);
  }
}

/** Domain rows (ID S ... NAME) under the table title: name → the row's text. */
export function tableRows(s: string): Map<string, string> {
  const lines = s.split('\n');
  const title = lines.findIndex((l) => /ID S .*NAME/.test(l));
  const out = new Map<string, string>();
  if (title < 0) return out;
  const col = [...lines[title]].join('').indexOf('NAME');
  for (const l of lines.slice(title + 1)) {
    if (!/^\s+(\d+|-) [RBPDOXS?] /.test(l)) break;
    out.set([...l].slice(col).join('').trim(), l);
  }
  return out;
}

export function tableNames(s: string): string[] {
  return [...tableRows(s).keys()];
}

export const promptBack = (s: string): boolean => s.trimEnd().split('\n').pop()?.startsWith(PROMPT.trim()) ?? false;
