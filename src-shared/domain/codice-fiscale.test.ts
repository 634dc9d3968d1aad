import { describe, expect, it } from 'vitest';
import { checkCodiceFiscale, codiceFiscaleCheckChar } from './codice-fiscale';

describe('codice fiscale', () => {
  // Published examples: the Agenzia delle Entrate's sample and well-known test codes.
  it.each(['RSSMRA85T10A562S', 'MRTMTT91D08F205J'])('accepts %s', (cf) => {
    const r = checkCodiceFiscale(cf);
    expect(r).toEqual({ ok: true, value: cf });
  });

  it('normalises case and spaces', () => {
    expect(checkCodiceFiscale(' rssmra85t10a562s ')).toEqual({ ok: true, value: 'RSSMRA85T10A562S' });
  });

  it('computes the check character from the first fifteen', () => {
    expect(codiceFiscaleCheckChar('RSSMRA85T10A562')).toBe('S');
  });

  it('refuses a wrong check character with an Italian message', () => {
    const r = checkCodiceFiscale('RSSMRA85T10A562T');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/carattere di controllo/);
  });

  it('refuses wrong length and shape', () => {
    expect(checkCodiceFiscale('RSSMRA85T10A562').ok).toBe(false);
    expect(checkCodiceFiscale('1234567890123456').ok).toBe(false);
    // Month letter must be one of ABCDEHLMPRST.
    expect(checkCodiceFiscale('RSSMRA85Z10A562S').ok).toBe(false);
  });

  it('accepts omocodia (digits replaced by letters) when the check character matches', () => {
    const first15 = 'RSSMRA85T10A56N'; // last digit 2 → N
    const cf = first15 + codiceFiscaleCheckChar(first15);
    expect(checkCodiceFiscale(cf).ok).toBe(true);
  });
});
