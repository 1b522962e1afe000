// The command line's words into option values, by a table of options
// (OPTIONS in args.ts), and that table as --help text. A few dozen lines in
// place of a general parser library: it was the largest part of virtop's
// start-up in batch mode.
//
//   --name VALUE, --name=VALUE, -n VALUE, -nVALUE   string options
//   --flag, --no-flag, --flag=true|false, -b, -bV   boolean options
//   a repeatable option collects its values in order; another string
//   option given twice becomes a list (the caller refuses it by name)

export interface ArgSpec {
  name: string;
  alias?: string;
  type: 'string' | 'boolean';
  array?: boolean;
  description: string;
  default?: string | boolean;
  defaultDescription?: string;
  value?: { label: string };
}

export class ArgvError extends Error {}

export type ArgValues = Record<string, string | boolean | string[]>;

/** A word that can be an option's value: not an option itself ("-" and negative numbers can). */
function valueLike(word: string | undefined): word is string {
  return word !== undefined && (!word.startsWith('-') || word === '-' || /^-\d/.test(word));
}

export function parseArgv(argv: readonly string[], specs: readonly ArgSpec[]): ArgValues {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byAlias = new Map(specs.filter((s) => s.alias).map((s) => [s.alias as string, s]));
  const out: ArgValues = {};
  const set = (spec: ArgSpec, v: string | boolean) => {
    const prev = out[spec.name];
    if (spec.type === 'boolean' || prev === undefined) out[spec.name] = spec.array && typeof v === 'string' ? [v] : v;
    else if (Array.isArray(prev)) prev.push(v as string);
    else out[spec.name] = [prev as string, v as string];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      if (i + 1 < argv.length) throw new ArgvError(`Unknown argument: ${argv[i + 1]}`);
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const inline = eq < 0 ? undefined : a.slice(eq + 1);
      const negated = name.startsWith('no-') ? byName.get(name.slice(3)) : undefined;
      if (!byName.has(name) && negated?.type === 'boolean' && inline === undefined) {
        set(negated, false);
        continue;
      }
      const spec = byName.get(name);
      if (!spec) throw new ArgvError(`Unknown argument: ${name}`);
      if (spec.type === 'boolean') {
        if (inline === undefined) set(spec, true);
        else if (inline === 'true' || inline === 'false') set(spec, inline === 'true');
        else throw new ArgvError(`--${name} takes no value (or true/false), got '${inline}'`);
      } else set(spec, inline ?? (valueLike(argv[i + 1]) ? argv[++i] : ''));
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const spec = byAlias.get(a[j]);
        if (!spec) throw new ArgvError(`Unknown argument: ${a[j]}`);
        if (spec.type === 'boolean') {
          set(spec, true);
          continue;
        }
        const rest = a.slice(j + 1).replace(/^=/, '');
        set(spec, rest !== '' ? rest : valueLike(argv[i + 1]) ? argv[++i] : '');
        break;
      }
      continue;
    }
    throw new ArgvError(`Unknown argument: ${a}`);
  }
  for (const s of specs) if (out[s.name] === undefined && s.default !== undefined) out[s.name] = s.default;
  return out;
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Rows of an options table, in `columns` characters (at least 60): each
 * option's names on the left, its text wrapped under a column of its own.
 * A left side too long for the column gets a line to itself.
 */
export function optionTable(rows: readonly { left: string; text: string }[], columns: number): string[] {
  const width = Math.max(60, Math.min(100, columns));
  const col = Math.min(32, Math.max(...rows.map((r) => r.left.length)) + 2);
  return rows.flatMap(({ left, text }) => {
    const body = wrap(text, width - col - 2);
    const first = left.length + 2 <= col ? [`  ${left.padEnd(col)}${body.shift() ?? ''}`] : [`  ${left}`];
    return [...first, ...body.map((b) => `  ${' '.repeat(col)}${b}`)];
  });
}

/** The options table as --help shows it, in `columns` characters (at least 60). */
export function formatHelp(head: string, specs: readonly ArgSpec[], columns: number): string {
  const rows = specs.map((s) => {
    const dflt = s.defaultDescription ?? (typeof s.default === 'string' ? s.default : undefined);
    return {
      left: `${s.alias ? `-${s.alias}, ` : '    '}--${s.name}${s.value ? ` ${s.value.label}` : ''}`,
      text: `${s.description}${dflt !== undefined ? ` [default: ${dflt}]` : ''}`,
    };
  });
  return `${head}\n\nOptions:\n${optionTable(rows, columns).join('\n')}\n`;
}
