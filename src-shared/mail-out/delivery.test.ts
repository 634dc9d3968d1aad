import { describe, expect, it } from 'vitest';
import { addressTrouble, smtpFailureEvent, type DeliveryEvent } from './delivery';
import { maskAddresses } from './mask';

const bounce = (at: number, to: string[], diagnostic = '550 5.1.1 mailbox unavailable'): DeliveryEvent => ({
  at,
  action: 'mail_bounce',
  data: { failedAddresses: to, diagnostic },
});
const pec = (at: number, type: string, to: string[]): DeliveryEvent => ({
  at,
  action: 'pec_receipt',
  data: { type, destinatari: to, errore: 'no-dest', erroreEsteso: 'Destinatario sconosciuto' },
});
const wrote = (at: number, address: string): DeliveryEvent => ({
  at,
  action: 'mail_in',
  data: { from: { name: 'Anna', address } },
});

describe('addressTrouble', () => {
  it('a bounce naming the address marks it failing, whatever the case', () => {
    expect(addressTrouble([bounce(5, ['Anna.Neri@Example.it'])], 'anna.neri@example.it')).toEqual({
      at: 5,
      source: 'bounce',
      reason: 'Email non recapitata: 550 5.1.1 mailbox unavailable',
    });
    expect(addressTrouble([bounce(5, ['altro@example.it'])], 'anna.neri@example.it')).toBeNull();
    expect(addressTrouble([bounce(5, ['a@x.it'])], null)).toBeNull();
  });

  it('a PEC non-delivery marks it; a later delivery receipt clears it', () => {
    const failed = pec(10, 'errore-consegna', ['anna@pec.it']);
    expect(addressTrouble([failed], 'anna@pec.it')).toEqual({
      at: 10,
      source: 'pec',
      reason: 'PEC non consegnata: Destinatario sconosciuto',
    });
    expect(addressTrouble([failed, pec(20, 'avvenuta-consegna', ['anna@pec.it'])], 'anna@pec.it')).toBeNull();
    expect(addressTrouble([pec(5, 'accettazione', ['anna@pec.it'])], 'anna@pec.it')).toBeNull();
  });

  it('a refused send marks it; the citizen writing from the address later clears it; the latest wins', () => {
    const refused = smtpFailureEvent('anna@x.it', 'Il server SMTP ha rifiutato il messaggio: 550', 30);
    expect(addressTrouble([refused], 'anna@x.it')?.source).toBe('smtp');
    expect(addressTrouble([refused, wrote(40, 'ANNA@x.it')], 'anna@x.it')).toBeNull();
    expect(addressTrouble([wrote(40, 'anna@x.it'), bounce(50, ['anna@x.it'])], 'anna@x.it')?.at).toBe(50);
    expect(addressTrouble([bounce(50, ['anna@x.it']), wrote(50, 'anna@x.it')], 'anna@x.it')?.source).toBe(
      'bounce',
    );
  });
});

describe('maskAddresses', () => {
  it('masks every address in an SMTP answer, keeping the rest', () => {
    expect(
      maskAddresses(
        'Il server SMTP ha rifiutato il messaggio: 550 5.1.1 <anna.neri@example.it>: Recipient address rejected',
      ),
    ).toBe(
      'Il server SMTP ha rifiutato il messaggio: 550 5.1.1 <(indirizzo riservato)>: Recipient address rejected',
    );
    expect(maskAddresses('a@b.it, c.d@e.example.org')).toBe('(indirizzo riservato), (indirizzo riservato)');
    expect(maskAddresses('Server SMTP 127.0.0.1:25 non raggiungibile')).toBe(
      'Server SMTP 127.0.0.1:25 non raggiungibile',
    );
  });
});
