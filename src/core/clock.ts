/** Time for every time-driven behaviour. Tests inject a ManualClock and advance it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
