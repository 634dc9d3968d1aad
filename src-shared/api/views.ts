/** Shapes the API returns (read models), as zod schemas so outputs can be checked too. */
import { z } from 'zod';
import {
  zAssigneeKind,
  zChannel,
  zOutcomeKind,
  zPermissions,
  zPriority,
  zRole,
  zStatus,
} from '../domain/schemas';

export const zUserView = z.object({
  id: z.string(),
  username: z.string(),
  fullName: z.string(),
  email: z.string().nullable(),
  role: zRole,
  permissions: zPermissions,
  active: z.boolean(),
  notifyByEmail: z.boolean(),
  groupIds: z.array(z.string()),
});
export type UserView = z.infer<typeof zUserView>;

export const zSessionView = z.object({ token: z.string(), user: zUserView, expiresAt: z.number() });

export const zCategoryView = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  active: z.boolean(),
  daysToClose: z.number().nullable(),
  duplicateRadiusM: z.number().nullable().default(null),
  duplicateDays: z.number().nullable().default(null),
  sortOrder: z.number(),
});
export type CategoryView = z.infer<typeof zCategoryView>;

export const zOutcomeView = z.object({
  id: z.string(),
  label: z.string(),
  kind: zOutcomeKind,
  active: z.boolean(),
  sortOrder: z.number(),
});
export type OutcomeView = z.infer<typeof zOutcomeView>;

export const zGroupView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  active: z.boolean(),
  memberIds: z.array(z.string()),
});
export type GroupView = z.infer<typeof zGroupView>;

/** Reporter data; `redacted` when the viewer lacks "vede i dati dei segnalatori". */
export const zReporterView = z.object({
  id: z.string(),
  nome: z.string(),
  cognome: z.string(),
  email: z.string().nullable(),
  telefono: z.string().nullable(),
  codiceFiscale: z.string().nullable(),
  indirizzo: z.string().nullable(),
  redacted: z.boolean(),
});
export type ReporterView = z.infer<typeof zReporterView>;

export const zReportRow = z.object({
  id: z.string(),
  code: z.string(),
  title: z.string(),
  status: zStatus,
  channel: zChannel,
  priority: zPriority,
  categoryId: z.string().nullable(),
  categoryName: z.string().nullable(),
  address: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  dueAt: z.number().nullable(),
  overdue: z.boolean(),
  outcomeId: z.string().nullable(),
  /** First reporter's display name, null when none or redacted. */
  reporterName: z.string().nullable(),
});
export type ReportRow = z.infer<typeof zReportRow>;

export const zAssignmentView = z.object({
  kind: zAssigneeKind,
  assigneeId: z.string(),
  name: z.string(),
  assignedAt: z.number(),
});

export const zAttachmentView = z.object({
  id: z.string(),
  fileName: z.string(),
  mime: z.string(),
  size: z.number(),
  sha256: z.string(),
  hasThumb: z.boolean(),
  createdAt: z.number(),
  createdBy: z.string(),
});
export type AttachmentView = z.infer<typeof zAttachmentView>;

export const zLogView = z.object({
  id: z.string(),
  at: z.number(),
  actorId: z.string(),
  actorName: z.string(),
  kind: z.enum(['event', 'note']),
  action: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
  text: z.string().nullable(),
  mentions: z.array(z.string()),
});
export type LogView = z.infer<typeof zLogView>;

export const zMergedView = z.object({
  id: z.string(),
  code: z.string(),
  title: z.string(),
  /** The status it had before it was merged. */
  status: zStatus,
  createdAt: z.number(),
  reporterIds: z.array(z.string()),
  attachmentIds: z.array(z.string()),
  logIds: z.array(z.string()),
});
export type MergedView = z.infer<typeof zMergedView>;

export const zReportDetail = z.object({
  id: z.string(),
  code: z.string(),
  aliases: z.array(z.string()),
  title: z.string(),
  description: z.string(),
  categoryId: z.string().nullable(),
  categoryPath: z.string().nullable(),
  address: z.string(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  channel: zChannel,
  status: zStatus,
  outcomeId: z.string().nullable(),
  outcomeLabel: z.string().nullable(),
  closingNote: z.string().nullable(),
  priority: zPriority,
  dueAt: z.number().nullable(),
  overdue: z.boolean(),
  mergedInto: z.string().nullable(),
  /** Code of the report this one is merged into. */
  mainCode: z.string().nullable().default(null),
  /** Reports merged into this one; their reporters, attachments and log are in the lists above. */
  merged: z.array(zMergedView).default([]),
  createdBy: z.string(),
  createdByName: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  closedAt: z.number().nullable(),
  reporters: z.array(zReporterView),
  assignments: z.array(zAssignmentView),
  attachments: z.array(zAttachmentView),
  log: z.array(zLogView),
});
export type ReportDetail = z.infer<typeof zReportDetail>;

export const zDashboard = z.object({
  byStatus: z.object({ nuovo: z.number(), in_gestione: z.number(), chiuso: z.number() }),
  overdue: z.number(),
  mine: z.number(),
  myOverdue: z.number(),
  latest: z.array(zReportRow),
  myLatest: z.array(zReportRow),
});
export type Dashboard = z.infer<typeof zDashboard>;
