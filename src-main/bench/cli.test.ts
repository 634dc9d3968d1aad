import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runBench } from './cli';
import { percentile } from './stats';

let dir: string | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function capture() {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return out;
}

describe('bench cli', () => {
  it('refuses suites that do not exist yet', async () => {
    capture();
    expect(await runBench(['network'])).toBe(2);
  });

  it('computes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile([3], 95)).toBe(3);
  });

  it('prints one JSON line per figure and reuses the cached replica', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sportello-bench-test-'));
    const out = capture();
    expect(await runBench(['local', '--reports', '300', '--data-dir', dir])).toBe(0);
    const figures = out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { suite: string; name: string; value: number; unit: string });
    const names = figures.map((f) => f.name);
    for (const n of [
      'list_default_p95_ms',
      'search_p95_ms',
      'open_by_code_p95_ms',
      'create_p95_ms',
      'db_bytes_per_report',
    ]) {
      expect(names).toContain(n);
    }
    for (const f of figures) {
      expect(f.suite).toBe('local');
      expect(Number.isFinite(f.value)).toBe(true);
    }
    expect(existsSync(join(dir, 'bench-replica.json'))).toBe(true);
    const seeded = statSync(join(dir, 'sportello.db')).mtimeMs;
    // Second run: same replica, untouched by the first run's writes.
    const before = figures.find((f) => f.name === 'db_bytes_per_report')!.value;
    out.length = 0;
    expect(await runBench(['local', '--reports', '300', '--data-dir', dir])).toBe(0);
    const again = out.map((l) => JSON.parse(l) as { name: string; value: number });
    expect(again.find((f) => f.name === 'db_bytes_per_report')!.value).toBe(before);
    expect(statSync(join(dir, 'sportello.db')).mtimeMs).toBe(seeded);
  }, 120_000);
});
