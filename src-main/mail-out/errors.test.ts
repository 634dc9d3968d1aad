/** SMTP failures as a clerk reads them: real nodemailer errors against loopback. */
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { italianSmtpError, verdictOf } from './errors';
import { smtpTransport } from './sender';
import { startSmtpSink } from './testing/smtp-sink';

const account = (port: number) => ({
  host: '127.0.0.1',
  port,
  security: 'none' as const,
  username: '',
  password: '',
  fromAddress: 'a@example.it',
  fromName: 'Comune',
  replyTo: null,
});

async function failureOf(port: number): Promise<unknown> {
  const t = smtpTransport(account(port), false);
  try {
    await t.sendMail({ from: 'a@example.it', to: 'b@example.it', subject: 's', text: 't' });
    return null;
  } catch (e) {
    return e;
  } finally {
    t.close();
  }
}

describe('italianSmtpError', () => {
  it('a refused connection: Italian reason, no socket jargon, the message waits', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const err = await failureOf(port);
    expect(err).not.toBeNull();
    const msg = italianSmtpError(err, '127.0.0.1', port);
    expect(msg).toBe(
      `Server SMTP 127.0.0.1:${port} non raggiungibile: il server rifiuta la connessione su questa porta (controlla la porta).`,
    );
    expect(verdictOf(err)).toBe('wait');
  });

  it('a server that hangs up at once: closed connection, said in Italian', async () => {
    const s = createServer((sock) => sock.destroy());
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as AddressInfo).port;
    const err = await failureOf(port);
    s.close();
    const msg = italianSmtpError(err, '127.0.0.1', port);
    expect(msg).toMatch(
      /^Server SMTP 127\.0\.0\.1:\d+ non raggiungibile: il server ha chiuso la connessione/,
    );
    expect(msg).not.toMatch(/ECONN|Error/);
  });

  it('TLS on the wrong port or STARTTLS refused: what to change, without OpenSSL internals', async () => {
    const sink = await startSmtpSink();
    try {
      for (const [security, expected] of [
        ['tls', /non riuscita: su questa porta il server non parla TLS \(prova «STARTTLS»/],
        ['starttls', /non riuscita: il server non accetta STARTTLS su questa porta/],
      ] as const) {
        const t = smtpTransport({ ...account(sink.port), security }, false);
        const err = await t
          .sendMail({ from: 'a@example.it', to: 'b@example.it', subject: 's', text: 't' })
          .then(
            () => null,
            (e: unknown) => e,
          );
        t.close();
        const msg = italianSmtpError(err, '127.0.0.1', sink.port);
        expect(msg).toMatch(/^Connessione sicura \(TLS\) con il server SMTP 127\.0\.0\.1:\d+ /);
        expect(msg).toMatch(expected);
        expect(msg).not.toMatch(/ssl3|openssl|Error/i);
      }
    } finally {
      await sink.close();
    }
  });

  it('5xx and 4xx keep the server’s own words', () => {
    expect(italianSmtpError({ responseCode: 550, response: '550 Utente sconosciuto' })).toBe(
      'Il server SMTP ha rifiutato il messaggio: 550 Utente sconosciuto',
    );
    expect(verdictOf({ responseCode: 451 })).toBe('retry');
    expect(verdictOf({ responseCode: 550 })).toBe('fail');
  });
});
