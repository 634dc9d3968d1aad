/**
 * Is a citizen's address failing? Read from what already happened to mail sent to it:
 * a bounce (mail_bounce, failedAddresses), a PEC non-delivery receipt (pec_receipt of
 * type errore-consegna, destinatari), or a send the SMTP server refused for good (an
 * outbox row in error). A later sign that the address works clears it: the citizen
 * wrote from it (mail_received, mail_in) or a PEC delivery receipt names it. The
 * latest event wins.
 */

export interface DeliveryEvent {
  at: number;
  action: string;
  data: Record<string, unknown> | null;
}

export interface DeliveryTrouble {
  at: number;
  source: 'bounce' | 'pec' | 'smtp';
  /** Italian, for the reporter panel and the rubrica. */
  reason: string;
}

const PEC_FAILURES = new Set(['errore-consegna', 'preavviso-errore-consegna']);

const lower = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : null);
const addresses = (v: unknown) =>
  Array.isArray(v) ? v.map(lower).filter((x): x is string => !!x) : ([] as string[]);
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** An outbox row the SMTP server refused, as an event. */
export const smtpFailureEvent = (to: string, error: string | null, at: number): DeliveryEvent => ({
  at,
  action: 'smtp_failed',
  data: { to, error },
});

type Verdict = { ok: true } | { ok: false; trouble: DeliveryTrouble } | null;

function verdictOf(e: DeliveryEvent, email: string): Verdict {
  const d = e.data ?? {};
  switch (e.action) {
    case 'mail_bounce':
      if (!addresses(d.failedAddresses).includes(email)) return null;
      return {
        ok: false,
        trouble: {
          at: e.at,
          source: 'bounce',
          reason: `Email non recapitata${text(d.diagnostic) ? `: ${text(d.diagnostic)}` : ''}`,
        },
      };
    case 'pec_receipt': {
      if (!addresses(d.destinatari).includes(email)) return null;
      if (d.type === 'avvenuta-consegna') return { ok: true };
      if (!PEC_FAILURES.has(String(d.type))) return null;
      const why = text(d.erroreEsteso) ?? text(d.errore);
      return {
        ok: false,
        trouble: { at: e.at, source: 'pec', reason: `PEC non consegnata${why ? `: ${why}` : ''}` },
      };
    }
    case 'smtp_failed':
      if (lower(d.to) !== email) return null;
      return {
        ok: false,
        trouble: {
          at: e.at,
          source: 'smtp',
          reason: text(d.error) ?? 'Il server SMTP ha rifiutato il messaggio',
        },
      };
    case 'mail_received':
    case 'mail_in': {
      const from = d.from && typeof d.from === 'object' ? (d.from as Record<string, unknown>).address : null;
      return lower(from) === email ? { ok: true } : null;
    }
    default:
      return null;
  }
}

export function addressTrouble(
  events: readonly DeliveryEvent[],
  email: string | null,
): DeliveryTrouble | null {
  const me = lower(email);
  if (!me) return null;
  let last: { at: number; v: NonNullable<Verdict> } | null = null;
  for (const e of events) {
    const v = verdictOf(e, me);
    // Ties: a failure wins over a success at the same instant (the safer thing to show).
    if (v && (!last || e.at > last.at || (e.at === last.at && !v.ok))) last = { at: e.at, v };
  }
  return last && !last.v.ok ? last.v.trouble : null;
}
