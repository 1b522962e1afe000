// Finding an item's counterpart in the previous sample: a disk or NIC by its
// target name, a thread by its tid. Items keep their places from tick to
// tick, so the same index is tried before a search: at 1000 domains this
// runs for every device and thread every tick.

/** The item of `prev` whose `key` equals `value`, trying index `hint` first; undefined when none is. */
export function previousMatch<T, K extends keyof T>(prev: readonly T[], key: K, value: T[K], hint: number): T | undefined {
  if (hint < prev.length && prev[hint][key] === value) return prev[hint];
  for (const x of prev) if (x[key] === value) return x;
  return undefined;
}
