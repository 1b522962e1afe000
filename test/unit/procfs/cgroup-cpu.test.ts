import { describe, expect, it } from 'vitest';
import {
  DomainCgroupCpuReader,
  domainCgroupOf,
  parseCgroupMounts,
  parseCpuacctV1,
  parseCpuStatV2,
  parseProcCgroup,
} from '../../../src/procfs/cgroup-cpu.js';
import { memoryProcFs } from '../../helpers/memory-procfs.js';

// A QEMU on the lab host (hybrid: v1 controllers, cpuacct left at the root,
// cgroup2 at /sys/fs/cgroup/unified), as /proc/PID/cgroup shows it.
const LAB_CGROUP =
  '9:name=systemd:/\n8:pids:/\n7:blkio:/machine/qemu-1-virtop-lab-idle.libvirt-qemu\n5:devices:/\n' +
  '4:memory:/machine/qemu-1-virtop-lab-idle.libvirt-qemu\n3:cpuset:/machine/qemu-1-virtop-lab-idle.libvirt-qemu/emulator\n' +
  '2:cpuacct:/\n1:cpu:/machine/qemu-1-virtop-lab-idle.libvirt-qemu/emulator\n0::/machine/qemu-1-virtop-lab-idle.libvirt-qemu/emulator\n';
const LAB_MOUNTS =
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n' +
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n' +
  '33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n' +
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n';
// A systemd host on cgroup v2 alone.
const V2_CGROUP = '0::/machine.slice/machine-qemu\\x2d3\\x2dweb.scope/libvirt/emulator\n';
const V2_MOUNTS = '25 21 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n';
// An older v1 host with cpu and cpuacct mounted together.
const V1_CGROUP = '4:cpu,cpuacct:/machine/qemu-7-db.libvirt-qemu/emulator\n1:name=systemd:/\n';
const V1_MOUNTS = '30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct\n';

describe('where a QEMU sits', () => {
  it.each([
    ['lab (hybrid)', LAB_CGROUP, { unified: '/machine/qemu-1-virtop-lab-idle.libvirt-qemu/emulator', cpuacct: '/' }],
    ['systemd, v2', V2_CGROUP, { unified: '/machine.slice/machine-qemu\\x2d3\\x2dweb.scope/libvirt/emulator', cpuacct: null }],
    ['v1, cpu and cpuacct together', V1_CGROUP, { unified: null, cpuacct: '/machine/qemu-7-db.libvirt-qemu/emulator' }],
  ])('%s', (_what, text, want) => {
    expect(parseProcCgroup(text)).toEqual(want);
  });

  it.each([
    ['lab', LAB_MOUNTS, { unified: '/sys/fs/cgroup/unified', cpuacct: '/sys/fs/cgroup/cpuacct' }],
    ['systemd, v2', V2_MOUNTS, { unified: '/sys/fs/cgroup', cpuacct: null }],
    ['v1', V1_MOUNTS, { unified: null, cpuacct: '/sys/fs/cgroup/cpu,cpuacct' }],
    ['a mount of a sub-tree (a container) is not used', '50 40 0:22 /machine /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n', { unified: null, cpuacct: null }],
  ])('mounts: %s', (_what, text, want) => {
    expect(parseCgroupMounts(text)).toEqual(want);
  });

  it.each([
    ['/machine/qemu-1-a.libvirt-qemu/emulator', '/machine/qemu-1-a.libvirt-qemu'],
    ['/machine.slice/machine-qemu\\x2d3\\x2dweb.scope/libvirt/emulator', '/machine.slice/machine-qemu\\x2d3\\x2dweb.scope/libvirt'],
    ['/', null],
    ['/user.slice/session-1.scope', null],
    ['/emulator', null],
    ['/a/../emulator', null],
    [null, null],
  ])('the domain cgroup of %s is %s', (path, want) => {
    expect(domainCgroupOf(path)).toBe(want);
  });
});

