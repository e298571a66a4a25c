/** A wait as people read it: "300 ms" under a second, "3 s" above. */
export function formatDelay(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`;
}

/** Dollars with the precision small sums need: $0.0014, $0.50, $12.30. */
export function formatUsdAmount(usd: number): string {
  return `$${usd < 0.01 ? usd.toFixed(4) : usd.toFixed(2)}`;
}
