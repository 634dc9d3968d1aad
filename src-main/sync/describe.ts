/** What a mutation did, in Italian, for notices about refused work. */
import type { Sqlite } from '../db/migrate';
import { stmt } from '../db/repos/stmt';
import { insertNotice } from './sync-repo';

const WHAT: Record<string, string> = {
  'report.create': 'Inserimento della segnalazione',
  'report.update': 'Modifica dei dati della segnalazione',
  'report.setStatus': 'Presa in gestione',
  'report.close': 'Chiusura della segnalazione',
  'report.reopen': 'Riapertura della segnalazione',
  'report.assign': 'Assegnazione',
  'report.unassign': 'Rimozione di un’assegnazione',
  'report.addNote': 'Nota nel registro',
  'report.addAttachment': 'Aggiunta di un allegato',
  'report.removeAttachment': 'Rimozione di un allegato',
  'report.addReporter': 'Aggiunta di un segnalatore',
  'report.removeReporter': 'Rimozione di un segnalatore',
  'reporter.save': 'Modifica della rubrica',
  'category.save': 'Modifica delle categorie',
  'outcome.save': 'Modifica degli esiti',
  'user.save': 'Modifica di un utente',
  'group.save': 'Modifica di un gruppo',
};

export const describeMutation = (name: string) => WHAT[name] ?? `Operazione «${name}»`;

/** The report a mutation was about, from its arguments. */
export function reportIdOfArgs(name: string, args: unknown): string | null {
  if (!args || typeof args !== 'object') return null;
  const a = args as { reportId?: unknown; id?: unknown };
  if (typeof a.reportId === 'string') return a.reportId;
  if (name === 'report.create' && typeof a.id === 'string') return a.id;
  return null;
}

/**
 * Records a notice for every mutation of a pushed batch the server refused: it names the
 * report (by its code on this PC), what was not applied and the server's reason, and
 * stays until the clerk acknowledges it.
 */
export function noteRejections(
  db: Sqlite,
  clientId: string,
  batch: readonly { seq: number; name: string; args: unknown }[],
  outcomes: readonly { seq: number; status: string; error?: { message: string } | null }[],
  now: number,
): void {
  for (const o of outcomes) {
    if (o.status !== 'rejected' || !o.error) continue;
    const m = batch.find((x) => x.seq === o.seq);
    if (!m) continue;
    const reportId = reportIdOfArgs(m.name, m.args);
    const code = reportId
      ? ((stmt(db, 'SELECT code FROM reports WHERE id = ?').get(reportId) as { code: string } | undefined)
          ?.code ?? null)
      : null;
    insertNotice(db, {
      id: `${clientId}:${m.seq}`,
      at: now,
      reportId,
      reportCode: code,
      mutationName: m.name,
      what: describeMutation(m.name),
      message: o.error.message,
    });
  }
}
