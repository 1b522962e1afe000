// Rates are computed from a monotonic clock so a wall-clock jump (NTP, DST)
// never produces a negative or huge rate.

export interface Clock {
  monoNs(): bigint;
  wallMs(): number;
}

export const systemClock: Clock = {
  monoNs: () => process.hrtime.bigint(),
  wallMs: () => Date.now(),
};
