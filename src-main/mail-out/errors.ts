/** SMTP failures in Italian, and whether trying again later may help. */

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

export type Verdict = 'retry' | 'wait' | 'fail';

/**
 * 'wait': the server cannot be reached or refused our login — the message is not at
 *   fault, so it waits (no limit on attempts) until the server or the account is fixed;
 * 'retry': a temporary refusal (4xx), tried again a limited number of times;
 * 'fail': a permanent refusal (5xx) of this message.
 */
export function verdictOf(err: unknown): Verdict {
  const e = (err ?? {}) as SmtpError;
  if (e.code === 'EAUTH') return 'wait';
  if (typeof e.responseCode === 'number') {
    if (e.responseCode >= 500) return 'fail';
    if (e.responseCode >= 400) return 'retry';
  }
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return 'fail';
  return 'wait';
}

export function italianSmtpError(err: unknown, host?: string, port?: number): string {
  const e = (err ?? {}) as SmtpError;
  const where = host ? ` ${host}${port ? `:${port}` : ''}` : '';
  const detail = (e.response ?? e.message ?? '').toString().slice(0, 300);
  if (e.code === 'EAUTH')
    return `Accesso rifiutato dal server SMTP${where}: controlla nome utente e password. (${detail})`;
  if (/tls|ssl|certificate|wrong version number/i.test(e.message ?? '') || e.code === 'ETLS')
    return `Connessione sicura (TLS) con il server SMTP${where} non riuscita: ${tlsReason(e.message ?? '')}.`;
  if (typeof e.responseCode === 'number') {
    if (e.responseCode >= 500) return `Il server SMTP ha rifiutato il messaggio: ${detail}`;
    return `Il server SMTP ha rinviato il messaggio (errore temporaneo): ${detail}`;
  }
  if (['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'EHOSTUNREACH'].includes(e.code ?? ''))
    return `Server SMTP${where} non raggiungibile: ${networkReason(`${e.code ?? ''} ${e.message ?? ''}`)}.`;
  return `Invio non riuscito: ${detail || 'errore sconosciuto'}`;
}

/** Node's socket error names, said in Italian (a clerk cannot do anything with "ECONNREFUSED"). */
function networkReason(raw: string): string {
  if (/ECONNREFUSED/.test(raw))
    return 'il server rifiuta la connessione su questa porta (controlla la porta)';
  if (/ENOTFOUND|EAI_AGAIN|EDNS/.test(raw)) return 'nome del server sconosciuto (controlla l’indirizzo)';
  if (/ETIMEDOUT|timeout/i.test(raw))
    return 'il server non risponde (controlla l’indirizzo, la porta e la rete)';
  if (/EHOSTUNREACH|ENETUNREACH/.test(raw)) return 'rete non raggiungibile (controlla la connessione)';
  if (/ECONNRESET|closed/i.test(raw))
    return 'il server ha chiuso la connessione (controlla la porta e la sicurezza)';
  return 'controlla l’indirizzo, la porta e la rete';
}

/** TLS failures without OpenSSL's internals: what to change in the form. */
function tlsReason(raw: string): string {
  if (/STARTTLS/i.test(raw))
    return 'il server non accetta STARTTLS su questa porta (prova «TLS» sulla porta 465, o «Nessuna» in una rete fidata)';
  if (/wrong version number|packet length too long|unknown protocol/i.test(raw))
    return 'su questa porta il server non parla TLS (prova «STARTTLS», di solito sulla porta 587)';
  if (/self.signed|certificate|unable to verify|CERT_/i.test(raw))
    return 'il certificato del server non è valido o non è riconosciuto (chiedi al gestore della posta)';
  return 'controlla la porta e il tipo di sicurezza (TLS, STARTTLS, nessuna)';
}
