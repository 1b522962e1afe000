// The name people know a domain by. libvirt's name is what virsh wants; on an
// OpenStack compute node it is instance-0000a1b2 while everyone says
// "billing-db-02", and elsewhere a <title> may say more than the name.

import type { DomainView } from './view.js';

/** Nova's instance name, else the XML's <title>, else the libvirt name. */
export function displayName(d: Pick<DomainView, 'name' | 'title' | 'openstack'>): string {
  return d.openstack?.instanceName ?? d.title ?? d.name;
}
