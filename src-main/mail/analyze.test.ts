import { describe, expect, it } from 'vitest';
import { analyzeMail } from './analyze';
import { mintMessageId, verifyMessageId } from './threading';
import { base64Part, multipartMessage, plainMessage, textPart, tnefWith } from './testing/messages';

const key = Buffer.alloc(32, 1);
const REPORT = '0197a3c1-0000-7000-8000-000000000001';
const analyze = (raw: Buffer, maxBytes?: number) => analyzeMail(raw, { threadKey: key, maxBytes });

describe('parse', () => {
  it('reads sender, encoded-word subject, Latin-1 body and RFC 2231 file names', async () => {
    const raw = multipartMessage({
      from: '=?iso-8859-1?Q?Nicol=F2_Bianch=EC?= <Nicolo@Example.IT>',
      subject: '=?utf-8?B?TGFtcGlvbmUgc3BlbnRvIGluIHZpYSBHYXJpYmFsZGk=?=',
      parts: [
        'Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nIl lampione =E8 spento da gioved=EC.\r\n',
        base64Part(
          "Content-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''relazione%20d%C3%A9finitiva.pdf",
          Buffer.from('%PDF-1.4 test'),
        ),
      ],
    });
    const a = await analyze(raw);
    expect(a.kind).toBe('report');
    expect(a.sender).toEqual({ name: 'Nicolò Bianchì', address: 'nicolo@example.it' });
    expect(a.subject).toBe('Lampione spento in via Garibaldi');
    expect(a.text).toBe('Il lampione è spento da giovedì.');
    expect(a.attachments).toHaveLength(1);
    expect(a.attachments[0]).toMatchObject({
      fileName: 'relazione définitiva.pdf',
      mime: 'application/pdf',
      size: 13,
    });
  });

  it('sanitises HTML, holds back remote images and derives the text when there is no text part', async () => {
    const html =
      '<p onclick="steal()">Rifiuti <b>abbandonati</b></p><script>alert(1)</script>' +
      '<img src="https://tracker.example.com/p.gif" alt="logo"><img src="cid:foto1"><a href="javascript:x()">link</a>';
    const raw = multipartMessage({
      parts: [
        `Content-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`,
        base64Part(
          'Content-Type: image/png\r\nContent-ID: <foto1>\r\nContent-Disposition: inline; filename="foto.png"',
          Buffer.from('png'),
        ),
      ],
    });
    const a = await analyze(raw);
    expect(a.html).not.toContain('script');
    expect(a.html).not.toContain('onclick');
    expect(a.html).not.toContain('javascript:');
    expect(a.html).not.toMatch(/\ssrc="https:/);
    expect(a.html).toContain('data-remote-src="https://tracker.example.com/p.gif"');
    expect(a.html).toContain('data-cid="foto1"');
    expect(a.text).toContain('Rifiuti ABBANDONATI'.replace('ABBANDONATI', 'abbandonati'));
    expect(a.attachments[0]).toMatchObject({ fileName: 'foto.png', inline: true, cid: 'foto1' });
  });

  it('unpacks winmail.dat (TNEF) into ordinary attachments', async () => {
    const raw = multipartMessage({
      parts: [
        textPart('In allegato la foto.'),
        base64Part(
          'Content-Type: application/ms-tnef; name="winmail.dat"\r\nContent-Disposition: attachment; filename="winmail.dat"',
          tnefWith('verbale.txt', Buffer.from('verbale dei vigili')),
        ),
      ],
    });
    const a = await analyze(raw);
    expect(a.attachments.map((x) => [x.fileName, x.size])).toEqual([['verbale.txt', 18]]);
    expect(a.notes.join(' ')).toContain('winmail.dat');
  });

  it('leaves out parts past the size limit, with a note, and keeps the rest', async () => {
    const raw = multipartMessage({
      parts: [
        textPart('Due allegati.'),
        base64Part(
          'Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="grande.bin"',
          Buffer.alloc(3000, 1),
        ),
        base64Part(
          'Content-Type: text/plain\r\nContent-Disposition: attachment; filename="piccolo.txt"',
          Buffer.from('ok'),
        ),
      ],
    });
    const a = await analyze(raw, 2000);
    expect(a.kind).toBe('report');
    expect(a.attachments.map((x) => x.fileName)).toEqual(['piccolo.txt']);
    expect(a.notes.join(' ')).toMatch(/grande\.bin.*non acquisito/);
  });

  it('sanitises dangerous attachment names', async () => {
    const raw = multipartMessage({
      parts: [
        textPart('x'),
        base64Part(
          'Content-Type: text/plain\r\nContent-Disposition: attachment; filename="../../etc/passwd"',
          Buffer.from('x'),
        ),
      ],
    });
    expect((await analyze(raw)).attachments[0]!.fileName).toBe('passwd');
  });
});

describe('classify', () => {
  it.each([
    ['Auto-Submitted', 'auto-replied'],
    ['X-Autoreply', 'yes'],
    ['X-Autorespond', 'yes'],
    ['Precedence', 'bulk'],
    ['Precedence', 'junk'],
    ['Precedence', 'list'],
    ['X-Auto-Response-Suppress', 'All'],
  ])('%s: %s is an auto-reply', async (h, v) => {
    const a = await analyze(plainMessage({ subject: 'Fuori ufficio', headers: { [h]: v } }));
    expect(a.kind).toBe('auto-reply');
  });

  it('Auto-Submitted: no is a person', async () => {
    expect((await analyze(plainMessage({ headers: { 'Auto-Submitted': 'no' } }))).kind).toBe('report');
  });

  it('a DSN about a Sportello message is a bounce that names the report and the failed address', async () => {
    const ours = mintMessageId(key, REPORT);
    const raw = multipartMessage({
      from: 'Mail Delivery System <MAILER-DAEMON@mx.example.it>',
      subject: 'Undelivered Mail Returned to Sender',
      contentType: 'multipart/report; report-type=delivery-status',
      parts: [
        textPart('This is the mail system at host mx.example.it.'),
        'Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.it\r\n\r\nFinal-Recipient: rfc822; Anna.Neri@example.it\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n',
        `Content-Type: text/rfc822-headers\r\n\r\nMessage-ID: ${ours}\r\nSubject: [SEG-2026-000001] Risposta\r\n`,
      ],
    });
    const a = await analyze(raw);
    expect(a.kind).toBe('bounce');
    expect(a.bounce).toMatchObject({
      recipients: ['anna.neri@example.it'],
      status: '5.1.1',
      originalMessageId: ours,
      failure: true,
    });
    expect(a.thread?.reportId).toBe(REPORT);
  });

  it('mail sent by Sportello itself is ignored', async () => {
    const a = await analyze(plainMessage({ messageId: mintMessageId(key, REPORT) }));
    expect(a.kind).toBe('ignored');
  });
});

describe('threading', () => {
  it('mints ids that verify, and refuses forged or altered ones', () => {
    const id = mintMessageId(key, REPORT);
    expect(id).toMatch(/^<seg\.[0-9a-f-]{36}\.[0-9a-f]{32}@sportello>$/);
    expect(verifyMessageId(key, id)).toBe(REPORT);
    expect(verifyMessageId(Buffer.alloc(32, 2), id)).toBeNull();
    expect(verifyMessageId(key, id.replace(REPORT, '0197a3c1-0000-7000-8000-000000000002'))).toBeNull();
  });

  it('a reply to a signed Message-ID is a follow-up of that report', async () => {
    const a = await analyze(
      plainMessage({
        subject: 'Re: la sua segnalazione',
        headers: { 'In-Reply-To': mintMessageId(key, REPORT) },
      }),
    );
    expect(a.kind).toBe('follow-up');
    expect(a.thread).toEqual({ reportId: REPORT, code: null });
  });

  it('a forged Sportello Message-ID attaches to nothing', async () => {
    const forged = `<seg.${REPORT}.0000000011112222333344445555@sportello>`;
    const a = await analyze(plainMessage({ subject: 'Re: ciao', headers: { References: forged } }));
    expect(a.kind).toBe('report');
    expect(a.thread).toBeNull();
  });

  it('a subject tag with a report code is a follow-up candidate by code', async () => {
    const a = await analyze(plainMessage({ subject: 'R: [SEG-2026-000123] Buca in via Roma' }));
    expect(a.kind).toBe('follow-up');
    expect(a.thread).toEqual({ reportId: null, code: '2026-000123' });
  });
});

describe('forwarded mail', () => {
  it('inline "Messaggio inoltrato": the citizen is the reporter, not the colleague', async () => {
    const a = await analyze(
      plainMessage({
        from: 'Mario Rossi <mario.rossi@comune.example.it>',
        subject: 'I: Alberi pericolanti',
        text: 'Vi inoltro.\r\n\r\n---------- Messaggio inoltrato ----------\r\nDa: Carla Blu <carla.blu@example.org>\r\nData: 19 nov 2026\r\nOggetto: Alberi pericolanti\r\nA: mario.rossi@comune.example.it\r\n\r\nNel parco ci sono rami pericolanti.',
      }),
    );
    expect(a.kind).toBe('report');
    expect(a.sender?.address).toBe('mario.rossi@comune.example.it');
    expect(a.reporter).toEqual({ name: 'Carla Blu', address: 'carla.blu@example.org' });
    expect(a.subject).toBe('Alberi pericolanti');
  });

  it('"---------- Forwarded message ---------" from Gmail', async () => {
    const a = await analyze(
      plainMessage({
        from: 'mario.rossi@comune.example.it',
        subject: 'Fwd: Rumori',
        text: '---------- Forwarded message ---------\r\nFrom: Luca Gialli <luca@example.org>\r\nDate: Thu, 19 Nov 2026\r\nSubject: Rumori\r\n\r\nRumori notturni.',
      }),
    );
    expect(a.reporter?.address).toBe('luca@example.org');
  });

  it('attached message/rfc822: the author of the attached message is the reporter', async () => {
    const inner = plainMessage({
      from: 'Carla Blu <carla.blu@example.org>',
      subject: 'Semaforo guasto',
      messageId: '<inner@example.org>',
    });
    const raw = multipartMessage({
      from: 'mario.rossi@comune.example.it',
      subject: 'Fwd: Semaforo guasto',
      parts: [
        textPart('Da gestire.'),
        `Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="originale.eml"\r\n\r\n${inner.toString('utf8')}`,
      ],
    });
    const a = await analyze(raw);
    expect(a.reporter?.address).toBe('carla.blu@example.org');
    expect(a.notes.join(' ')).toContain('inoltrato da mario.rossi@comune.example.it');
  });
});

describe('PEC', () => {
  const daticert = (tipo: string, msgid: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><postacert tipo="${tipo}" errore="nessuno"><intestazione><mittente>cittadino@pec.example.it</mittente><destinatari tipo="certificato">urp@pec.comune.example.it</destinatari><oggetto>Richiesta</oggetto></intestazione><dati><gestore-emittente>PEC Example</gestore-emittente><data zona="+0100"><giorno>20/11/2026</giorno><ora>09:00:00</ora></data><identificativo>opec.123@pec.example.it</identificativo><msgid>${msgid.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</msgid></dati></postacert>`;

  it('a receipt for a Sportello message is a pec-receipt matched to its report', async () => {
    const ours = mintMessageId(key, REPORT);
    const raw = multipartMessage({
      from: 'posta-certificata@pec.example.it',
      subject: 'CONSEGNA: Risposta',
      headers: { 'X-Ricevuta': 'avvenuta-consegna', 'X-Riferimento-Message-ID': ours },
      parts: [
        textPart('Ricevuta di avvenuta consegna'),
        base64Part(
          'Content-Type: application/xml; name="daticert.xml"\r\nContent-Disposition: inline; filename="daticert.xml"',
          Buffer.from(daticert('avvenuta-consegna', ours)),
        ),
      ],
    });
    const a = await analyze(raw);
    expect(a.kind).toBe('pec-receipt');
    expect(a.thread?.reportId).toBe(REPORT);
    expect(a.pec).toMatchObject({ type: 'avvenuta-consegna', identificativo: 'opec.123@pec.example.it' });
  });

  it('an anomaly envelope becomes a report flagged for review, from the message inside', async () => {
    const inner = plainMessage({
      from: 'cittadino@example.org',
      subject: 'Richiesta accesso atti',
      messageId: '<a1@example.org>',
    });
    const raw = multipartMessage({
      from: '"Per conto di: cittadino@example.org" <posta-certificata@pec.example.it>',
      subject: 'ANOMALIA MESSAGGIO: Richiesta accesso atti',
      headers: { 'X-Trasporto': 'errore' },
      parts: [
        textPart('Anomalia nel messaggio'),
        `Content-Type: message/rfc822; name="postacert.eml"\r\nContent-Disposition: inline; filename="postacert.eml"\r\n\r\n${inner.toString('utf8')}`,
      ],
    });
    const a = await analyze(raw);
    expect(a.kind).toBe('report');
    expect(a.channel).toBe('pec');
    expect(a.needsReview).toBe(true);
    expect(a.pec?.type).toBe('anomalia');
    expect(a.subject).toBe('Richiesta accesso atti');
    expect(a.reporter?.address).toBe('cittadino@example.org');
  });
});

describe('unreadable input', () => {
  it('garbage still yields a report flagged for review', async () => {
    const a = await analyze(Buffer.from([0, 1, 2, 3, 255, 254, 0, 10, 10, 0]));
    expect(a.kind).toBe('report');
    expect(a.needsReview).toBe(true);
  });
});
