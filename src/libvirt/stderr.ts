// The process's stderr (fd 2) sent to a file and back, through the addon:
// libvirt, libxml2 and GLib print warnings straight to fd 2, which would
// smear the full-screen display.

import { loadAddon } from './addon.js';

/** From now on fd 2 appends to `path`; throws with the path and the reason when it cannot. */
export function redirectStderr(path: string): void {
  loadAddon().redirectStderr(path);
}

/** fd 2 is the original again (a no-op when it was not redirected). */
export function restoreStderr(): void {
  loadAddon().restoreStderr();
}
