// The "/" filter: case-insensitive substring match on a domain's name, its
// display name (OpenStack instance, title), OpenStack project, state (and its
// letter) or host. Several words must all match, each anywhere.

import type { DomainView } from '../model/view.js';
import { shortHost } from '../util/uri.js';
import { displayName } from '../model/names.js';

export function filterTerms(filter: string): string[] {
  return filter
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t !== '');
}

export function matchesFilter(d: DomainView, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const name = d.name.toLowerCase();
  const shown = displayName(d).toLowerCase();
  const project = (d.openstack?.projectName ?? '').toLowerCase();
  const state = d.state.toLowerCase();
  const host = d.host.toLowerCase();
  const short = shortHost(d.host).toLowerCase();
  for (const t of terms) {
    if (!(name.includes(t) || shown.includes(t) || project.includes(t) || state.includes(t) || host.includes(t) || short.includes(t))) return false;
  }
  return true;
}

export function filterDomains(domains: readonly DomainView[], filter: string): DomainView[] {
  const terms = filterTerms(filter);
  return terms.length === 0 ? [...domains] : domains.filter((d) => matchesFilter(d, terms));
}
