/** "Prova connessione": opens the mailbox once and explains failures in plain Italian. */
import { imapClient, type ImapMailboxConfig } from './imap-source';

export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  messages: number | null;
}

export function explainImapError(
  e: unknown,
  cfg: Pick<ImapMailboxConfig, 'host' | 'port' | 'security'>,
): string {
  const err = e as { code?: string; message?: string; authenticationFailed?: boolean; responseText?: string };
  const where = `${cfg.host}:${cfg.port}`;
  const msg = `${err.code ?? ''} ${err.message ?? ''} ${err.responseText ?? ''}`;
  if (err.authenticationFailed || /AUTHENTICATIONFAILED|authentication failed|invalid credentials/i.test(msg))
    return 'Nome utente o password errati: il server ha rifiutato l’accesso.';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN')
    return `Server «${cfg.host}» non trovato: controlla il nome del server.`;
  if (err.code === 'ECONNREFUSED')
    return `Il server ${where} rifiuta la connessione: controlla porta e tipo di sicurezza (TLS 993, STARTTLS 143).`;
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH')
    return `Il server ${where} non è raggiungibile dalla rete.`;
  if (/ETIMEDOUT|timeout|timed out/i.test(msg))
    return `Il server ${where} non risponde: controlla indirizzo, porta e firewall.`;
  if (/SSL|TLS|certificate|EPROTO|wrong version number|self.signed/i.test(msg))
    return `Connessione protetta non riuscita con ${where}: ${cfg.security === 'tls' ? 'il server forse non usa TLS diretto su questa porta (prova STARTTLS)' : 'certificato del server non valido o TLS non supportato'}.`;
  if (/ECONNRESET|closed|Connection not available/i.test(msg))
    return `Il server ${where} ha chiuso la connessione inattesa.`;
  return `Connessione non riuscita: ${err.message ?? String(e)}`;
}

export async function testImapConnection(
  cfg: Omit<ImapMailboxConfig, 'id'>,
  timeoutMs = 10_000,
): Promise<ConnectionTestResult> {
  const client = imapClient(cfg, timeoutMs);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    return { ok: false, message: explainImapError(e, cfg), messages: null };
  }
  try {
    const st = await client.status(cfg.folder, { messages: true });
    if (!st)
      return {
        ok: false,
        message: `La cartella «${cfg.folder}» non esiste in questa casella.`,
        messages: null,
      };
    return {
      ok: true,
      message: `Connessione riuscita: la cartella «${cfg.folder}» contiene ${st.messages ?? 0} messaggi.`,
      messages: st.messages ?? 0,
    };
  } catch {
    return {
      ok: false,
      message: `La cartella «${cfg.folder}» non esiste in questa casella.`,
      messages: null,
    };
  } finally {
    try {
      await client.logout();
    } catch {
      client.close();
    }
  }
}
