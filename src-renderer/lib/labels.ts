import type { OutcomeKind, Permission, Role } from '../../src-shared/domain/types';

export { STATUS_LABELS } from '../../src-shared/domain/status';

export { CHANNEL_LABELS, PRIORITY_LABELS } from '../../src-shared/domain/labels';

export const OUTCOME_KIND_LABELS: Record<OutcomeKind, string> = {
  resolved: 'Risolto',
  not_resolved: 'Non risolto',
  not_competent: 'Non di competenza',
  suspended: 'Sospeso',
};

export const ROLE_LABELS: Record<Role, string> = {
  amministratore: 'Amministratore',
  operatore: 'Operatore',
  fornitore: 'Fornitore',
};

export const PERMISSION_LABELS: Record<Permission, string> = {
  canReply: 'Può rispondere',
  majorEdits: 'Modifiche principali',
  seesReporterData: 'Vede i dati dei segnalatori',
  statistics: 'Statistiche',
  export: 'Esportazione',
};

export const entries = <K extends string>(rec: Record<K, string>) => Object.entries(rec) as [K, string][];
