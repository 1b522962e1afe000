// Which disk made a guest pause: QEMU stops a guest on a failed write (a full
// pool, a dead LUN) and keeps each disk's error until the guest resumes, and
// virDomainGetDiskErrors names the disks. One call per such pause, not per
// tick: the answer cannot change while the guest stays paused.

import { DISK_ERROR_NAMES, type DiskErrorEntry } from '../libvirt/types.js';
import type { DiskIoError, DiskSample, DomainSample } from '../types/sample.js';
import { stateReasonName } from '../types/state.js';

/** The guest is paused because a disk failed (libvirt's paused/ioerror). */
export function pausedOnIoError(ds: Pick<DomainSample, 'state' | 'stateReason'>): boolean {
  return ds.state === 'paused' && stateReasonName(ds.state, ds.stateReason) === 'ioerror';
}

/** virDomainDiskErrorCode's name; codes newer than ours read 'unspec' (an error, cause not told). */
export function diskErrorName(code: number): DiskIoError | null {
  if (code === 0) return null;
  const name = DISK_ERROR_NAMES[code];
  return name === 'nospace' ? 'nospace' : 'unspec';
}

/** The disks with each one's error from the call; a disk the call did not name had none. */
export function withDiskErrors(disks: readonly DiskSample[], errors: readonly DiskErrorEntry[]): DiskSample[] {
  return disks.map((d) => {
    const e = errors.find((x) => x.disk === d.name);
    return { ...d, ioError: e ? diskErrorName(e.error) : null };
  });
}
