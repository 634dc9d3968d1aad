/** Timing helpers and the one-JSON-line-per-figure output of `npm run bench`. */

export interface Figure {
  suite: string;
  name: string;
  value: number;
  unit: 'ms' | 'bytes' | 's' | 'reports/s' | 'mutations/s' | 'msgs/s' | 'MB' | 'count';
}

/** Nearest-rank percentile of already collected samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function emit(f: Figure, write: (line: string) => void = (l) => process.stdout.write(l + '\n')): void {
  write(JSON.stringify({ suite: f.suite, name: f.name, value: round3(f.value), unit: f.unit }));
}

export const log = (line: string) => process.stderr.write(line + '\n');

/** Runs `fn` `warmup` times unmeasured, then `iterations` times, returning each duration in ms. */
export async function sample(
  iterations: number,
  warmup: number,
  fn: (i: number) => Promise<void>,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await fn(warmup + i);
    out.push(performance.now() - t);
  }
  return out;
}
