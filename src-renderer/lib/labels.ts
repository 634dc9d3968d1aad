import type { Channel, OutcomeKind, Permission, Priority, Role } from '../../src-shared/domain/types';

export { STATUS_LABELS } from '../../src-shared/domain/status';

export const CHANNEL_LABELS: Record<Channel, string> = {
  sportello: 'Sportello',
  telefono: 'Telefono',
  email: 'Email',
  pec: 'PEC',
  web: 'Web',
  app: 'App',
  interno: 'Interno',
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  bassa: 'Bassa',
  normale: 'Normale',
  alta: 'Alta',
  urgente: 'Urgente',
};

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
