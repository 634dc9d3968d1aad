/** What a mutation did, in Italian, for notices about refused work. */
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
