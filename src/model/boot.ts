// Whether a domain comes back after the host reboots: the one decision the
// AUTO column, the detail title and the sort by autostart all show.

import type { DomainView } from './view.js';

/** 'transient' (gone once stopped; libvirt never autostarts it), 'autostart', 'no-autostart'; null while unknown. */
export type BootKind = 'transient' | 'autostart' | 'no-autostart';

export function bootKind(d: Pick<DomainView, 'autostart' | 'persistent'>): BootKind | null {
  if (d.persistent === false) return 'transient';
  if (d.autostart === null || d.autostart === undefined) return null;
  return d.autostart ? 'autostart' : 'no-autostart';
}
