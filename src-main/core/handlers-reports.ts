import { mainReportOf } from '../db/repos/merged-read';
import type { CallName } from '../../src-shared/api';
import { DomainError, normalizeCode, yearInRome } from '../../src-shared/domain';
import { dashboard, findByCode, getReportDetail, reporterView } from '../db/repos/reports-read';
import { listReports } from '../db/repos/reports-list';
import { searchReporters } from '../db/repos/reporters-read';
import { listCategories, listGroups, listOutcomes, listUsers } from '../db/repos/settings-read';
import { requireReporterData, requireStaff } from '../../src-shared/domain';
import { getReportState } from '../db/repos/entities';
import { canSeeReport } from '../../src-shared/domain';
import { sanitizeFileName } from './attachments-store';
import type { PartialHandlers } from './handler-types';

type ReportCalls = Extract<
  CallName,
  `reports.${string}` | `attachments.${string}` | `reporters.${string}` | 'directory.get' | 'dashboard.get'
>;

const OK = { ok: true as const };

export const reportHandlers: PartialHandlers<ReportCalls> = {
  'reports.list': (ctx, input) => listReports(ctx.db, input, ctx.actor, ctx.clock()),

  'reports.get': (ctx, { id }) => {
    const d = getReportDetail(ctx.db, id, ctx.actor, ctx.clock());
    if (!d) throw new DomainError('not_found', 'Segnalazione non trovata o non accessibile.');
    return d;
  },

  'reports.openByCode': (ctx, { code }) => {
    const normalized = normalizeCode(code, yearInRome(ctx.clock()));
    if (!normalized)
      throw new DomainError(
        'validation',
        `«${code}» non è un codice di segnalazione valido (es. 2026-000123).`,
      );
    const found = findByCode(ctx.db, normalized);
    // A merged report's code opens the report it is merged into.
    const mainId = found && mainReportOf(ctx.db, found.id);
    const st = mainId ? getReportState(ctx.db, mainId) : undefined;
    const hit = st ? { id: st.report.id, code: st.report.code } : null;
    // A supplier asking for a code that is not theirs gets the same answer as for a missing one.
    if (!hit || !st || !canSeeReport(ctx.actor, st.assignments)) {
      throw new DomainError('not_found', `Nessuna segnalazione con codice ${normalized}.`);
    }
    return hit;
  },

  'reports.create': (ctx, input) => {
    const id = input.id ?? ctx.newId();
    const alloc = ctx.allocateCode();
    // Offline from the server: a provisional code now, kept as an alias of the final one.
    const clientCode = alloc ? alloc(yearInRome(ctx.clock())) : undefined;
    const out = ctx.store.mutate(
      'report.create',
      { id, fields: input.fields, reporters: input.reporters, ...(clientCode ? { clientCode } : {}) },
      ctx.actor,
      clientCode ? { allocateCode: () => clientCode } : {},
    );
    return out.value as { id: string; code: string };
  },

  'reports.update': (ctx, { id, patch }) => {
    ctx.store.mutate('report.update', { reportId: id, patch }, ctx.actor);
    return OK;
  },
  'reports.takeInCharge': (ctx, { id }) => {
    ctx.store.mutate('report.setStatus', { reportId: id, status: 'in_gestione' }, ctx.actor);
    return OK;
  },
  'reports.close': (ctx, { id, outcomeId, closingNote }) => {
    ctx.store.mutate('report.close', { reportId: id, outcomeId, closingNote }, ctx.actor);
    return OK;
  },
  'reports.reopen': (ctx, { id, reason }) => {
    ctx.store.mutate('report.reopen', { reportId: id, reason }, ctx.actor);
    return OK;
  },
  'reports.assign': (ctx, { id, kind, assigneeId }) => {
    ctx.store.mutate('report.assign', { reportId: id, kind, assigneeId }, ctx.actor);
    return OK;
  },
  'reports.unassign': (ctx, { id, kind, assigneeId }) => {
    ctx.store.mutate('report.unassign', { reportId: id, kind, assigneeId }, ctx.actor);
    return OK;
  },
  'reports.addNote': (ctx, { id, text }) => {
    ctx.store.mutate('report.addNote', { reportId: id, text }, ctx.actor);
    return OK;
  },
  'reports.addReporter': (ctx, { id, reporter }) => {
    ctx.store.mutate('report.addReporter', { reportId: id, reporter }, ctx.actor);
    return OK;
  },
  'reports.removeReporter': (ctx, { id, reporterId }) => {
    ctx.store.mutate('report.removeReporter', { reportId: id, reporterId }, ctx.actor);
    return OK;
  },

  'attachments.add': async (ctx, input) => {
    const st = getReportState(ctx.db, input.reportId);
    if (!st || !canSeeReport(ctx.actor, st.assignments)) {
      throw new DomainError('not_found', 'Segnalazione non trovata o non accessibile.');
    }
    // Reject by the encoded length first: no need to decode 300 MB to refuse it.
    const approx = Math.floor((input.dataBase64.length * 3) / 4);
    const limitMb = Math.round(ctx.maxAttachmentBytes / (1024 * 1024));
    if (approx > ctx.maxAttachmentBytes + 3) {
      throw new DomainError(
        'too_large',
        `Il file «${sanitizeFileName(input.fileName)}» supera il limite di ${limitMb} MB.`,
      );
    }
    const data = Buffer.from(input.dataBase64, 'base64');
    if (data.length > ctx.maxAttachmentBytes) {
      throw new DomainError(
        'too_large',
        `Il file «${sanitizeFileName(input.fileName)}» supera il limite di ${limitMb} MB.`,
      );
    }
    const mime = /^[\w.+-]+\/[\w.+-]+$/.test(input.mime)
      ? input.mime.toLowerCase()
      : 'application/octet-stream';
    const { sha256, hasThumb } = await ctx.files.put(data, mime);
    const id = ctx.newId();
    const fileName = sanitizeFileName(input.fileName);
    ctx.store.mutate(
      'report.addAttachment',
      { reportId: input.reportId, attachment: { id, sha256, fileName, mime, size: data.length, hasThumb } },
      ctx.actor,
    );
    return {
      id,
      fileName,
      mime,
      size: data.length,
      sha256,
      hasThumb,
      createdAt: ctx.clock(),
      createdBy: ctx.actor.id,
    };
  },

  'attachments.remove': (ctx, { reportId, attachmentId }) => {
    ctx.store.mutate('report.removeAttachment', { reportId, attachmentId }, ctx.actor);
    return OK;
  },

  'attachments.get': (ctx, { attachmentId, thumb }) => {
    const row = ctx.db
      .prepare(
        'SELECT a.sha256, a.file_name, a.mime, a.has_thumb, r.id AS report_id FROM attachments a JOIN reports r ON r.seq = a.report_seq WHERE a.id = ?',
      )
      .get(attachmentId) as Record<string, unknown> | undefined;
    const st = row && getReportState(ctx.db, row.report_id as string);
    if (!row || !st || !canSeeReport(ctx.actor, st.assignments)) {
      throw new DomainError('not_found', 'Allegato non trovato.');
    }
    if (thumb && !row.has_thumb) throw new DomainError('not_found', 'Anteprima non disponibile.');
    const sha256 = row.sha256 as string;
    // Synced from another PC and not downloaded yet: ask for it now, say so plainly.
    if (
      !ctx.files.has(sha256) &&
      ctx.fetchAttachment?.({ sha256, mime: row.mime as string, reportId: row.report_id as string })
    ) {
      throw new DomainError(
        'unavailable',
        'L’allegato è in fase di scaricamento dal server: riprova tra poco.',
      );
    }
    try {
      const data = ctx.files.read(row.sha256 as string, thumb);
      return {
        fileName: row.file_name as string,
        mime: thumb ? 'image/webp' : (row.mime as string),
        dataBase64: data.toString('base64'),
      };
    } catch {
      throw new DomainError('not_found', 'Il file dell’allegato non è presente su questo computer.');
    }
  },

  'reporters.search': (ctx, { q, limit }) => {
    requireStaff(ctx.actor, 'consultare la rubrica');
    requireReporterData(ctx.actor);
    return searchReporters(ctx.db, q, limit).map((r) => reporterView(r, false));
  },

  'reporters.save': (ctx, { id, reporter }) => {
    const rid = id ?? ctx.newId();
    ctx.store.mutate('reporter.save', { id: rid, reporter }, ctx.actor);
    return { id: rid };
  },

  'directory.get': (ctx) => {
    const staff = !(ctx.actor.role === 'fornitore');
    return {
      // Suppliers see only themselves: the municipality's staff list is not theirs to browse.
      users: listUsers(ctx.db)
        .filter((u) => staff || u.id === ctx.actor.id)
        .map((u) => ({ id: u.id, username: u.username, fullName: u.fullName, active: u.active })),
      groups: listGroups(ctx.db)
        .filter((g) => staff || ctx.actor.groupIds.includes(g.id))
        .map((g) => ({ id: g.id, name: g.name, active: g.active })),
      categories: listCategories(ctx.db),
      outcomes: listOutcomes(ctx.db),
    };
  },

  'dashboard.get': (ctx) => dashboard(ctx.db, ctx.actor, ctx.clock()),
};
