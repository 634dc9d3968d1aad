/** Reconnect delay: 0.5 s doubling to 15 s, so a restarted host is found quickly. */
export function nextBackoff(attempt: number): number {
  return Math.min(15_000, 500 * 2 ** Math.max(0, attempt));
}
