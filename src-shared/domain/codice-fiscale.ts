/**
 * Italian codice fiscale (persone fisiche): 16 characters, the last a check
 * character computed from the first 15 (DM 23/12/1976). Omocodia replaces digits
 * with letters (LMNPQRSTUV), which the check algorithm handles as is.
 */
const ODD: Record<string, number> = {};
const EVEN: Record<string, number> = {};
const oddValues = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];
const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
for (let i = 0; i < 26; i++) {
  ODD[ALPHA[i]!] = oddValues[i]!;
  EVEN[ALPHA[i]!] = i;
}
for (let d = 0; d <= 9; d++) {
  ODD[String(d)] = oddValues[d]!;
  EVEN[String(d)] = d;
}

const SHAPE = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;

export function normalizeCodiceFiscale(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

export function codiceFiscaleCheckChar(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = first15[i]!;
    // Positions are 1-based in the standard: position 1 is "odd".
    sum += i % 2 === 0 ? ODD[c]! : EVEN[c]!;
  }
  return ALPHA[sum % 26]!;
}

export type CodiceFiscaleCheck = { ok: true; value: string } | { ok: false; message: string };

export function checkCodiceFiscale(input: string): CodiceFiscaleCheck {
  const cf = normalizeCodiceFiscale(input);
  if (cf.length !== 16) return { ok: false, message: 'Il codice fiscale deve avere 16 caratteri.' };
  if (!SHAPE.test(cf)) return { ok: false, message: 'Il codice fiscale non ha un formato valido.' };
  if (codiceFiscaleCheckChar(cf.slice(0, 15)) !== cf[15]) {
    return { ok: false, message: 'Il carattere di controllo del codice fiscale non corrisponde.' };
  }
  return { ok: true, value: cf };
}
