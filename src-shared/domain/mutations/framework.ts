/**
 * Named mutations: the only way business data is written.
 *
 * A mutation is pure. It declares which rows it needs (`reads`), the runtime loads them
 * into a Snapshot (from SQLite on a PC, from PostgreSQL on the sync server), and
 * `apply` returns the row changes and log entries to persist — or throws a DomainError.
 * Because the same function runs on the client (optimistically) and on the server
 * (authoritatively), both agree on every business rule.
 */
import type { z } from 'zod';
import type {
  Actor,
  Assignment,
  Attachment,
  Category,
  Group,
  LogEntry,
  Outcome,
  Report,
  Reporter,
  ReportReporter,
  User,
} from '../types';
import type { AutomationRule } from '../automations/rules';
import type { Activity } from '../activities/activity';
import type { AddressBookEntry } from '../address-book';

/** Rows as the domain sees them, keyed by the table that stores them. */
export interface TableRows {
  reports: Report;
  report_assignments: Assignment;
  report_reporters: ReportReporter;
  reporters: Reporter;
  attachments: Attachment;
  log_entries: LogEntry;
  categories: Category;
  outcomes: Outcome;
  users: User;
  groups: Omit<Group, 'memberIds'>;
  group_members: { groupId: string; userId: string };
  /** Other codes a report answers to (provisional codes, merged reports). */
  report_codes: { code: string; reportId: string };
  automation_rules: AutomationRule;
  /** Activities planned on a report (singles, series, occurrence overrides). */
  report_activities: Activity;
  /** Rubrica fornitori (recipients reports are forwarded to). */
  address_book: AddressBookEntry;
}
export type TableName = keyof TableRows;

export type Change = {
  [T in TableName]:
    { op: 'put'; table: T; row: TableRows[T] } | { op: 'delete'; table: T; row: TableRows[T] };
}[TableName];

export interface MutationResult {
  changes: Change[];
  /** Reports whose search document must be rebuilt. */
  touchedReports: string[];
  /** Value handed back to the caller (e.g. the new report's id and code). */
  value?: unknown;
}

export interface ReadSet {
  reports?: string[];
  reporters?: string[];
  categories?: string[];
  outcomes?: string[];
  users?: string[];
  usernames?: string[];
  groups?: string[];
  attachments?: string[];
  /** Reporters of the rubrica matched by email (dedup on create). */
  reporterEmails?: string[];
  /**
   * The active automation rules, with the users and groups their actions name and the
   * parent of every loaded category (a rule on a parent covers its subcategories).
   */
  automations?: boolean;
  /** Report ids whose activities (all: series with their overrides) are loaded. */
  activities?: string[];
  /** Address-book entries by id. */
  addressBook?: string[];
  /**
   * A new report's category and place: where a rule aggregates duplicates, the runtime
   * loads the reports of that category around it (Snapshot.duplicateCandidates).
   */
  duplicatesOf?: { categoryId: string; lat: number; lon: number };
}

export interface ReportState {
  report: Report;
  assignments: Assignment[];
  reporters: ReportReporter[];
}

/** What the runtime loaded for `reads`. Missing ids are simply absent. */
export interface Snapshot {
  reports: Map<string, ReportState>;
  reporters: Map<string, Reporter>;
  categories: Map<string, Category>;
  outcomes: Map<string, Outcome>;
  users: Map<string, User>;
  /** username → user */
  usernames: Map<string, User>;
  groups: Map<string, Group>;
  attachments: Map<string, Attachment>;
  /** email (lower case) → reporter, for reads.reporterEmails. */
  reportersByEmail: Map<string, Reporter>;
  /** Active automation rules (reads.automations). */
  rules: AutomationRule[];
  /** reads.duplicatesOf: same-category reports near it, not merged, with reporters in `reporters`. */
  duplicateCandidates: ReportState[];
  /** Activities of reads.activities' reports, by activity id. */
  activities: Map<string, Activity>;
  /** Address-book entries (reads.addressBook). */
  addressBook: Map<string, AddressBookEntry>;
}

export interface MutationEnv {
  now: number;
  newId: () => string;
  /** Next report code for that year; the runtime decides final or provisional. */
  allocateCode: (year: number) => string;
}

export interface MutationDef<S extends z.ZodType = z.ZodType> {
  name: string;
  args: S;
  reads: (args: z.output<S>) => ReadSet;
  apply: (state: Snapshot, args: z.output<S>, actor: Actor, env: MutationEnv) => MutationResult;
}

export function defineMutation<S extends z.ZodType>(def: MutationDef<S>): MutationDef<S> {
  return def;
}

export function emptySnapshot(): Snapshot {
  return {
    reports: new Map(),
    reporters: new Map(),
    categories: new Map(),
    outcomes: new Map(),
    users: new Map(),
    usernames: new Map(),
    groups: new Map(),
    attachments: new Map(),
    reportersByEmail: new Map(),
    rules: [],
    duplicateCandidates: [],
    activities: new Map(),
    addressBook: new Map(),
  };
}

/** Helper to build an automatic log entry. */
export function logEntry(
  env: MutationEnv,
  actor: Actor,
  reportId: string,
  action: string,
  data: Record<string, unknown> | null = null,
  extra: Partial<Pick<LogEntry, 'kind' | 'text' | 'mentions'>> = {},
): Change {
  return {
    op: 'put',
    table: 'log_entries',
    row: {
      id: env.newId(),
      reportId,
      at: env.now,
      actorId: actor.id,
      kind: extra.kind ?? 'event',
      action,
      data,
      text: extra.text ?? null,
      mentions: extra.mentions ?? [],
    },
  };
}
