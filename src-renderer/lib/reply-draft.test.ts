import { describe, expect, it } from 'vitest';
import type { ReporterView } from '../../src-shared/api';
import {
  failedEmails,
  prefillReply,
  previewReply,
  replyRecipients,
  reportFacts,
  retrying,
} from './reply-draft';

const rep = (id: string, email: string | null, redacted = false): ReporterView => ({
  id,
  nome: `N${id}`,
  cognome: `C${id}`,
  email,
  telefono: null,
  codiceFiscale: null,
  indirizzo: null,
  redacted,
});

const facts = reportFacts(
  {
    code: '2026-000007',
    title: 'Lampione spento',
    address: 'Piazza Garibaldi',
    outcomeLabel: null,
    closingNote: null,
    categoryId: 'c1',
  },
  (id) => (id === 'c1' ? 'Illuminazione' : null),
  'Comune di Forlì',
  Date.UTC(2026, 5, 1, 10),
);
const tpl = {
  subject: 'Segnalazione {codice}: {titolo}',
  body: 'Gentile {nome} {cognome},\nla segnalazione in {indirizzo} ({categoria}) è in lavorazione.\n{ente}',
};

describe('reply draft', () => {
  it('offers reporters with an email once each, never redacted ones', () => {
    const list = replyRecipients({
      reporters: [
        rep('1', 'A@x.it'),
        rep('2', null),
        rep('3', 'a@x.it'),
        rep('4', 'b@x.it'),
        rep('5', null, true),
      ],
    });
    expect(list.map((r) => [r.reporterId, r.email])).toEqual([
      ['1', 'a@x.it'],
      ['4', 'b@x.it'],
    ]);
  });

  it('one recipient: every placeholder resolved, accents kept', () => {
    const d = prefillReply(tpl, facts, [{ nome: 'Nicolò', cognome: 'Bianchi' }]);
    expect(d.subject).toBe('Segnalazione 2026-000007: Lampione spento');
    expect(d.body).toBe(
      'Gentile Nicolò Bianchi,\nla segnalazione in Piazza Garibaldi (Illuminazione) è in lavorazione.\nComune di Forlì',
    );
  });

  it('several recipients: {nome} and {cognome} stay for the core to fill per citizen', () => {
    const d = prefillReply(tpl, facts, [
      { nome: 'A', cognome: 'B' },
      { nome: 'C', cognome: 'D' },
    ]);
    expect(d.body.startsWith('Gentile {nome} {cognome},\nla segnalazione in Piazza Garibaldi')).toBe(true);
    const p = previewReply(d, facts, { nome: 'Carla', cognome: 'Dè' });
    expect(p.text.startsWith('Gentile Carla Dè,')).toBe(true);
    expect(p.subject).toBe('[SEG-2026-000007] Segnalazione 2026-000007: Lampione spento');
  });

  it('tells failed emails and emails still being retried', () => {
    const e = (status: 'queued' | 'failed' | 'sent', attempts: number, lastError: string | null) => ({
      id: status,
      kind: 'reply' as const,
      to: null,
      subject: 's',
      status,
      attempts,
      lastError,
      createdAt: 0,
      sentAt: null,
    });
    const list = [e('sent', 1, null), e('failed', 1, 'rifiutato'), e('queued', 2, 'non raggiungibile')];
    expect(failedEmails(list).map((x) => x.id)).toEqual(['failed']);
    expect(list.filter(retrying).map((x) => x.id)).toEqual(['queued']);
  });
});
