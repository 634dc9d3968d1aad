import { describe, expect, it } from 'vitest';
import {
  FINAL_CODE,
  PROVISIONAL_CODE,
  formatFinalCode,
  formatProvisionalCode,
  normalizeCode,
  replicaTagFrom,
} from './codes';
import { createUuidV7, isUuid } from './ids';
import { extractMentionUsernames } from './mentions';

describe('report codes', () => {
  it('formats final codes as year + six-digit sequence, growing past a million', () => {
    expect(formatFinalCode(2026, 123)).toBe('2026-000123');
    expect(formatFinalCode(2026, 1_234_567)).toBe('2026-1234567');
    expect(FINAL_CODE.test('2026-000123')).toBe(true);
  });

  it('provisional codes can never equal a final code', () => {
    const p = formatProvisionalCode(2026, replicaTagFrom(new Uint8Array([1, 2, 3, 4])), 7);
    expect(p).toMatch(PROVISIONAL_CODE);
    expect(FINAL_CODE.test(p)).toBe(false);
  });

  it('normalises what a clerk types', () => {
    expect(normalizeCode(' 2026-123 ', 2026)).toBe('2026-000123');
    expect(normalizeCode('123', 2026)).toBe('2026-000123');
    expect(normalizeCode('2026/000123', 2026)).toBe('2026-000123');
    expect(normalizeCode('2026-bktz-7', 2026)).toBe('2026-BKTZ-0007');
    expect(normalizeCode('buca', 2026)).toBeNull();
  });
});

describe('ids', () => {
  it('UUIDv7 ids are valid, unique and sort in creation order within one millisecond', () => {
    const gen = createUuidV7(() => 1_700_000_000_000);
    const ids = Array.from({ length: 1000 }, gen);
    expect(ids.every(isUuid)).toBe(true);
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]![14]).toBe('7');
  });
});

describe('mentions', () => {
  it('extracts @usernames, not emails', () => {
    expect(
      extractMentionUsernames('@lucia.verdi puoi vedere? scrivi a a.b@comune.it, cc @Mario_Rossi.'),
    ).toEqual(['lucia.verdi', 'mario_rossi']);
  });
});
