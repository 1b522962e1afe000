// Writes virtop(1) and the bash completion from the program's own tables,
// so neither can drift from --help or the keys:
//   the options  — OPTIONS in src/cli/args.ts (what --help prints)
//   the keys     — DEFAULT_BINDINGS in src/ui/keymap.ts (what ? shows)
//   the files    — the functions that compute each path
//
//   node scripts/manpage.mjs OUT_DIR      (after npm run build:ts)
// writes OUT_DIR/virtop.1 and OUT_DIR/virtop.bash-completion.

import { writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(join(root, 'dist', p));
const [{ OPTIONS }, { DEFAULT_BINDINGS, keyLabel }, { configPath }, { actionLogPath }, { stderrLogPath }, { xmlBackupDir }, { stateDir }] = await Promise.all([
  dist('cli/args.js'),
  dist('ui/keymap.js'),
  dist('config/config.js'),
  dist('actions/log.js'),
  dist('app/stderr-capture.js'),
  dist('app/domain-xml.js'),
  dist('util/paths.js'),
]);
const outDir = process.argv[2];
if (!outDir) {
  process.stderr.write('usage: node scripts/manpage.mjs OUT_DIR\n');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Text made safe for roff: backslashes, leading dots and quotes, and hyphens that are minus signs in options. */
const roff = (s) => s.replace(/\\/g, '\\e').replace(/^([.'])/gm, '\\&$1');
const opt = (s) => roff(s).replace(/-/g, '\\-');

const home = '~';
const noEnv = {};
const files = [
  [configPath(noEnv, home), 'settings written by W (columns, sort, interval, theme, keys); $XDG_CONFIG_HOME/virtop/config.json when set'],
  [actionLogPath(noEnv, home), 'every action taken, one JSON line each; moved to actions.log.1 at 10 MiB; under $XDG_STATE_HOME when set'],
  [xmlBackupDir(stateDir(noEnv, home)), 'domain XML saved from the XML pane (mode 0600)'],
  [stderrLogPath(noEnv, home), "what libvirt printed to stderr while the screen was up"],
  ['~/.cache/virtop/', 'the one-file executable unpacks its addon, themes and demo host here ($XDG_CACHE_HOME/virtop when set)'],
];

const sections = ['Move', 'Views', 'Sort', 'Show', 'Refresh', 'Act', 'Other'];
const keyLines = [];
for (const section of sections) {
  const entries = Object.values(DEFAULT_BINDINGS).filter((b) => b.section === section);
  if (!entries.length) continue;
  keyLines.push(`.SS ${section}`);
  for (const b of entries) keyLines.push('.TP', `.B ${roff(b.keys.map(keyLabel).join(', '))}`, roff(b.help));
}

const optionLines = [];
for (const o of OPTIONS) {
  const names = [o.alias ? `\\fB\\-${o.alias}\\fR, ` : '', `\\fB\\-\\-${opt(o.name)}\\fR`].join('');
  const value = o.value ? ` \\fI${roff(o.value.label)}\\fR` : '';
  const dflt = o.defaultDescription ?? (typeof o.default === 'string' ? o.default : undefined);
  optionLines.push('.TP', `${names}${value}`, `${roff(o.description)}${dflt !== undefined ? ` (default: ${roff(String(dflt))})` : ''}.`);
}

const date = new Date().toISOString().slice(0, 10);
const man = `.TH VIRTOP 1 "${date}" "virtop ${pkg.version}" "User Commands"
.SH NAME
virtop \\- live monitor and quick-ops console for libvirt/KVM hosts
.SH SYNOPSIS
.B virtop
[\\fIoptions\\fR]
.SH DESCRIPTION
${roff(pkg.description)}: CPU, memory, disk and network per guest, per vCPU thread, per device, per storage pool and network, refreshed live, with actions (start, stop, balloon memory, hot-add vCPUs) on the selected or tagged guests.
Without \\fB\\-b\\fR, \\fB\\-\\-json\\fR or \\fB\\-\\-csv\\fR it draws a full-screen view; \\fB?\\fR lists every key.
It reads libvirt over a read-only connection; actions open a read-write one when first asked.
.SH OPTIONS
${optionLines.join('\n')}
.SH KEYS
Keys can be rebound in the settings file (\\fBkeys\\fR section).
${keyLines.join('\n')}
.SH FILES
${files.map(([p, what]) => `.TP\n.I ${roff(p)}\n${roff(what)}.`).join('\n')}
.SH ENVIRONMENT
.TP
.B NO_COLOR
when set, the monochrome theme (unless \\fB\\-\\-theme\\fR says otherwise).
.TP
.B XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_CACHE_HOME
where the files above go, when set to absolute paths.
.SH EXIT STATUS
0 on success (also when a reader closes the pipe); 1 when a host cannot be reached at all or a recording failed; 2 for bad options.
.SH SEE ALSO
.BR virsh (1),
.BR virt-top (1),
.BR htop (1)
`;
writeFileSync(join(outDir, 'virtop.1'), man);

// bash: options after "virtop", then a value completed by its kind.
const flags = OPTIONS.flatMap((o) => [`--${o.name}`, ...(o.alias ? [`-${o.alias}`] : [])]);
const cases = [];
for (const o of OPTIONS) {
  if (!o.value) continue;
  const pattern = [`--${o.name}`, ...(o.alias ? [`-${o.alias}`] : [])].join('|');
  const k = o.value.kind;
  const choices = (o.value.choices ?? []).join(' ');
  const body =
    k === 'choice' ? `COMPREPLY=($(compgen -W "${choices}" -- "$cur"))`
    : k === 'file' && choices ? `COMPREPLY=($(compgen -W "${choices}" -- "$cur") $(compgen -f -- "$cur"))`
    : k === 'file' ? 'COMPREPLY=($(compgen -f -- "$cur"))'
    : k === 'uri' ? 'COMPREPLY=($(compgen -W "qemu:///system qemu:///session qemu+ssh:// qemu+tls:// test:///default" -- "$cur"))'
    : 'COMPREPLY=()';
  cases.push(`    ${pattern}) ${body}; return ;;`);
}
const completion = `# bash completion for virtop(1); generated by scripts/manpage.mjs from its option table
_virtop() {
  local cur prev
  cur=\${COMP_WORDS[COMP_CWORD]}
  prev=\${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
${cases.join('\n')}
  esac
  COMPREPLY=($(compgen -W "${flags.join(' ')}" -- "$cur"))
}
complete -o filenames -F _virtop virtop
`;
writeFileSync(join(outDir, 'virtop.bash-completion'), completion);
