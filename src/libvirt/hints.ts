// libvirt's errors for "you may not talk to this daemon" are accurate but
// cryptic. These add the usual fix, once, after libvirt's own words.

const RULES: { test: RegExp; hint: (m: RegExpMatchArray) => string }[] = [
  {
    test: /Failed to connect socket to '([^']+)': Permission denied/,
    hint: (m) => `no access to ${m[1]}: add your user to the 'libvirt' group (and log in again), or run virtop as root`,
  },
  {
    test: /Failed to connect socket to '([^']+)': (No such file or directory|Connection refused)/,
    hint: (m) => `libvirtd does not listen on ${m[1]}: start it (systemctl start libvirtd, or libvirtd -d)`,
  },
  {
    test: /Unable to get system bus connection|no polkit agent available|org\.libvirt\.unix\.(manage|monitor)/,
    hint: () =>
      "libvirt checks access with polkit: add your user to the 'libvirt' group (Debian's polkit rule allows it), or run virtop as root",
  },
  {
    test: /authentication (failed|unavailable)/i,
    hint: () => 'check the credentials for this URI (ssh keys, SASL user, or polkit / libvirt group for local sockets)',
  },
];

/** libvirt's message plus a hint on how access is usually fixed, when one applies. */
export function withAccessHint(message: string): string {
  for (const r of RULES) {
    const m = message.match(r.test);
    if (m) return `${message} — ${r.hint(m)}`;
  }
  return message;
}
