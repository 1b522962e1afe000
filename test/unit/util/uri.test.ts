import { describe, expect, it } from 'vitest';
import { isLibvirtUri, isLocalUri, isQemuUri, isRemoteUri, shortHost } from '../../../src/util/uri.js';

describe('libvirt URIs', () => {
  it.each<[string, { libvirt: boolean; local: boolean; qemu: boolean; remote: boolean }]>([
    ['qemu:///system', { libvirt: true, local: true, qemu: true, remote: false }],
    ['qemu:///session', { libvirt: true, local: true, qemu: true, remote: false }],
    ['qemu+ssh://hv/system', { libvirt: true, local: false, qemu: true, remote: true }],
    ['qemu+tcp://127.0.0.1/system', { libvirt: true, local: false, qemu: true, remote: true }],
    ['qemu+unix:///system', { libvirt: true, local: false, qemu: true, remote: true }],
    ['qemu://hv2/system', { libvirt: true, local: false, qemu: true, remote: true }],
    ['test:///default', { libvirt: true, local: false, qemu: false, remote: false }],
    ['test:///abs/host.xml', { libvirt: true, local: false, qemu: false, remote: false }],
    ['garbage', { libvirt: false, local: false, qemu: false, remote: false }],
    ['qemu:///system with space', { libvirt: false, local: true, qemu: true, remote: false }],
  ])('%s', (uri, want) => {
    expect({ libvirt: isLibvirtUri(uri), local: isLocalUri(uri), qemu: isQemuUri(uri), remote: isRemoteUri(uri) }).toEqual(want);
  });

  it.each([
    ['qemu:///system', 'qemu:system'],
    ['qemu+ssh://root@hv2.example/system', 'hv2.example'],
    ['qemu+tcp://127.0.0.1/system', '127.0.0.1'],
    ['test:///default', 'test:default'],
  ])('shortHost(%s) = %s', (uri, want) => {
    expect(shortHost(uri)).toBe(want);
  });
});
