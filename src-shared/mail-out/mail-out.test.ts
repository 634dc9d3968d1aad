import { describe, expect, it } from 'vitest';
import type { Change } from '../domain/mutations/framework';
import {
  DEFAULT_NOTIFICATION_TEMPLATES,
  deriveNotifications,
  escapeHtml,
  notificationEnabled,
  renderEmail,
  renderText,
  unknownPlaceholders,
  type ReportFacts,
} from './index';

const facts: ReportFacts = {
  code: '2026-000042',
  title: 'Buca profonda in via Verdi',
  categoryName: 'Buca',
  address: 'Via Giuseppe Verdi 3, Città',
  outcomeLabel: 'Risolta',
  closingNote: 'La buca è stata chiusa dall’impresa.',
  at: Date.UTC(2026, 10, 20, 23, 30), // 21/11 in Rome
  ente: 'Comune di Sant’Agata',
};
const person = { nome: 'Niccolò', cognome: 'Lucà' };

const log = (action: string, data: Record<string, unknown> | null, reportId = 'r1'): Change => ({
  op: 'put',
  table: 'log_entries',
  row: { id: 'l', reportId, at: 0, actorId: 'a', kind: 'event', action, data, text: null, mentions: [] },
});

describe('placeholders', () => {
  it('replaces known placeholders and leaves unknown ones as written', () => {
    const v = {
      codice: 'C',
      titolo: 'T',
      nome: 'N',
      cognome: 'K',
      categoria: '',
      indirizzo: '',
      esito: '',
      nota: '',
      data: 'D',
      ente: 'E',
    };
    expect(renderText('{codice}/{titolo}/{boh}', v)).toBe('C/T/{boh}');
    expect(unknownPlaceholders('{codice} {boh} {x}')).toEqual(['boh', 'x']);
  });

  it('escapes HTML special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('renderEmail', () => {
  it('receipt: Italian text with accents, the code tag in the subject, the Rome date', () => {
    const e = renderEmail(DEFAULT_NOTIFICATION_TEMPLATES.receipt, facts, person);
    expect(e.subject).toBe('[SEG-2026-000042] Abbiamo ricevuto la sua segnalazione n. 2026-000042');
    expect(e.text).toContain('Gentile Niccolò Lucà,');
    expect(e.text).toContain('è stata registrata il 21/11/2026 con il numero 2026-000042');
    expect(e.text).toContain('Comune di Sant’Agata');
    expect(e.html).toContain('<p>Gentile Niccolò Lucà,</p>');
    expect(e.html).toContain('lang="it"');
  });

  it('closure carries the outcome and the closing note; an empty note leaves no blank paragraph', () => {
    const e = renderEmail(DEFAULT_NOTIFICATION_TEMPLATES.closure, facts, person);
    expect(e.text).toContain('Esito: Risolta');
    expect(e.text).toContain('La buca è stata chiusa dall’impresa.');
    const bare = renderEmail(DEFAULT_NOTIFICATION_TEMPLATES.closure, { ...facts, closingNote: null }, person);
    expect(bare.text).not.toMatch(/\n\n\n/);
    expect(bare.html).not.toContain('<p></p>');
  });

  it('user content is escaped in the HTML and kept verbatim in the text', () => {
    const evil = { ...facts, title: '<script>alert("x")</script> & <b>' };
    const e = renderEmail(DEFAULT_NOTIFICATION_TEMPLATES.receipt, evil, { nome: '<img src=x>', cognome: '' });
    expect(e.html).not.toContain('<script>');
    expect(e.html).not.toContain('<img');
    expect(e.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;');
    expect(e.text).toContain('<script>alert("x")</script>');
  });

  it('a reporter without a name gets no stray blanks; line breaks never reach the subject', () => {
    const e = renderEmail(
      { subject: 'Re: {titolo}', body: 'Gentile {nome} {cognome},\nciao' },
      { ...facts, title: 'uno\r\nBcc: x@y.it' },
      { nome: '', cognome: '' },
    );
    expect(e.text.startsWith('Gentile,\n')).toBe(true);
    expect(e.subject).toBe('[SEG-2026-000042] Re: uno Bcc: x@y.it');
  });
});

describe('deriveNotifications', () => {
  it('receipt on creation, in charge on nuovo → in gestione, closure on close', () => {
    expect(deriveNotifications([log('created', { code: 'x' })])).toEqual([
      { kind: 'receipt', reportId: 'r1' },
    ]);
    expect(deriveNotifications([log('status_changed', { before: 'nuovo', after: 'in_gestione' })])).toEqual([
      { kind: 'in_charge', reportId: 'r1' },
    ]);
    expect(deriveNotifications([log('closed', { after: 'chiuso' }, 'r2')])).toEqual([
      { kind: 'closure', reportId: 'r2' },
    ]);
  });

  it('nothing for notes, reopenings, updates', () => {
    expect(
      deriveNotifications([log('note', null), log('reopened', { after: 'in_gestione' }), log('updated', {})]),
    ).toEqual([]);
  });
});

describe('notificationEnabled', () => {
  it('the most specific rule wins: category, then parent, then global; default on', () => {
    expect(notificationEnabled([], 'receipt', ['buca', 'strada'])).toBe(true);
    const rules = [
      { kind: 'receipt' as const, categoryId: null, enabled: false },
      { kind: 'receipt' as const, categoryId: 'strada', enabled: true },
      { kind: 'receipt' as const, categoryId: 'buca', enabled: false },
    ];
    expect(notificationEnabled(rules, 'receipt', ['buca', 'strada'])).toBe(false);
    expect(notificationEnabled(rules, 'receipt', ['marciapiede', 'strada'])).toBe(true);
    expect(notificationEnabled(rules, 'receipt', ['verde'])).toBe(false);
    expect(notificationEnabled(rules, 'receipt', [])).toBe(false);
    expect(notificationEnabled(rules, 'closure', ['buca'])).toBe(true);
  });
});
