import { describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatDateTime, romeDayStart, toIsoDateRome } from './format';

describe('dates in Europe/Rome', () => {
  it('formats winter and summer times with the right offset', () => {
    expect(formatDateTime(Date.UTC(2026, 0, 15, 23, 30))).toBe('16/01/2026 00:30');
    expect(formatDateTime(Date.UTC(2026, 6, 1, 22, 5))).toBe('02/07/2026 00:05');
    expect(formatDate(Date.UTC(2026, 11, 31, 12))).toBe('31/12/2026');
    expect(formatDate(null)).toBe('');
  });

  it('turns a date input into Rome midnight, also on DST days', () => {
    expect(romeDayStart('2026-01-15')).toBe(Date.UTC(2026, 0, 14, 23));
    expect(romeDayStart('2026-07-01')).toBe(Date.UTC(2026, 5, 30, 22));
    // 29 March 2026: clocks go forward at 02:00; midnight is still +1h.
    expect(romeDayStart('2026-03-29')).toBe(Date.UTC(2026, 2, 28, 23));
    expect(romeDayStart('2026-03-29', true)).toBe(Date.UTC(2026, 2, 29, 22));
    expect(romeDayStart('nonsense')).toBeNull();
  });

  it('round-trips a day', () => {
    const ms = romeDayStart('2026-10-25')!;
    expect(toIsoDateRome(ms)).toBe('2026-10-25');
  });
});

describe('formatBytes', () => {
  it('uses Italian decimals', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1,5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5,0 MB');
  });
});
