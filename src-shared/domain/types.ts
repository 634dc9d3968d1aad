// Domain vocabulary shared by the core, the sync server and the renderer.
// Plain TypeScript: no Node, no DOM.

/** 'aggregata': merged into another report (mergedInto), read-only until un-merged. */
export const REPORT_STATUSES = ['nuovo', 'in_gestione', 'chiuso', 'aggregata'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const CHANNELS = ['sportello', 'telefono', 'email', 'pec', 'web', 'app', 'interno'] as const;
export type Channel = (typeof CHANNELS)[number];

export const PRIORITIES = ['bassa', 'normale', 'alta', 'urgente'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const OUTCOME_KINDS = ['resolved', 'not_resolved', 'not_competent', 'suspended'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

export const ROLES = ['amministratore', 'operatore', 'fornitore'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = ['canReply', 'majorEdits', 'seesReporterData', 'statistics', 'export'] as const;
export type Permission = (typeof PERMISSIONS)[number];
export type PermissionFlags = Record<Permission, boolean>;

export const ASSIGNEE_KINDS = ['user', 'group'] as const;
export type AssigneeKind = (typeof ASSIGNEE_KINDS)[number];

/** Epoch milliseconds, UTC. Dates travel as numbers everywhere. */
export type Millis = number;

export interface User {
  id: string;
  username: string;
  fullName: string;
  email: string | null;
  role: Role;
  permissions: PermissionFlags;
  active: boolean;
  notifyByEmail: boolean;
  createdAt: Millis;
  updatedAt: Millis;
}

export interface Group {
  id: string;
  name: string;
  description: string;
  active: boolean;
  memberIds: string[];
  updatedAt: Millis;
}

export interface Category {
  id: string;
  parentId: string | null;
  name: string;
  active: boolean;
  /** Days the municipality allows itself to close a report of this category; null = no deadline. */
  daysToClose: number | null;
  /** Likely duplicates within this many metres; null = the default (250 m), 0 = none. */
  duplicateRadiusM: number | null;
  /** … created within this many days; null = the default (30). */
  duplicateDays: number | null;
  sortOrder: number;
  updatedAt: Millis;
}

export interface Outcome {
  id: string;
  label: string;
  kind: OutcomeKind;
  active: boolean;
  sortOrder: number;
  updatedAt: Millis;
}

export interface Reporter {
  id: string;
  nome: string;
  cognome: string;
  email: string | null;
  telefono: string | null;
  codiceFiscale: string | null;
  indirizzo: string | null;
  createdAt: Millis;
  updatedAt: Millis;
}

export interface Location {
  address: string;
  lat: number | null;
  lon: number | null;
}

export interface Report {
  id: string;
  code: string;
  title: string;
  description: string;
  categoryId: string | null;
  address: string;
  lat: number | null;
  lon: number | null;
  channel: Channel;
  status: ReportStatus;
  outcomeId: string | null;
  closingNote: string | null;
  priority: Priority;
  dueAt: Millis | null;
  mergedInto: string | null;
  /** While merged: the status it had, which un-merging restores. */
  mergedFromStatus: ReportStatus | null;
  createdBy: string;
  createdAt: Millis;
  updatedBy: string;
  updatedAt: Millis;
  closedAt: Millis | null;
}

export interface Assignment {
  reportId: string;
  kind: AssigneeKind;
  assigneeId: string;
  assignedAt: Millis;
  assignedBy: string;
}

export interface ReportReporter {
  reportId: string;
  reporterId: string;
  position: number;
}

export interface Attachment {
  id: string;
  reportId: string;
  sha256: string;
  fileName: string;
  mime: string;
  size: number;
  hasThumb: boolean;
  createdBy: string;
  createdAt: Millis;
}

export const LOG_KINDS = ['event', 'note'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

export interface LogEntry {
  id: string;
  reportId: string;
  at: Millis;
  actorId: string;
  kind: LogKind;
  /** Machine name of what happened: 'created', 'field_changed', 'status_changed', 'assigned', 'note', … */
  action: string;
  /** Structured detail, e.g. { field, before, after }. */
  data: Record<string, unknown> | null;
  text: string | null;
  mentions: string[];
}

/** The acting user as the core/server knows it: never what a client claims. */
export interface Actor {
  id: string;
  role: Role;
  permissions: PermissionFlags;
  groupIds: string[];
}
