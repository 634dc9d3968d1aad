/**
 * The one contract between the renderer and the core. Every call the UI can make is
 * here, with a zod schema for its input and output. The router refuses any input that
 * does not parse; both transports (Electron IPC, the browser host) carry exactly this.
 */
import { z } from 'zod';
import {
  zAssigneeKind,
  zChannel,
  zId,
  zOutcomeKind,
  zPassword,
  zPermissions,
  zReportFields,
  zReportPatch,
  zReporterInput,
  zReporterRef,
  zRole,
  zStatus,
  zUsername,
} from '../domain/schemas';
import { call, idOut, ok } from './call';
import { activityCalls } from './calls-activities';
import { automationCalls } from './calls-automations';
import { duplicateCalls } from './calls-duplicates';
import { supplierCalls } from './calls-suppliers';
import { statsCallsFor } from './calls-stats';
import { syncCalls, type SyncStatusView } from './calls-sync';
import {
  zAttachmentView,
  zCategoryView,
  zDashboard,
  zGroupView,
  zOutcomeView,
  zReportDetail,
  zReporterView,
  zReportRow,
  zSessionView,
  zUserView,
} from './views';
import { mailCalls } from './calls-mail';
import { mailOutCalls } from './calls-mailout';
import { mailUiCalls } from './calls-mail-ui';

export const SORT_FIELDS = [
  'createdAt',
  'updatedAt',
  'code',
  'title',
  'status',
  'dueAt',
  'priority',
  'category',
] as const;

export const zReportFilters = z.object({
  q: z.string().max(500).default(''),
  statuses: z.array(zStatus).max(4).default(['nuovo', 'in_gestione']),
  categoryIds: z.array(zId).max(500).default([]),
  assigneeUserId: zId.nullable().default(null),
  assigneeGroupId: zId.nullable().default(null),
  channels: z.array(zChannel).max(7).default([]),
  outcomeIds: z.array(zId).max(100).default([]),
  /** createdAt range, epoch ms, inclusive start, exclusive end. */
  from: z.number().int().nullable().default(null),
  to: z.number().int().nullable().default(null),
  overdue: z.boolean().default(false),
});
export type ReportFilters = z.output<typeof zReportFilters>;
export type ReportFiltersInput = z.input<typeof zReportFilters>;

export const zListInput = z.object({
  filters: zReportFilters.default(zReportFilters.parse({})),
  sort: z
    .object({ field: z.enum(SORT_FIELDS), dir: z.enum(['asc', 'desc']) })
    .default({ field: 'createdAt', dir: 'desc' }),
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(500).default(50),
  /** Counting 1M rows costs time: the list asks once per filter change. */
  withTotal: z.boolean().default(true),
});

/**
 * Calls of later capabilities live in their own files (calls-*.ts) and are spread in
 * at the end, so parallel work does not edit the same lines.
 */
