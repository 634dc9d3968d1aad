/** A real SMTP server on loopback (smtp-server) that keeps what it accepted, parsed. */
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export type SinkAnswer = 'accept' | 'temporary' | 'permanent';

export interface SmtpSink {
  port: number;
  received: ParsedMail[];
  raw: string[];
  /** How the next messages are answered (default accept). */
  answer: SinkAnswer;
  /** Runs after the DATA arrived and before the server answers (crash tests). */
  beforeAnswer: ((n: number) => void | Promise<void>) | null;
  close(): Promise<void>;
}

export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const sink: SmtpSink = {
    port: 0,
    received: [],
    raw: [],
    answer: 'accept',
    beforeAnswer: null,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        void (async () => {
          if (sink.answer === 'temporary')
            return cb(Object.assign(new Error('Casella occupata, riprova'), { responseCode: 451 }));
          if (sink.answer === 'permanent')
            // Quoting the recipient, as real servers do.
            return cb(
              Object.assign(new Error(`<${session.envelope.rcptTo[0]?.address ?? ''}>: Utente sconosciuto`), {
                responseCode: 550,
              }),
            );
          const raw = Buffer.concat(chunks);
          sink.raw.push(raw.toString('utf8'));
          sink.received.push(await simpleParser(raw));
          await sink.beforeAnswer?.(sink.received.length);
          cb();
        })();
      });
    },
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  sink.port = (server.server.address() as AddressInfo).port;
  return sink;
}
