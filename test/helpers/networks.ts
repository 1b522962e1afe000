// libvirt network entries as the binding returns them, for tests of what
// reads them: the NAT network every libvirt host starts with.
import type { NetworkEntry } from '../../src/libvirt/types.js';

/** "default": NAT on virbr0, 192.168.122.0/24, DHCP .2-.254 (253 addresses). */
export const NAT_NETWORK: NetworkEntry = {
  name: 'default',
  uuid: 'n1',
  active: true,
  persistent: true,
  autostart: true,
  bridge: 'virbr0',
  xml: "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/><ip address='192.168.122.1' netmask='255.255.255.0'><dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp></ip></network>",
};
