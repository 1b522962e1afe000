// Waiting for cleanup without being held by it: a libvirt call stuck on a
// dead host (or a hung guest agent) can keep a close() pending indefinitely.

/** How long leaving (TUI, batch, exporter) waits for its connections to close. */
export const EXIT_CLOSE_GRACE_MS = 2000;

/**
 * Resolves when `p` settles (its rejection ignored) or after `ms`, whichever
 * comes first. The timer is unref'd, so it never keeps the process alive.
 */
export async function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  await Promise.race([p.then(() => undefined, () => undefined), new Promise((r) => setTimeout(r, ms).unref())]);
}
