import { describe, expect, it } from 'vitest';
import { notificationEnabled } from '../../src-shared/mail-out';
import {
  insertAt,
  notificationText,
  previewTemplate,
  ruleChoice,
  sampleFacts,
  withRule,
} from './mail-out-settings';
import { newSmtpDraft, smtpDirty, smtpDraftOf, smtpInputOf } from './smtp-form';

describe('notification switches', () => {
  it('sets, overrides and removes a category rule; the core reads the result as written', () => {
    let rules = withRule([], 'receipt', null, 'off');
    rules = withRule(rules, 'receipt', 'buche', 'on');
    expect(ruleChoice(rules, 'receipt', null)).toBe('off');
    expect(ruleChoice(rules, 'receipt', 'buche')).toBe('on');
    expect(ruleChoice(rules, 'receipt', 'verde')).toBe('inherit');
    expect(notificationEnabled(rules, 'receipt', ['buche', 'strade'])).toBe(true);
    expect(notificationEnabled(rules, 'receipt', ['verde'])).toBe(false);
    rules = withRule(rules, 'receipt', 'buche', 'inherit');
    expect(rules).toEqual([{ kind: 'receipt', categoryId: null, enabled: false }]);
    expect(notificationEnabled(rules, 'receipt', ['buche'])).toBe(false);
  });
});

describe('notification texts and preview', () => {
  it('the newest active stored text wins over the default', () => {
    const t = (id: string, updatedAt: number, active = true) => ({
      id,
      kind: 'closure' as const,
      name: id,
      subject: `s-${id}`,
      body: 'b',
      active,
      updatedAt,
    });
    expect(notificationText([], 'closure').custom).toBeNull();
    expect(notificationText([], 'closure').template.subject).toContain('{codice}');
    const picked = notificationText([t('a', 1), t('b', 3, false), t('c', 2)], 'closure');
    expect(picked.custom?.id).toBe('c');
    expect(notificationText([t('a', 1)], 'receipt').custom).toBeNull();
  });

  it('previews with accents, escapes the HTML and names unknown placeholders', () => {
    const p = previewTemplate(
      { subject: 'Segnalazione {codice}', body: 'Gentile {nome},\n<b>{titolo}</b> {boh}' },
      sampleFacts('Comune di Città', Date.UTC(2026, 0, 5, 12)),
    );
    expect(p.email.subject).toBe('[SEG-2026-000123] Segnalazione 2026-000123');
    expect(p.email.text).toContain('Gentile Niccolò,');
    expect(p.email.html).toContain('&lt;b&gt;Buca profonda davanti alla scuola&lt;/b&gt;');
    expect(p.unknown).toEqual(['boh']);
  });

  it('inserts a placeholder at the caret or at the end', () => {
    expect(insertAt('Gentile ,', '{nome}', 8, 8)).toEqual({ text: 'Gentile {nome},', caret: 14 });
    expect(insertAt('abc', '{x}', null, null)).toEqual({ text: 'abc{x}', caret: 6 });
  });
});

describe('SMTP form', () => {
  const view = {
    host: 'smtp.comune.it',
    port: 587,
    security: 'starttls' as const,
    username: 'urp',
    fromAddress: 'urp@comune.it',
    fromName: 'Comune',
    replyTo: null,
    enabled: true,
    hasPassword: true,
    updatedAt: 1,
  };

  it('keeps the stored password unless a new one is typed or it is removed', () => {
    const d = smtpDraftOf(view);
    const r = smtpInputOf(d);
    expect(r.ok && r.input).toMatchObject({ port: 587, replyTo: null, clearPassword: false });
    expect(r.ok && 'password' in r.input).toBe(false);
    const cleared = smtpInputOf({ ...d, clearPassword: true });
    expect(cleared.ok).toBe(false);
    expect(!cleared.ok && cleared.fields.password).toMatch(/password/);
    const anon = smtpInputOf({ ...d, username: '', clearPassword: true });
    expect(anon.ok && anon.input.clearPassword).toBe(true);
    expect(smtpDirty(d, view)).toBe(false);
    expect(smtpDirty({ ...d, password: 'nuova' }, view)).toBe(true);
    expect(smtpDirty({ ...d, port: '465' }, view)).toBe(true);
  });

  it('names a port that is not a number; a new draft is not saved yet', () => {
    const r = smtpInputOf({ ...newSmtpDraft('Comune'), port: '58x' });
    expect(!r.ok && Object.keys(r.fields)).toEqual(['port']);
    expect(smtpDirty(newSmtpDraft(), null)).toBe(true);
  });
});
