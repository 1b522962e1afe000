import { describe, expect, it } from 'vitest';
import { libvirtVersionText } from '../../../src/app/version.js';
import { addonOrigin } from '../../../src/libvirt/addon.js';

describe('libvirtVersionText', () => {
  it.each([
    [9_000_000, '9.0.0'],
    [10_003_000, '10.3.0'],
    [8_000_012, '8.0.12'],
    [11_010_001, '11.10.1'],
  ])('%d → %s', (v, want) => expect(libvirtVersionText(v)).toBe(want));
});

describe('addonOrigin', () => {
  it.each([
    ['/usr/lib/node_modules/virtop/native/prebuilds/linux-x64/node.napi.glibc.node', 'prebuilt'],
    ['/work/virtop/native/build/Release/virtop_libvirt.node', 'local'],
    ['/root/.cache/virtop/addon-3f2a/virtop_libvirt.node', 'embedded'],
  ] as const)('%s → %s', (path, want) => expect(addonOrigin(path)).toBe(want));
});
