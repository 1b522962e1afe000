// Writing to a stream at the reader's pace, waiting between ticks in a way
// a signal cuts short, and stopping at a wall-clock time: what the run
// loops (batch, virt-top's --script/--stream, the screen) share.

/** Resolves once `text` is written or buffered below the high-water mark; rejects on a write error. */
export function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

// The abort listener must go when the timer fires: one left behind per tick
// grows without bound in a --json stream that runs for days.
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `fn` once the wall clock reaches `atMs` (at once if it already has):
 * virt-top's --end-time, for the screen and the headless runs alike. The
 * timer never keeps the process alive by itself. Returns its cancel.
 */
export function atWallTime(atMs: number, fn: () => void, nowMs = Date.now()): () => void {
  const t = setTimeout(fn, Math.max(0, atMs - nowMs));
  t.unref();
  return () => clearTimeout(t);
}
