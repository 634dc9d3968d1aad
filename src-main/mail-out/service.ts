/**
 * Mail-out inside a core: the onApplied hook that writes emails with the mutations
 * causing them (on the authority only), the sender loop, the SMTP account, the test
 * email. With a sync server the server is the sending node (src-server/mail-out) and a
 * synced PC forwards the settings and outbox calls to it (core/handlers-mailout-remote.ts).
 */
import type { CoreServices } from '../core/context';
import { createKeyFileCipher, threadingKey, type PasswordCipher } from '../mail/secrets';
import { getSyncState } from '../sync/sync-repo';
import { mailOutHook } from './compose';
import { supplierMailHook } from './supplier-hooks';
import { ruleReplyHook } from './rule-replies';
import { italianSmtpError } from './errors';
import { createMailSender, messageOf, smtpTransport, type SmtpConfig } from './sender';
import { getSmtp, type SmtpAccount } from './settings-repo';

export interface MailOutOptions {
  services: CoreServices;
  dataDir: string;
  /** Shared with mail-in: the SMTP password is sealed like the IMAP ones. */
  cipher?: () => PasswordCipher;
  /** Test knobs of the sender (backoff, staleness). */
  sender?: { baseBackoffMs?: number; staleMs?: number; maxAttempts?: number };
  /** Rows changed state (sent, failed): the window refreshes those reports. */
  onUpdate?: (reportIds: string[]) => void;
}

export function createMailOutService(o: MailOutOptions) {
  const { db, store, clock, newId } = o.services;
  let cipherCache: PasswordCipher | null = null;
  const cipher = o.cipher ?? (() => (cipherCache ??= createKeyFileCipher(o.dataDir)));
  let key: Buffer | null = null;
  const threadKey = () => (key ??= threadingKey(o.dataDir));
  /** A PC connected to a sync server neither derives nor sends: the server does, once. */
  const isAuthority = () => getSyncState(db) === null;

  const configOf = (a: SmtpAccount): SmtpConfig => ({
    host: a.host,
    port: a.port,
    security: a.security,
    username: a.username,
    password: a.passwordSealed ? cipher().decrypt(a.passwordSealed) : '',
    fromAddress: a.fromAddress,
    fromName: a.fromName,
    replyTo: a.replyTo,
  });

  const sender = createMailSender({
    db,
    clock,
    account: () => {
      const a = getSmtp(db);
      return a?.enabled ? configOf(a) : null;
    },
    readAttachment: (sha) => o.services.files.read(sha),
    ...o.sender,
    onUpdate: o.onUpdate,
  });

  store.onApplied(mailOutHook({ db, newId, threadKey, ente: o.services.municipality }, isAuthority));
  store.onApplied(supplierMailHook({ db, newId, threadKey, ente: o.services.municipality }, isAuthority));
  store.onApplied(ruleReplyHook({ db, newId, threadKey, ente: o.services.municipality }, isAuthority));
  // Whatever a mutation queued goes out right after its transaction committed.
  store.onChange(() => void sender.poke());

  return {
    sender,
    cipher,
    threadKey,
    isAuthority,
    start: () => void sender.poke(),
    stop: () => sender.stop(),
    /** "Invia email di prova": straight to the server, not through the outbox. */
    async sendTest(to: string): Promise<{ ok: boolean; message: string }> {
      const a = getSmtp(db);
      if (!a) return { ok: false, message: 'Configura prima l’account SMTP e salvalo.' };
      const cfg = configOf(a);
      const t = smtpTransport(cfg, false);
      try {
        await t.sendMail(
          messageOf(cfg, {
            to,
            subject: `Email di prova da Sportello – ${o.services.municipality()}`,
            text: 'Questa è un’email di prova inviata da Sportello: l’account SMTP funziona.\n',
            html: null,
            messageId: `<prova.${newId()}@sportello>`,
            headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
          }),
        );
        return { ok: true, message: `Email di prova inviata a ${to}.` };
      } catch (e) {
        return { ok: false, message: italianSmtpError(e, cfg.host, cfg.port) };
      } finally {
        t.close();
      }
    },
  };
}

export type MailOutService = ReturnType<typeof createMailOutService>;
