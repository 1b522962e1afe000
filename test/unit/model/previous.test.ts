import { describe, expect, it } from 'vitest';
import { previousMatch } from '../../../src/model/previous.js';

const disks = [{ name: 'vda' }, { name: 'vdb' }, { name: 'vdc' }];
const threads = [{ tid: 100 }, { tid: 102 }, { tid: 101 }];

describe('previousMatch', () => {
  it.each<[string, unknown, number, unknown]>([
    ['at the same index', 'vdb', 1, disks[1]],
    ['moved elsewhere', 'vda', 2, disks[0]],
    ['past the end', 'vdc', 7, disks[2]],
    ['not there', 'vdz', 0, undefined],
  ])('disk %s', (_what, name, hint, want) => {
    expect(previousMatch(disks, 'name', name as string, hint)).toBe(want);
  });

  it('threads by tid, and an empty previous sample', () => {
    expect(previousMatch(threads, 'tid', 101, 1)).toBe(threads[2]);
    expect(previousMatch(threads, 'tid', 102, 1)).toBe(threads[1]);
    expect(previousMatch([] as { tid: number }[], 'tid', 5, 0)).toBeUndefined();
  });
});
