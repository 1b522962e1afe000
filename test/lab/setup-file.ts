// Runs before each lab file: libvirtd must answer before a file starts its
// guests, so a daemon that died or was restarted under it shows up as that,
// not as a dozen unrelated "failed to get domain" errors.
import { beforeAll } from 'vitest';
import { labAvailable, labSh } from './lab.js';

beforeAll(async () => {
  if (labAvailable() !== null) return; // describeLab skips (locally) or fails (CI) with the reason
  // lab.sh daemons starts virtlogd and libvirtd if needed and waits until `virsh version` answers.
  await labSh(['daemons'], 120_000);
}, 150_000);
