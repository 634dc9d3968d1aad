/**
 * The subject tag Sportello puts on its emails. Must match what mail-in reads back
 * (src-main/mail/threading.ts, TAG_RE and formatSubjectTag): `[SEG-2026-000123]`.
 */
export const formatSubjectTag = (code: string) => `[SEG-${code}]`;