export const contract = {
  // --- session -------------------------------------------------------------
  'app.info': call(
    z.object({}).default({}),
    z.object({
      name: z.string(),
      version: z.string(),
      mode: z.enum(['standalone', 'synced']),
      municipality: z.string(),
      demo: z.boolean(),
      maxAttachmentBytes: z.number(),
      /** No user exists yet: the UI asks for the first administrator. */
      needsSetup: z.boolean(),
    }),
    { public: true },
  ),
  'setup.createAdmin': call(
    z.object({ username: zUsername, fullName: z.string().trim().min(1).max(120), password: zPassword }),
    zSessionView,
    { public: true },
  ),
  'auth.login': call(
    z.object({
      username: z.string().trim().toLowerCase().min(1).max(40),
      password: z.string().min(1).max(200),
    }),
    zSessionView,
    { public: true },
  ),
  'auth.logout': call(z.object({}).default({}), ok),
  'auth.me': call(z.object({}).default({}), zUserView),
  'auth.changePassword': call(z.object({ current: z.string().min(1).max(200), next: zPassword }), ok),

  // --- reports -------------------------------------------------------------
  'reports.list': call(zListInput, z.object({ rows: z.array(zReportRow), total: z.number().nullable() })),
  'reports.get': call(z.object({ id: zId }), zReportDetail),
  'reports.openByCode': call(
    z.object({ code: z.string().trim().min(1).max(40) }),
    z.object({ id: z.string(), code: z.string() }),
  ),
  'reports.create': call(
    z.object({ fields: zReportFields, reporters: z.array(zReporterRef).max(50).default([]) }).extend({
      id: zId.optional(),
    }),
    z.object({ id: z.string(), code: z.string() }),
  ),
  'reports.update': call(z.object({ id: zId, patch: zReportPatch }), ok),
  'reports.takeInCharge': call(z.object({ id: zId }), ok),
  'reports.close': call(
    z.object({
      id: zId,
      outcomeId: zId,
      closingNote: z.string().trim().max(10_000).nullable().default(null),
    }),
    ok,
  ),
  'reports.reopen': call(
    z.object({ id: zId, reason: z.string().trim().max(2_000).nullable().default(null) }),
    ok,
  ),
  'reports.assign': call(z.object({ id: zId, kind: zAssigneeKind, assigneeId: zId }), ok),
  'reports.unassign': call(z.object({ id: zId, kind: zAssigneeKind, assigneeId: zId }), ok),
  'reports.addNote': call(z.object({ id: zId, text: z.string().max(10_000) }), ok),
  'reports.addReporter': call(z.object({ id: zId, reporter: zReporterRef }), ok),
  'reports.removeReporter': call(z.object({ id: zId, reporterId: zId }), ok),

  // --- attachments ---------------------------------------------------------
  'attachments.add': call(
    z.object({
      reportId: zId,
      fileName: z.string().min(1).max(1000),
      mime: z.string().max(200).default('application/octet-stream'),
      /** File content, base64. The size limit is checked on the decoded bytes. */
      dataBase64: z.string(),
    }),
    zAttachmentView,
  ),
  'attachments.remove': call(z.object({ reportId: zId, attachmentId: zId }), ok),
  'attachments.get': call(
    z.object({ attachmentId: zId, thumb: z.boolean().default(false) }),
    z.object({ fileName: z.string(), mime: z.string(), dataBase64: z.string() }),
  ),

  // --- rubrica -------------------------------------------------------------
  'reporters.search': call(
    z.object({ q: z.string().trim().max(200), limit: z.number().int().min(1).max(50).default(10) }),
    z.array(zReporterView),
  ),
  'reporters.save': call(z.object({ id: zId.optional(), reporter: zReporterInput }), idOut),

  // --- lookups -------------------------------------------------------------
  'directory.get': call(
    z.object({}).default({}),
    z.object({
      users: z.array(
        z.object({ id: z.string(), username: z.string(), fullName: z.string(), active: z.boolean() }),
      ),
      groups: z.array(z.object({ id: z.string(), name: z.string(), active: z.boolean() })),
      categories: z.array(zCategoryView),
      outcomes: z.array(zOutcomeView),
    }),
  ),
  'dashboard.get': call(z.object({}).default({}), zDashboard),

  // --- settings (administrators) -------------------------------------------
  'settings.categories.save': call(
    z.object({
      id: zId.optional(),
      parentId: zId.nullable(),
      name: z.string(),
      active: z.boolean().default(true),
      daysToClose: z.number().int().min(0).max(3650).nullable().default(null),
      /** Likely duplicates within metres (null = 250, 0 = off) and days (null = 30). */
      duplicateRadiusM: z.number().int().min(0).max(5000).nullable().default(null),
      duplicateDays: z.number().int().min(1).max(3650).nullable().default(null),
      sortOrder: z.number().int().default(0),
    }),
    idOut,
  ),
  'settings.outcomes.save': call(
    z.object({
      id: zId.optional(),
      label: z.string(),
      kind: zOutcomeKind,
      active: z.boolean().default(true),
      sortOrder: z.number().int().default(0),
    }),
    idOut,
  ),
  'settings.users.list': call(z.object({}).default({}), z.array(zUserView)),
  'settings.users.save': call(
    z.object({
      id: zId.optional(),
      username: zUsername,
      fullName: z.string(),
      email: z.string().nullable().default(null),
      role: zRole,
      permissions: zPermissions,
      active: z.boolean().default(true),
      notifyByEmail: z.boolean().default(false),
      /** Required for a new user; optional (reset) for an existing one. */
      password: zPassword.optional(),
    }),
    idOut,
  ),
  'settings.groups.list': call(z.object({}).default({}), z.array(zGroupView)),
  'settings.groups.save': call(
    z.object({
      id: zId.optional(),
      name: z.string(),
      description: z.string().default(''),
      active: z.boolean().default(true),
      memberIds: z.array(zId).default([]),
    }),
    idOut,
  ),
  ...syncCalls,
  ...statsCallsFor(zReportFilters.default(zReportFilters.parse({})), SORT_FIELDS),
  ...mailCalls,
  ...mailOutCalls,
  ...mailUiCalls,
  ...automationCalls,
  ...duplicateCalls,
  ...activityCalls,
  ...supplierCalls,
} as const;

export type Contract = typeof contract;
export type CallName = keyof Contract;
export type CallInput<N extends CallName> = z.input<Contract[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Contract[N]['output']>;

export const CALL_NAMES = Object.keys(contract) as CallName[];

export interface ApiError {
  code: string;
  message: string;
  /** Field-level messages for forms (validation errors). */
  fields?: Record<string, string>;
}
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Events the core pushes to the renderer through `api.on`. */
export interface ApiEvents {
  'data.changed': { tables: string[]; reportIds: string[] };
  'export.progress': { exportId: string; rows: number; total: number | null; state: string };
  'sync.status': SyncStatusView;
}
export type EventName = keyof ApiEvents;
