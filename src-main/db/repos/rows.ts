/** Mapping between SQLite rows and domain rows. The only place that knows column names. */
import type {
  Assignment,
  Attachment,
  Category,
  Group,
  LogEntry,
  Outcome,
  Report,
  Reporter,
  User,
} from '../../../src-shared/domain';
import type { AutomationRule } from '../../../src-shared/domain/automations/rules';
import type { AddressBookEntry } from '../../../src-shared/domain/address-book';
import { bool, jsonOrNull } from './stmt';

type Row = Record<string, unknown>;

export const REPORT_COLS = `seq, id, code, title, description, category_id, address, lat, lon, channel, status,
  outcome_id, closing_note, priority, due_at, merged_into, merged_from_status, created_by, created_at, updated_by, updated_at, closed_at`;

export function toReport(r: Row): Report {
  return {
    id: r.id as string,
    code: r.code as string,
    title: r.title as string,
    description: r.description as string,
    categoryId: (r.category_id as string | null) ?? null,
    address: r.address as string,
    lat: (r.lat as number | null) ?? null,
    lon: (r.lon as number | null) ?? null,
    channel: r.channel as Report['channel'],
    status: r.status as Report['status'],
    outcomeId: (r.outcome_id as string | null) ?? null,
    closingNote: (r.closing_note as string | null) ?? null,
    priority: r.priority as Report['priority'],
    dueAt: (r.due_at as number | null) ?? null,
    mergedInto: (r.merged_into as string | null) ?? null,
    mergedFromStatus: (r.merged_from_status as Report['status'] | null) ?? null,
    createdBy: r.created_by as string,
    createdAt: r.created_at as number,
    updatedBy: r.updated_by as string,
    updatedAt: r.updated_at as number,
    closedAt: (r.closed_at as number | null) ?? null,
  };
}

export const toAssignment = (reportId: string, r: Row): Assignment => ({
  reportId,
  kind: r.kind as Assignment['kind'],
  assigneeId: r.assignee_id as string,
  assignedAt: r.assigned_at as number,
  assignedBy: r.assigned_by as string,
});

export const toReporter = (r: Row): Reporter => ({
  id: r.id as string,
  nome: r.nome as string,
  cognome: r.cognome as string,
  email: (r.email as string | null) ?? null,
  telefono: (r.telefono as string | null) ?? null,
  codiceFiscale: (r.codice_fiscale as string | null) ?? null,
  indirizzo: (r.indirizzo as string | null) ?? null,
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
});

export const toAttachment = (reportId: string, r: Row): Attachment => ({
  id: r.id as string,
  reportId,
  sha256: r.sha256 as string,
  fileName: r.file_name as string,
  mime: r.mime as string,
  size: r.size as number,
  hasThumb: bool(r.has_thumb),
  createdBy: r.created_by as string,
  createdAt: r.created_at as number,
});

export const toLogEntry = (reportId: string, r: Row): LogEntry => ({
  id: r.id as string,
  reportId,
  at: r.at as number,
  actorId: r.actor_id as string,
  kind: r.kind as LogEntry['kind'],
  action: r.action as string,
  data: jsonOrNull<Record<string, unknown>>(r.data),
  text: (r.text as string | null) ?? null,
  mentions: jsonOrNull<string[]>(r.mentions) ?? [],
});

export const toCategory = (r: Row): Category => ({
  id: r.id as string,
  parentId: (r.parent_id as string | null) ?? null,
  name: r.name as string,
  active: bool(r.active),
  daysToClose: (r.days_to_close as number | null) ?? null,
  duplicateRadiusM: (r.duplicate_radius_m as number | null) ?? null,
  duplicateDays: (r.duplicate_days as number | null) ?? null,
  sortOrder: r.sort_order as number,
  updatedAt: r.updated_at as number,
});

export const toOutcome = (r: Row): Outcome => ({
  id: r.id as string,
  label: r.label as string,
  kind: r.kind as Outcome['kind'],
  active: bool(r.active),
  sortOrder: r.sort_order as number,
  updatedAt: r.updated_at as number,
});

export const toUser = (r: Row): User => ({
  id: r.id as string,
  username: r.username as string,
  fullName: r.full_name as string,
  email: (r.email as string | null) ?? null,
  role: r.role as User['role'],
  permissions: {
    canReply: bool(r.can_reply),
    majorEdits: bool(r.major_edits),
    seesReporterData: bool(r.sees_reporter_data),
    statistics: bool(r.statistics),
    export: bool(r.export),
  },
  active: bool(r.active),
  notifyByEmail: bool(r.notify_by_email),
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
});

export const toGroup = (r: Row, memberIds: string[]): Group => ({
  id: r.id as string,
  name: r.name as string,
  description: r.description as string,
  active: bool(r.active),
  memberIds,
  updatedAt: r.updated_at as number,
});

export const toRule = (r: Row): AutomationRule => ({
  id: r.id as string,
  name: r.name as string,
  description: r.description as string,
  active: bool(r.active),
  sortOrder: r.sort_order as number,
  onUpdate: bool(r.on_update),
  conditions: JSON.parse(r.conditions as string) as AutomationRule['conditions'],
  actions: JSON.parse(r.actions as string) as AutomationRule['actions'],
  updatedAt: r.updated_at as number,
});

export const toAddressBookEntry = (r: Row): AddressBookEntry => ({
  id: r.id as string,
  name: r.name as string,
  organisation: r.organisation as string,
  email: r.email as string,
  categoryIds: JSON.parse(r.category_ids as string) as string[],
  notes: r.notes as string,
  active: bool(r.active),
  updatedAt: r.updated_at as number,
});
