/**
 * The review inbox on a real core: a mailbox with review on parks new reports; a clerk
 * confirms category and place (→ the report at the intake's deterministic id, exactly
 * once) or discards (recorded); suppliers may do neither.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReviewItem } from '../../src-shared/api/calls-mail';
import type { ReportDetail } from '../../src-shared/api/views';
import { MAIL_INTAKE_ACTOR } from '../../src-shared/domain/mutations/mail';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { mailKeyOf, reportIdOf } from './identity';
import { createMailIntake, type MailIntake } from './intake';
import { plainMessage } from './testing/messages';

let w: TestWorld;
let f: Fixture;
let intake: MailIntake;
let clerk: string;
let supplier: string;

beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
  await w.ok('settings.categories.save', { parentId: null, name: 'Da classificare' }, f.admin);
  intake = createMailIntake({ services: w.core.services, threadKey: Buffer.alloc(32, 5) });
  clerk = (
    await w.ok<{ token: string }>('auth.login', { username: 'lucia.verdi', password: 'password-lucia.verdi' })
  ).token;
  supplier = (
    await w.ok<{ token: string }>('auth.login', {
      username: 'ditta.asfalti',
      password: 'password-ditta.asfalti',
    })
  ).token;
});
afterEach(() => w.cleanup());

const reports = () =>
  (w.core.services.db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n;
const review = (id: string) =>
  w.core.services.db
    .prepare('SELECT status, decided_by, note FROM mail_review WHERE report_id = ?')
    .get(id) as {
    status: string;
    decided_by: string | null;
    note: string | null;
  };

describe('review inbox', () => {
  it('parks a new report, then the clerk confirms category and place: one report at the deterministic id', async () => {
    const raw = plainMessage({ messageId: '<rev1@example.it>', subject: 'Buca in via Po' });
    const r = await intake.ingest(raw, { mailboxId: 'urp', review: true });
    const id = reportIdOf(mailKeyOf('urp', '<rev1@example.it>', ''));
    expect(r).toMatchObject({ outcome: 'parked', reportId: id });
    expect(reports()).toBe(0);
    // The same message again (restart, resync) is not parked twice.
    expect((await intake.ingest(raw, { mailboxId: 'urp', review: true })).outcome).toBe('duplicate');

    const list = await w.ok<ReviewItem[]>('mailReview.list', {}, clerk);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      reportId: id,
      title: 'Buca in via Po',
      from: { address: 'anna.neri@example.it' },
      channel: 'email',
    });

    const out = await w.ok<{ id: string; code: string }>(
      'mailReview.confirm',
      { reportId: id, categoryId: f.bucaId, address: 'Via Po 3', lat: 45.07, lon: 7.69 },
      clerk,
    );
    expect(out.id).toBe(id);
    const d = await w.ok<ReportDetail>('reports.get', { id }, f.admin);
    expect(d).toMatchObject({
      status: 'nuovo',
      channel: 'email',
      categoryId: f.bucaId,
      address: 'Via Po 3',
      lat: 45.07,
      lon: 7.69,
      code: out.code,
    });
    expect(d.attachments.map((a) => a.fileName)).toContain('messaggio-originale.eml');
    expect(d.log.find((l) => l.action === 'mail_received')?.actorId).toBe(f.clerkId);
    expect(review(id)).toMatchObject({ status: 'confirmed', decided_by: f.clerkId });
    expect(await w.ok<ReviewItem[]>('mailReview.list', {}, clerk)).toEqual([]);

    // Confirming twice (a double click, two clerks) is still one report.
    const again = await w.ok<{ id: string; code: string }>(
      'mailReview.confirm',
      { reportId: id, categoryId: f.stradaId, address: '', lat: null, lon: null },
      f.admin,
    );
    expect(again).toEqual(out);
    expect(reports()).toBe(1);
  });

  it('a report another installation already created is confirmed without a second one', async () => {
    const raw = plainMessage({ messageId: '<rev2@example.it>' });
    const id = reportIdOf(mailKeyOf('urp', '<rev2@example.it>', ''));
    await intake.ingest(raw, { mailboxId: 'urp', review: true });
    // Meanwhile the same report arrived by sync (another PC created it from this message).
    const { args } = w.core.services.db
      .prepare('SELECT args FROM mail_review WHERE report_id = ?')
      .get(id) as {
      args: string;
    };
    w.core.services.store.mutate('report.receiveMail', JSON.parse(args), MAIL_INTAKE_ACTOR);
    expect(reports()).toBe(1);
    const out = await w.ok<{ id: string }>(
      'mailReview.confirm',
      { reportId: id, categoryId: f.bucaId, address: '', lat: null, lon: null },
      clerk,
    );
    expect(out.id).toBe(id);
    expect(reports()).toBe(1);
    expect(review(id).status).toBe('confirmed');
  });

  it('discards are recorded and final; suppliers can neither see nor decide; bad input answers in Italian', async () => {
    await intake.ingest(plainMessage({ messageId: '<rev3@example.it>' }), { mailboxId: 'urp', review: true });
    const id = reportIdOf(mailKeyOf('urp', '<rev3@example.it>', ''));
    const denied = await w.core.call('mailReview.list', {}, supplier);
    expect(denied).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const deniedConfirm = await w.core.call(
      'mailReview.confirm',
      { reportId: id, categoryId: f.bucaId },
      supplier,
    );
    expect(deniedConfirm).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const halfPlace = await w.core.call(
      'mailReview.confirm',
      { reportId: id, categoryId: f.bucaId, lat: 45 },
      clerk,
    );
    expect(halfPlace).toMatchObject({ ok: false, error: { message: expect.stringMatching(/coordinate/) } });
    expect(review(id).status).toBe('pending');

    await w.ok('mailReview.discard', { reportId: id, reason: 'Pubblicità' }, clerk);
    expect(review(id)).toEqual({ status: 'discarded', decided_by: f.clerkId, note: 'Pubblicità' });
    const late = await w.core.call('mailReview.confirm', { reportId: id, categoryId: f.bucaId }, clerk);
    expect(late).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/scartato/) },
    });
    expect(reports()).toBe(0);
  });
});
