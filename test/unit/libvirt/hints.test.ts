import { describe, expect, it } from 'vitest';
import { withAccessHint } from '../../../src/libvirt/hints.js';

describe('withAccessHint', () => {
  it.each([
    ["Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied", /no access to \/var\/run\/libvirt\/libvirt-sock: add your user to the 'libvirt' group/],
    ["Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory", /libvirtd does not listen on \/var\/run\/libvirt\/libvirt-sock: start it/],
    ['internal error: Unable to get system bus connection: Could not connect: No such file or directory', /polkit: add your user to the 'libvirt' group/],
    ["authentication unavailable: no polkit agent available to authenticate action 'org.libvirt.unix.manage'", /polkit/],
  ])('%s', (msg, hint) => {
    const out = withAccessHint(msg);
    expect(out.startsWith(msg)).toBe(true);
    expect(out).toMatch(hint);
  });
  it('leaves other messages alone', () => {
    expect(withAccessHint('Domain not found')).toBe('Domain not found');
  });
});
