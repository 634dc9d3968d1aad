/**
 * The shared corpus of real email (../shared/corpus, see its README): its own run,
 * `npm run test:corpus`, because the files are not part of this repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeMail } from './analyze';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = resolve(repoRoot, '..', 'shared', 'corpus');
const key = Buffer.alloc(32, 7);
const emls = (dir: string) =>
  readdirSync(join(corpus, dir))
    .filter((f) => f.endsWith('.eml'))
    .sort();
const analyze = (dir: string, f: string) =>
  analyzeMail(readFileSync(join(corpus, dir, f)), { threadKey: key });

describe('corpus: bounces/bounce is all machine mail', () => {
  const files = emls('bounces/bounce');
  it('has the 629 messages the README lists', () => expect(files).toHaveLength(629));
  it.each(files)('%s is a bounce or an auto-reply, never a report', async (f) => {
    const a = await analyze('bounces/bounce', f);
    expect(['bounce', 'auto-reply']).toContain(a.kind);
  });
});

describe('corpus: bounces/not-bounce', () => {
  it.each(['is-not-bounce-01.eml', 'is-not-bounce-02.eml'])('%s is an ordinary report', async (f) => {
    const a = await analyze('bounces/not-bounce', f);
    expect(a.kind).toBe('report');
    expect(a.reporter?.address).toMatch(/@example\.com$/);
  });
  it('rb-issue-368-bug.eml is not a delivery report sisimai should parse, but it is machine mail', async () => {
    // It carries `Auto-Submitted: auto-replied`, `Return-Path: <>` and comes from
    // postmaster: RFC 3834 (and the rule 5) say it must never become a report
    // nor get an automatic answer. sisimai files it under "not" because its body is no
    // parseable DSN; for the intake it is still machine mail.
    const a = await analyze('bounces/not-bounce', 'rb-issue-368-bug.eml');
    expect(a.kind).not.toBe('report');
    expect(['bounce', 'auto-reply']).toContain(a.kind);
  });
});

describe('corpus: pec', () => {
  it.each([
    ['go-pec-accettazione.eml', 'accettazione'],
    ['java-pec-parser-accettazione.eml', 'accettazione'],
    ['go-pec-consegna.eml', 'errore-consegna'],
    ['java-pec-parser-consegna.eml', 'errore-consegna'],
    ['go-pec-email_2.eml', 'avvenuta-consegna'],
  ])('%s is a PEC receipt (%s), never a report', async (f, type) => {
    const a = await analyze('pec', f);
    expect(a.kind).toBe('pec-receipt');
    expect(a.pec?.type).toBe(type);
    expect(a.pec?.refMessageId).toMatch(/^<.+@.+>$/);
  });

  it('go-pec-email_3.eml (transport envelope) is a PEC report made of the postacert.eml inside', async () => {
    const a = await analyze('pec', 'go-pec-email_3.eml');
    expect(a.kind).toBe('report');
    expect(a.channel).toBe('pec');
    expect(a.subject).toBe('POSTA CERTIFICATA: SUBJECT');
    expect(a.text).toBe('text');
    expect(a.reporter?.address).toBe('no-reply@example.com');
    // The envelope's own parts (daticert.xml, smime.p7s) are not the citizen's attachments.
    expect(a.attachments.map((x) => x.fileName)).toEqual([]);
    expect(a.pec).toMatchObject({
      type: 'trasporto',
      certifiedSender: 'no-reply@example.com',
      identificativo: 'CZPXCJRZKQDRVYXFAZYUIAWNACDAAHEVAEXAKN@example.com',
      data: '14/05/2021 12:02:08 (+0200)',
      errore: 'nessuno',
    });
  });

  it('the Gmail delivery-status failure is a bounce', async () => {
    const a = await analyze('pec', 'java-pec-parser-Delivery-Status-Notification-Failure.eml');
    expect(a.kind).toBe('bounce');
    expect(a.bounce?.recipients.length).toBeGreaterThan(0);
  });

  it.each([
    ['java-pec-parser-Test-Simple-Mail.eml', 'test@tozzi.app'],
    ['java-pec-parser-Test-Simple-Mail-2.eml', 'test@tozzi.app'],
    ['java-pec-parser-Test-Simple-Mail-3.eml', 'biagio.tozzi@gmail.com'],
  ])('%s is an ordinary email report from %s', async (f, from) => {
    const a = await analyze('pec', f);
    expect(a.kind).toBe('report');
    expect(a.channel).toBe('email');
    expect(a.reporter?.address).toBe(from);
    expect(a.text.length).toBeGreaterThan(0);
  });

  it('Test-Simple-Mail-2 keeps its PNG attachment with size and hash', async () => {
    const a = await analyze('pec', 'java-pec-parser-Test-Simple-Mail-2.eml');
    expect(a.attachments).toHaveLength(1);
    expect(a.attachments[0]).toMatchObject({ fileName: '640px-Flag_of_Italy.svg.png', mime: 'image/png' });
    expect(a.attachments[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
