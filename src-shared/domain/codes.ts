/**
 * Report codes: the number a clerk reads to a citizen on the phone.
 *
 * Final code:       YYYY-NNNNNN      e.g. 2026-000123 (year of creation + sequence, at
 *                                    least six digits, more when a year passes 999,999).
 * Provisional code: YYYY-TTTT-NNNN   e.g. 2026-BKTZ-0007 (TTTT is the replica's tag,
 *                                    four consonants; NNNN that replica's own counter).
 *
 * Why two shapes. In standalone mode the PC is the only authority and mints final
 * codes from its own per-year counter. Once PCs share a sync server, only the server
 * can hand out the next number without collisions, yet a clerk working offline must
 * read a code to the citizen at once. So an offline replica mints a provisional code
 * that cannot collide with any final code (it contains letters) nor with another
 * replica's (each replica has its own tag). When the server later assigns the final
 * code, the provisional one stays in the report_codes table as a permanent alias:
 * "Vai al codice" and search find the report by either code, forever.
 */
export const FINAL_CODE = /^(\d{4})-(\d{6,})$/;
export const PROVISIONAL_CODE = /^(\d{4})-([B-DF-HJ-NP-TV-Z]{4})-(\d{4,})$/;

export const formatFinalCode = (year: number, seq: number) => `${year}-${String(seq).padStart(6, '0')}`;

export const formatProvisionalCode = (year: number, tag: string, seq: number) =>
  `${year}-${tag}-${String(seq).padStart(4, '0')}`;

const TAG_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

/** A replica tag from random bytes (caller supplies randomness). */
export function replicaTagFrom(random: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += TAG_ALPHABET[(random[i] ?? 0) % TAG_ALPHABET.length];
  return s;
}

/**
 * Normalises what a person types into "Vai al codice": spaces, lower case, a missing
 * year ("123" → current year), missing zero padding ("2026-123" → "2026-000123").
 */
export function normalizeCode(input: string, currentYear: number): string | null {
  const s = input.trim().toUpperCase().replace(/\s+/g, '').replace(/[./_]/g, '-');
  if (/^\d{1,9}$/.test(s)) return formatFinalCode(currentYear, Number(s));
  let m = /^(\d{4})-(\d{1,9})$/.exec(s);
  if (m) return formatFinalCode(Number(m[1]), Number(m[2]));
  m = /^(\d{4})-([A-Z]{4})-(\d{1,9})$/.exec(s);
  if (m) return formatProvisionalCode(Number(m[1]), m[2]!, Number(m[3]));
  return null;
}
