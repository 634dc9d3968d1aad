/** The mail-out bench runs end to end (a small N): every email delivered and marked, figures printed. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runBench } from './cli';

afterEach(() => vi.restoreAllMocks());

describe('bench mail-out', () => {
  it('delivers every queued notification to the loopback server and prints its figures', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await runBench(['mail-out', '--messages', '40'])).toBe(0);
    const figures = out.map((l) => JSON.parse(l) as { suite: string; name: string; value: number });
    expect(figures.map((f) => f.name)).toEqual([
      'send_msgs_per_s',
      'send_total_ms',
      'send_cpu_ms',
      'send_msgs_per_cpu_s',
      'send_bytes',
    ]);
    for (const f of figures) {
      expect(f.suite).toBe('mail-out');
      expect(f.value).toBeGreaterThan(0);
    }
    // 40 rendered receipts of about 2 kB each reached the server.
    expect(figures.find((f) => f.name === 'send_bytes')!.value).toBeGreaterThan(40 * 1500);
    expect(await runBench(['mail-out', '--messages', '3'])).toBe(2);
  }, 60_000);
});
