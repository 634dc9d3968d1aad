/** Hand-written test messages (RFC 5322 text), small and readable. */
export interface MsgOpts {
  from?: string;
  to?: string;
  subject?: string;
  messageId?: string | null;
  date?: string;
  headers?: Record<string, string>;
  text?: string;
}

export function plainMessage(o: MsgOpts = {}): Buffer {
  const lines = [
    `From: ${o.from ?? 'Anna Neri <anna.neri@example.it>'}`,
    `To: ${o.to ?? 'urp@comune.example.it'}`,
    `Subject: ${o.subject ?? 'Buca in via Roma'}`,
    `Date: ${o.date ?? 'Fri, 20 Nov 2026 09:00:00 +0100'}`,
    ...(o.messageId === null ? [] : [`Message-ID: ${o.messageId ?? '<m1@example.it>'}`]),
    ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    o.text ?? 'Buongiorno, in via Roma 12 c’è una buca pericolosa.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** multipart/mixed with a text part and attachments given as raw part text. */
export function multipartMessage(o: MsgOpts & { parts: string[]; contentType?: string }): Buffer {
  const b = 'b0undary-test';
  const lines = [
    `From: ${o.from ?? 'Anna Neri <anna.neri@example.it>'}`,
    `To: ${o.to ?? 'urp@comune.example.it'}`,
    `Subject: ${o.subject ?? 'Segnalazione'}`,
    `Date: ${o.date ?? 'Fri, 20 Nov 2026 09:00:00 +0100'}`,
    ...(o.messageId === null ? [] : [`Message-ID: ${o.messageId ?? '<m2@example.it>'}`]),
    ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    `Content-Type: ${o.contentType ?? 'multipart/mixed'}; boundary="${b}"`,
    '',
    ...o.parts.flatMap((p) => [`--${b}`, p]),
    `--${b}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

export const textPart = (text: string, charset = 'utf-8') =>
  `Content-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}\r\n`;

export const base64Part = (headers: string, data: Buffer) =>
  `${headers}\r\nContent-Transfer-Encoding: base64\r\n\r\n${data.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`;

/** A minimal TNEF (winmail.dat) stream holding one attached file. */
export function tnefWith(name: string, content: Buffer): Buffer {
  const attr = (level: number, id: number, type: number, data: Buffer) => {
    const h = Buffer.alloc(9);
    h.writeUInt8(level, 0);
    h.writeUInt16LE(id, 1);
    h.writeUInt16LE(type, 3);
    h.writeUInt32LE(data.length, 5);
    let sum = 0;
    for (const x of data) sum = (sum + x) & 0xffff;
    const c = Buffer.alloc(2);
    c.writeUInt16LE(sum, 0);
    return Buffer.concat([h, data, c]);
  };
  const sig = Buffer.alloc(6);
  sig.writeUInt32LE(0x223e9f78, 0);
  sig.writeUInt16LE(1, 4);
  return Buffer.concat([
    sig,
    attr(1, 0x9006, 0x0008, Buffer.from([0, 0, 1, 0])),
    attr(2, 0x9002, 0x0006, Buffer.alloc(14)),
    attr(2, 0x8010, 0x0001, Buffer.from(name + '\0', 'latin1')),
    attr(2, 0x800f, 0x0006, content),
  ]);
}