describe('cgroup CPU files', () => {
  it('v2 cpu.stat: µs to ns, as libvirt gives cpu.time, cpu.user, cpu.system', () => {
    const text = 'usage_usec 4285919\nuser_usec 3848646\nsystem_usec 437272\nnice_usec 0\nnr_periods 0\n';
    expect(parseCpuStatV2(text)).toEqual({ ok: true, value: { cpuTimeNs: 4285919000n, userNs: 3848646000n, systemNs: 437272000n } });
    expect(parseCpuStatV2('user_usec 1\n')).toEqual({ ok: false, error: 'no usage_usec' });
    // A key inside another is not it; a number with trailing junk is not one; 20 digits stay exact.
    expect(parseCpuStatV2('xusage_usec 5\nusage_usec 7\n')).toEqual({ ok: true, value: { cpuTimeNs: 7000n, userNs: null, systemNs: null } });
    expect(parseCpuStatV2('usage_usec 12x\n')).toEqual({ ok: false, error: 'no usage_usec' });
    expect(parseCpuStatV2('usage_usec 18446744073709551615')).toEqual({ ok: true, value: { cpuTimeNs: 18446744073709551615000n, userNs: null, systemNs: null } });
  });

  it('v1 cpuacct.usage (ns) and cpuacct.stat (ticks)', () => {
    expect(parseCpuacctV1('123456789\n', 'user 250\nsystem 17\n')).toEqual({ ok: true, value: { cpuTimeNs: 123456789n, userNs: 2_500_000_000n, systemNs: 170_000_000n } });
    expect(parseCpuacctV1('123\n', null)).toEqual({ ok: true, value: { cpuTimeNs: 123n, userNs: null, systemNs: null } });
    expect(parseCpuacctV1('-1\n', null).ok).toBe(false);
  });
});

describe('DomainCgroupCpuReader', () => {
  const dom = '/sys/fs/cgroup/unified/machine/qemu-1-virtop-lab-idle.libvirt-qemu';
  const files = (usage: number) => ({
    '/proc/self/mountinfo': LAB_MOUNTS,
    '/proc/4242/cgroup': LAB_CGROUP,
    [`${dom}/cpu.stat`]: `usage_usec ${usage}\nuser_usec 3\nsystem_usec 4\n`,
    '/proc/77/cgroup': '0::/user.slice/session-1.scope\n',
  });

  it('finds the domain group from the QEMU pid and reads it; a QEMU outside libvirt’s layout is refused', async () => {
    const fs = memoryProcFs(files(10));
    const r = new DomainCgroupCpuReader(fs);
    const got = await r.read([4242, 77, 99]);
    expect(got.get(4242)).toEqual({ ok: true, value: { cpuTimeNs: 10_000n, userNs: 3000n, systemNs: 4000n } });
    expect(got.get(77)).toEqual({ ok: false, error: 'QEMU 77 is not in a libvirt domain cgroup (…/emulator)' });
    const gone = got.get(99);
    expect(gone?.ok).toBe(false);
    if (gone && !gone.ok) expect(gone.error).toMatch(/^\/proc\/99\/cgroup: /);
    // The domain's file stays open: the next tick re-reads it through the handle.
    expect(fs.openHandles).toBe(1);
    fs.replace(files(25));
    expect((await r.read([4242])).get(4242)).toEqual({ ok: true, value: { cpuTimeNs: 25_000n, userNs: 3000n, systemNs: 4000n } });
    expect(fs.openHandles).toBe(1);
    // A pid no longer asked for (its domain stopped) has its file closed.
    await r.read([]);
    expect(fs.openHandles).toBe(0);
  });

  it('a QEMU outside libvirt’s layout is looked up once, not every tick', async () => {
    const fs = memoryProcFs(files(10));
    const looked: string[] = [];
    const readFile = fs.readFile.bind(fs);
    fs.readFile = async (path) => (looked.push(path), readFile(path));
    const r = new DomainCgroupCpuReader(fs);
    for (let i = 0; i < 10; i++) expect((await r.read([77])).get(77)?.ok).toBe(false);
    expect(looked.filter((p) => p === '/proc/77/cgroup')).toHaveLength(1);
  });

  it('a cgroup gone under its kept handle (the domain stopped) is an error, then looked up afresh', async () => {
    const fs = memoryProcFs(files(10));
    const r = new DomainCgroupCpuReader(fs);
    await r.read([4242]);
    fs.replace({ '/proc/self/mountinfo': LAB_MOUNTS, [`${dom}/cpu.stat`]: { error: 'missing' } });
    expect((await r.read([4242])).get(4242)?.ok).toBe(false);
    expect(fs.openHandles).toBe(0);
    fs.replace(files(30));
    expect((await r.read([4242])).get(4242)).toEqual({ ok: true, value: { cpuTimeNs: 30_000n, userNs: 3000n, systemNs: 4000n } });
  });
});
