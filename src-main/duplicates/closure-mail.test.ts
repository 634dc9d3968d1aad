/**
 * Closing a main report answers every citizen of every report merged into it: a real
 * core, a real SMTP server on loopback, the closure notice decoded as received.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingView } from '../../src-shared/api/calls-mailout';
import type { SmtpSink } from '../mail-out/testing/smtp-sink';
import { type MailWorld, startMailWorld, stopMailWorld, until } from '../mail-out/testing/mail-world';
import type { Fixture } from '../testing/fixtures';
import type { TestWorld } from '../testing/test-core';
import { createAt, newReporter, offset, PIAZZA_VECCHIA } from './testing';

let m: MailWorld;
let w: TestWorld;
let f: Fixture;
let smtp: SmtpSink;
beforeEach(async () => {
  m = await startMailWorld();
  ({ w, f, smtp } = m);
});
afterEach(() => stopMailWorld(m));

describe('closure of a main report', () => {
  it('notifies every reporter of every merged report, once per address', async () => {
    await w.ok(
      'mailout.smtp.save',
      {
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        fromAddress: 'urp@comune.bergamo.it',
        fromName: 'Comune di Bergamo',
        replyTo: 'urp@comune.bergamo.it',
      },
      f.admin,
    );
    const a = await createAt(w, f.clerk, f.bucaId, PIAZZA_VECCHIA, 'Buca in piazza', {
      reporters: [newReporter('Anna', 'Rota', 'anna.rota@example.it')],
    });
    const b = await createAt(w, f.clerk, f.bucaId, offset(20, 0), 'Buca in piazza Vecchia', {
      reporters: [
        newReporter('Bruno', 'Pesenti', 'bruno.pesenti@example.it'),
        newReporter('Anna', 'Rota', 'anna.rota@example.it'),
      ],
    });
    const c = await createAt(w, f.clerk, f.bucaId, offset(0, 20), 'Buca', {
      reporters: [newReporter('Chiara', 'Mazza', 'chiara.mazza@example.it')],
    });
    // An internal report without reporters merges too, and adds nobody.
    const z = await createAt(w, f.clerk, f.bucaId, offset(5, 5), 'Verifica interna', { channel: 'interno' });
    const receipts = 4; // one per report and address: Anna (A), Bruno and Anna (B), Chiara (C)
    await until(
      async () => smtp.received.length,
      (n) => n === receipts,
    );
    await w.ok('duplicates.merge', { mainId: a.id, reportIds: [b.id, c.id, z.id] }, f.clerk);
    await w.ok('reports.takeInCharge', { id: a.id }, f.clerk);
    await w.ok('reports.close', { id: a.id, outcomeId: f.positivoId, closingNote: 'Buca chiusa.' }, f.clerk);
    const closures = await until(
      () => w.ok<OutgoingView[]>('mailout.forReport', { reportId: a.id }, f.clerk),
      (v) => v.filter((e) => e.kind === 'closure' && e.status === 'sent').length === 3,
    );
    expect(closures.filter((e) => e.kind === 'closure')).toHaveLength(3);
    const closed = smtp.received.filter((m) => m.subject?.includes('è stata chiusa'));
    const to = (m: (typeof closed)[number]) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address;
    expect(closed.map(to).sort()).toEqual([
      'anna.rota@example.it',
      'bruno.pesenti@example.it',
      'chiara.mazza@example.it',
    ]);
    // The notice names the main report's code, and greets each citizen by name.
    for (const m of closed) expect(m.subject).toContain(a.code);
    expect(closed.find((m) => to(m) === 'chiara.mazza@example.it')!.text).toContain('Gentile Chiara Mazza,');
  });
});
