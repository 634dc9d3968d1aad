/**
 * What the sync indicator, banner and screen say: pure functions of the status the
 * core reports, so the wording is tested without a window.
 */
import type { ApiError, NoticeView, SyncStatusView } from '../../src-shared/api';
import { formatCount, formatDateTime } from './format';

export type SyncPhase = SyncStatusView['phase'];
export type SyncProgress = NonNullable<SyncStatusView['progress']>;

/** Colour family of the indicator dot; the label always says the same in words. */
export type SyncTone = 'ok' | 'busy' | 'warn' | 'danger' | 'none';

export const PHASE_LABELS: Record<SyncPhase, string> = {
  standalone: 'Non collegato a un server',
  online: 'Sincronizzato',
  offline: 'Non in linea',
  syncing: 'Sincronizzazione…',
  bootstrapping: 'Primo scaricamento…',
  unauthenticated: 'Accesso al server richiesto',
  update_required: 'Aggiorna Sportello',
};

export function phaseTone(phase: SyncPhase): SyncTone {
  switch (phase) {
    case 'online':
      return 'ok';
    case 'syncing':
    case 'bootstrapping':
      return 'busy';
    case 'offline':
    case 'unauthenticated':
      return 'warn';
    case 'update_required':
      return 'danger';
    default:
      return 'none';
  }
}

/** Whole percentage of a bootstrap, or null while the server has not estimated the total. */
export function progressPercent(p: SyncProgress | null | undefined): number | null {
  if (!p || p.total == null || p.total <= 0) return null;
  return Math.max(0, Math.min(100, Math.floor((p.rows / p.total) * 100)));
}

/** "123.456 di 1.000.000 righe — 12%", or "123.456 righe ricevute" without a total. */
export function progressText(p: SyncProgress | null | undefined): string {
  if (!p) return '';
  const pct = progressPercent(p);
  if (pct === null || p.total == null) {
    return p.rows === 1 ? '1 riga ricevuta' : `${formatCount(p.rows)} righe ricevute`;
  }
  return `${formatCount(p.rows)} di ${formatCount(p.total)} righe — ${pct}%`;
}

export function pendingText(n: number): string {
  if (n <= 0) return 'Nessuna modifica in attesa';
  return n === 1 ? '1 modifica in attesa' : `${formatCount(n)} modifiche in attesa`;
}

/** The short label beside the dot in the top bar. */
export function indicatorLabel(s: Pick<SyncStatusView, 'phase' | 'pending' | 'progress'>): string {
  if (s.phase === 'bootstrapping') {
    const pct = progressPercent(s.progress);
    return pct === null ? PHASE_LABELS.bootstrapping : `Primo scaricamento… ${pct}%`;
  }
  if (s.phase === 'offline' && s.pending > 0) return `${PHASE_LABELS.offline} · ${pendingText(s.pending)}`;
  return PHASE_LABELS[s.phase];
}

export function lastSyncText(lastSyncAt: number | null): string {
  return lastSyncAt == null ? 'Mai sincronizzato' : `Ultima sincronizzazione: ${formatDateTime(lastSyncAt)}`;
}

/** What the indicator adds to its label for the tooltip and for screen readers. */
export function indicatorDetails(s: Pick<SyncStatusView, 'phase' | 'pending' | 'lastSyncAt'>): string[] {
  const details = [lastSyncText(s.lastSyncAt)];
  // Offline, the label already counts the pending changes.
  if (!(s.phase === 'offline' && s.pending > 0)) details.push(pendingText(s.pending));
  return details;
}

/** Tooltip of the indicator: label first (as seen), then last sync and pending work. */
export function indicatorDescription(
  s: Pick<SyncStatusView, 'phase' | 'pending' | 'progress' | 'lastSyncAt'>,
): string {
  return [indicatorLabel(s), ...indicatorDetails(s)].join(' · ');
}

/**
 * What the live region announces: the phase only, never the percentage, so a screen
 * reader hears "Primo scaricamento" once instead of every progress tick.
 */
export function phaseAnnouncement(phase: SyncPhase): string {
  return phase === 'standalone' ? '' : `Stato della sincronizzazione: ${PHASE_LABELS[phase]}`;
}

/** "Segnalazione 2026-000123 — Chiusura della segnalazione non applicata: <motivo>". */
export function noticeText(n: Pick<NoticeView, 'reportCode' | 'what' | 'message'>): string {
  const head = `${n.what} non applicata: ${n.message}`;
  return n.reportCode ? `Segnalazione ${n.reportCode} — ${head}` : head;
}

/** Replacing this PC's local data needs an explicit confirmation (a checkbox). */
export function needsReplaceConfirmation(error: ApiError, sentReplace: boolean): boolean {
  return error.code === 'confirmation_required' && !sentReplace;
}

/** The connect form's error, with a next step where the core's message lacks one. */
export function connectErrorText(error: ApiError): string {
  switch (error.code) {
    case 'forbidden':
      return `${error.message} Accedi come amministratore e riprova dalla pagina Sincronizzazione.`;
    case 'unauthenticated':
      return /password|credenzial/i.test(error.message)
        ? error.message
        : `${error.message} Controlla nome utente e password.`;
    default:
      if (/non raggiungibile/i.test(error.message)) {
        return `${error.message} Controlla l’indirizzo del server e la connessione di rete; su questo PC non è cambiato nulla.`;
      }
      return error.message;
  }
}
