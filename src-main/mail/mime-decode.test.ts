/** Native header and body decoding, the parts mailparser used to do for the intake. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodyParts, decodeWords, headerAddresses, headerText, idTokens } from './mime-decode';
import { decodeBody, parseMimeTree } from './mime-tree';
import { parseMail } from './parse';
import { base64Part, multipartMessage, textPart } from './testing/messages';

describe('mime-decode', () => {
  it('decodes encoded words, joining adjacent ones even when a character is split between them', () => {
    const euro = Buffer.from('Città €', 'utf8');
    const a = euro.subarray(0, 8).toString('base64');
    const b = euro.subarray(8).toString('base64');
    expect(decodeWords(`=?UTF-8?B?${a}?= \r\n =?utf-8?B?${b}?= ok`)).toBe('Città € ok');
    expect(decodeWords('=?ISO-8859-1?Q?Niccol=F2_Rossi?=')).toBe('Niccolò Rossi');
    expect(decodeWords('=?windows-1252?Q?=80_100?= e basta')).toBe('€ 100 e basta');
    expect(decodeWords('nessuna parola codificata')).toBe('nessuna parola codificata');
  });

  it('reads raw UTF-8 headers, addresses with encoded names and groups, Message-ID tokens', () => {
    const raw = Buffer.from(
      [
        'From: =?UTF-8?B?TmljY29sw7I=?= <Niccolo@Example.IT>',
        'To: Ufficio: a@x.it, "Rossi, M" <m@x.it>;, b@y.it',
        'Subject: Perdita d’acqua in via Po',
        'References: <a@x> <b@y>\r\n <c@z>',
        '',
        'corpo',
      ].join('\r\n'),
      'utf8',
    );
    const tree = parseMimeTree(raw);
    expect(headerAddresses(tree, 'from')).toEqual([{ name: 'Niccolò', address: 'niccolo@example.it' }]);
    expect(headerAddresses(tree, 'to').map((a) => a.address)).toEqual(['a@x.it', 'm@x.it', 'b@y.it']);
    expect(headerText(tree, 'subject')).toBe('Perdita d’acqua in via Po');
    expect(idTokens(headerText(tree, 'references'))).toEqual(['<a@x>', '<b@y>', '<c@z>']);
  });

  it('splits body text, HTML and attachments; RFC 2231 names; cid images inline; latin1 text', async () => {
    const raw = multipartMessage({
      contentType: 'multipart/mixed',
      parts: [
        textPart('Caff\u00e8 rovesciato', 'iso-8859-1').replace('8bit', '8bit'),
        'Content-Type: text/html; charset=utf-8\r\n\r\n<p>Ciao <img src="cid:foto1"></p>\r\n',
        base64Part(
          "Content-Type: image/png\r\nContent-ID: <foto1>\r\nContent-Disposition: inline; filename*=utf-8''foto%20citt%C3%A0.png",
          Buffer.from('png-bytes'),
        ),
        base64Part(
          'Content-Type: application/pdf; name="=?UTF-8?Q?verbale_n=C2=B01.pdf?="',
          Buffer.alloc(3000, 7),
        ),
      ],
    });
    // The latin1 part must carry latin1 bytes, as a real client would send them.
    const latin1 = Buffer.from(raw.toString('utf8').replace('Caffè', 'Caff\u00e8'), 'latin1');
    const parts = bodyParts(parseMimeTree(latin1));
    expect(parts.texts).toEqual(['Caffè rovesciato\r\n']);
    expect(parts.htmls).toHaveLength(1);
    expect(parts.attachments.map((a) => [a.fileName, a.mime, a.cid, a.inline])).toEqual([
      ['foto città.png', 'image/png', 'foto1', true],
      ['verbale n°1.pdf', 'application/pdf', null, false],
    ]);
    expect(parts.attachments[1]!.content().equals(Buffer.alloc(3000, 7))).toBe(true);
    const m = await parseMail(latin1);
    expect(m.text).toBe('Caffè rovesciato');
    expect(m.html).toContain('data-cid="foto1"');
    expect(m.attachments.map((a) => a.size)).toEqual([9, 3000]);
  });

  it('reads a delivery report’s machine part as text (bounce parsing looks there)', () => {
    const raw = multipartMessage({
      contentType: 'multipart/report; report-type=delivery-status',
      parts: [
        textPart('Consegna non riuscita.'),
        'Content-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; x@y.it\r\nStatus: 5.1.1\r\n',
      ],
    });
    const parts = bodyParts(parseMimeTree(raw));
    expect(parts.texts.join('\n')).toContain('Status: 5.1.1');
    expect(parts.attachments).toEqual([]);
  });

  it('decodes a large base64 attachment a piece at a time, byte for byte, whatever its lines look like', () => {
    const data = randomBytes(900_000);
    const lines = (width: number, eol: string) =>
      data.toString('base64').replace(new RegExp(`.{${width}}`, 'g'), `$&${eol}`);
    const std = lines(76, '\r\n');
    const bodies = {
      std,
      lf: lines(76, '\n'),
      w64: lines(64, '\r\n'),
      odd: lines(57, '\r\n'),
      unbroken: data.toString('base64'),
      stray: std.slice(0, 200_000) + ' *' + std.slice(200_000),
      ragged: std.replace('\r\n', '\r\n\r\n'),
      trailing: `${std}\r\n\r\n \r\n`,
    };
    for (const [name, body] of Object.entries(bodies)) {
      const raw = Buffer.from(
        `Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}`,
        'latin1',
      );
      expect(decodeBody(parseMimeTree(raw)).equals(data), name).toBe(true);
    }
    // Two encodings glued together (padding mid-body): decoded as Buffer's decoder reads the whole.
    const a = data.subarray(0, 300_001).toString('base64').replace(/.{76}/g, '$&\r\n');
    const b = data.subarray(300_001).toString('base64').replace(/.{76}/g, '$&\r\n');
    const glued = `${a}\r\n${b}`;
    const node = parseMimeTree(Buffer.from(`Content-Transfer-Encoding: base64\r\n\r\n${glued}`, 'latin1'));
    expect(decodeBody(node).equals(Buffer.from(glued, 'base64'))).toBe(true);
  });

  it('keeps part bodies as views into the message: an 8bit part is not copied', () => {
    const raw = multipartMessage({
      parts: [textPart('Testo.'), 'Content-Type: application/octet-stream\r\n\r\nbyte grezzi\r\n'],
    });
    const tree = parseMimeTree(raw);
    const part = tree.children[1]!;
    expect(part.body.buffer).toBe(raw.buffer);
    expect(decodeBody(part).toString('latin1')).toBe('byte grezzi\r\n');
    expect(part.rawBody).toBe('byte grezzi\r\n');
  });
});
