import { describe, expect, it } from 'vitest';
import { redactLogData } from './redact';

describe('redactLogData', () => {
  it('blanks addresses and names; masks addresses quoted in mail servers’ text', () => {
    expect(
      redactLogData({
        failedAddresses: ['anna@example.it'],
        diagnostic: 'smtp; 550 5.1.1 <anna@example.it>: casella inesistente',
        status: '5.1.1',
      }),
    ).toEqual({
      failedAddresses: null,
      diagnostic: 'smtp; 550 5.1.1 <(indirizzo riservato)>: casella inesistente',
      status: '5.1.1',
    });
    expect(
      redactLogData({
        type: 'errore-consegna',
        destinatari: ['anna@pec.it'],
        erroreEsteso: '5.1.1 - anna@pec.it: utente sconosciuto',
        subject: 'AVVISO DI MANCATA CONSEGNA: [SEG-2026-000001]',
      }),
    ).toEqual({
      type: 'errore-consegna',
      destinatari: null,
      erroreEsteso: '5.1.1 - (indirizzo riservato): utente sconosciuto',
      subject: 'AVVISO DI MANCATA CONSEGNA: [SEG-2026-000001]',
    });
  });

  it('leaves entries without personal data as they are (same object)', () => {
    const d = { kind: 'user', assigneeId: 'u1', name: 'Lucia Verdi' };
    expect(redactLogData(d)).toBe(d);
    expect(redactLogData(null)).toBeNull();
  });
});
