import { describe, expect, it } from 'vitest';
import { describeLog, ruleOf } from './log-text';

describe('describeLog', () => {
  it('renders field changes with readable values', () => {
    const line = describeLog(
      {
        action: 'updated',
        text: null,
        data: {
          changes: [
            { field: 'priority', label: 'Priorità', before: 'normale', after: 'urgente' },
            { field: 'categoryId', label: 'Categoria', before: null, after: 'c1' },
          ],
        },
      },
      { categoryName: (id) => (id === 'c1' ? 'Buche' : null) },
    );
    expect(line.summary).toBe('Ha modificato 2 campi');
    expect(line.details).toEqual(['Priorità: Normale → Urgente', 'Categoria: — → Buche']);
  });

  it('renders closing, reopening and assignment', () => {
    expect(
      describeLog({ action: 'closed', text: null, data: { outcomeLabel: 'Risolto', closingNote: 'Fatto' } }),
    ).toEqual({
      summary: 'Ha chiuso la segnalazione',
      details: ['Esito: Risolto', 'Nota di chiusura: Fatto'],
    });
    expect(
      describeLog({ action: 'reopened', text: null, data: { reason: 'Di nuovo rotto' } }).details,
    ).toEqual(['Motivo: Di nuovo rotto']);
    expect(describeLog({ action: 'assigned', text: null, data: { name: 'Ufficio tecnico' } }).summary).toBe(
      'Ha assegnato la segnalazione a Ufficio tecnico',
    );
    expect(describeLog({ action: 'mystery', text: null, data: null }).summary).toBe('Operazione: mystery');
  });
});

describe('recorded names in field changes', () => {
  it('prefers the category names recorded in the entry', () => {
    const line = describeLog({
      action: 'updated',
      text: null,
      data: {
        changes: [
          {
            field: 'categoryId',
            label: 'Categoria',
            before: 'a',
            after: 'b',
            beforeText: 'Buca',
            afterText: 'Marciapiede',
          },
        ],
      },
    });
    expect(line.details).toEqual(['Categoria: Buca → Marciapiede']);
  });
});

describe('mail intake entries', () => {
  const from = { name: 'Maria Bianchi', address: 'm@x.it' };

  it('says who wrote and about what', () => {
    expect(
      describeLog({ action: 'mail_received', text: null, data: { from, subject: 'Buca', pec: null } })
        .summary,
    ).toBe('Email ricevuta da Maria Bianchi <m@x.it>: «Buca»');
    const pec = describeLog({
      action: 'mail_received',
      text: null,
      data: {
        from: { name: '', address: 'posta-certificata@pec.it' },
        reporter: from,
        subject: 'Lampione',
        pec: { type: 'trasporto', certifiedSender: 'm@pec.it', identificativo: 'opec1' },
        notes: ['Allegato troppo grande escluso.'],
      },
    });
    expect(pec.summary).toBe('PEC ricevuta da posta-certificata@pec.it: «Lampione»');
    expect(pec.details).toEqual([
      'Per conto di Maria Bianchi <m@x.it>',
      'Mittente certificato: m@pec.it',
      'Identificativo PEC: opec1',
      'Allegato troppo grande escluso.',
    ]);
  });

  it('renders replies, receipts, bounces and the reply seen', () => {
    expect(
      describeLog({ action: 'mail_in', text: 'Grazie', data: { from, subject: 'Re: Buca', newReply: true } })
        .summary,
    ).toBe('Risposta del cittadino (Maria Bianchi <m@x.it>): «Re: Buca»');
    expect(describeLog({ action: 'mail_reply_seen', text: null, data: null }).summary).toBe(
      'Ha segnato come letta la risposta del cittadino',
    );
    const receipt = describeLog({
      action: 'pec_receipt',
      text: null,
      data: { type: 'avvenuta-consegna', label: 'Ricevuta di avvenuta consegna', destinatari: ['a@pec.it'] },
    });
    expect(receipt).toEqual({ summary: 'Ricevuta PEC di consegna', details: ['Destinatari: a@pec.it'] });
    expect(
      describeLog({
        action: 'pec_receipt',
        text: null,
        data: { type: 'presa-in-carico', label: 'Ricevuta di presa in carico' },
      }).summary,
    ).toBe('Ricevuta di presa in carico');
    expect(
      describeLog({
        action: 'mail_bounce',
        text: null,
        data: { failedAddresses: ['m@x.it'], diagnostic: '550 mailbox unavailable' },
      }),
    ).toEqual({ summary: 'Email non recapitata a m@x.it', details: ['Motivo: 550 mailbox unavailable'] });
    expect(describeLog({ action: 'mail_feedback', text: null, data: { subject: 'Avviso' } }).summary).toBe(
      'Avviso del server di posta: «Avviso»',
    );
  });

  it('a reply to citizens: subject, recipients (blank when redacted), template, attachments', () => {
    expect(
      describeLog({
        action: 'reply_sent',
        text: null,
        data: {
          subject: 'Sopralluogo',
          to: ['a@x.it', 'b@x.it'],
          templateName: 'Sopralluogo programmato',
          attachmentIds: ['1'],
        },
      }),
    ).toEqual({
      summary: 'Risposta inviata al cittadino: «Sopralluogo»',
      details: ['A: a@x.it, b@x.it', 'Modello: Sopralluogo programmato', 'Con un allegato'],
    });
    expect(
      describeLog({ action: 'reply_sent', text: null, data: { subject: 'S', to: null } }).details,
    ).toEqual([]);
  });
});

describe('entries made by an automation rule', () => {
  it('names the rule and says which emails it asked for', () => {
    const assigned = {
      action: 'assigned',
      text: null,
      data: { name: 'Lucia Verdi', byRule: 'Buche a Lucia' },
    };
    expect(ruleOf(assigned)).toBe('Buche a Lucia');
    expect(describeLog(assigned).summary).toBe('Ha assegnato la segnalazione a Lucia Verdi');
    expect(ruleOf({ data: { name: 'Lucia Verdi' } })).toBeNull();
    expect(
      describeLog({
        action: 'rule_mail_requested',
        text: null,
        data: { forwardToRecipientId: 'r1', replyTemplateId: 't1', byRule: 'Buche' },
      }).summary,
    ).toBe('Ha chiesto l’inoltro al fornitore della rubrica e la risposta ai segnalatori con un modello');
  });
});
