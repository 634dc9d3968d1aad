/**
 * POST /mail/v1/call {name, input}: the mail-out calls a synced PC forwards to the
 * server, which owns the outbox and the settings (src-main/core/handlers-mailout-remote.ts
 * is the other end). The same zod contract as the PC's own calls, the same permission
 * checks, with the session's user as actor. The SMTP password only ever comes in.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mailOutCalls, serverMailCalls } from '../../src-shared/api/calls-mailout';
import { maskAddresses } from '../../src-shared/mail-out';
import {
  canSeeReport,
  DomainError,
  hasPermission,
  requireAdmin,
  requireReporterData,
  requireStaff,
  type Actor,
} from '../../src-shared/domain';
import { REMOTE_MAIL_CALLS } from '../../src-main/core/handlers-mailout-remote';
import { italianSmtpError } from '../../src-main/mail-out/errors';
import { messageOf, smtpTransport } from '../../src-main/mail-out/sender';
import type { ServerContext } from '../context';
import { HttpError, MESSAGES, parseBody } from '../errors';
import { BatchRows } from '../row-source';
import { loadActor, loadSnapshot } from '../snapshot';
import { emailsOfReport, getEmail, requeue } from './outbox';
import type { ServerSender } from './sender';
import { configOf } from './sender';
import { readMailSettings, writeMailSetting } from './settings';
import type { PasswordCipher } from '../../src-main/mail/secrets';
import { randomUUID } from 'node:crypto';

export type RemoteMailCall = (typeof REMOTE_MAIL_CALLS)[number];
const ALL_CALLS = [...REMOTE_MAIL_CALLS, 'mailout.refusedTo'] as const;
type AnyCall = (typeof ALL_CALLS)[number];
const CALLS = { ...mailOutCalls, ...serverMailCalls };

const zCall = z.object({ name: z.enum(ALL_CALLS), input: z.unknown() });
const STATUS: Record<string, number> = { forbidden: 403, not_found: 404, conflict: 409, validation: 400 };

export interface MailRouteDeps {
  sender: ServerSender;
  cipher: () => PasswordCipher;
}

export function mailRoutes(app: FastifyInstance, ctx: ServerContext, deps: MailRouteDeps): void {
  app.post('/mail/v1/call', async (req) => {
    const session = await ctx.auth(req);
    const { name, input } = parseBody(zCall, req.body);
    const actor = await loadActor(ctx.storage, session.userId);
    if (!actor?.user.active) throw new HttpError(401, 'unauthenticated', MESSAGES.disabled);
    const def = CALLS[name];
    const parsed = parseBody(def.input, input ?? {});
    try {
      const value = await run(ctx, deps, actor, name, parsed as never);
      return { ok: true, value: def.output.parse(value) };
    } catch (e) {
      if (e instanceof DomainError) throw new HttpError(STATUS[e.code] ?? 400, e.code, e.message);
      throw e;
    }
  });
}

type In<N extends AnyCall> = z.output<(typeof CALLS)[N]['input']>;

async function visibleReport(ctx: ServerContext, actor: Actor, reportId: string) {
  const st = (await loadSnapshot(new BatchRows(ctx.storage), { reports: [reportId] })).reports.get(reportId);
  if (!st || !canSeeReport(actor, st.assignments))
    throw new DomainError('not_found', 'Segnalazione non trovata o non accessibile.');
  return st;
}

async function run(
  ctx: ServerContext,
  deps: MailRouteDeps,
  actor: Actor,
  name: AnyCall,
  input: In<AnyCall>,
): Promise<unknown> {
  const now = ctx.clock();
  const settings = await readMailSettings(ctx.storage);
  switch (name) {
    case 'mailout.smtp.get': {
      requireAdmin(actor);
      if (!settings.smtp) return null;
      const { passwordSealed, ...rest } = settings.smtp;
      return { ...rest, hasPassword: passwordSealed !== '' };
    }
    case 'mailout.smtp.save': {
      requireAdmin(actor);
      const { password, clearPassword, ...rest } = input as In<'mailout.smtp.save'>;
      const passwordSealed = clearPassword
        ? ''
        : password
          ? deps.cipher().encrypt(password)
          : (settings.smtp?.passwordSealed ?? '');
      if (rest.username && !passwordSealed)
        throw new DomainError('validation', 'Indica la password dell’account SMTP.');
      await writeMailSetting(ctx.storage, 'smtp', { ...rest, passwordSealed, updatedAt: now }, now);
      deps.sender.resetTransport();
      void deps.sender.poke();
      return { ok: true };
    }
    case 'mailout.test': {
      requireAdmin(actor);
      if (!settings.smtp) return { ok: false, message: 'Configura prima l’account SMTP e salvalo.' };
      const cfg = configOf(settings.smtp, deps.cipher());
      const t = smtpTransport(cfg, false);
      const { to } = input as In<'mailout.test'>;
      try {
        await t.sendMail(
          messageOf(cfg, {
            to,
            subject: `Email di prova da Sportello – ${cfg.fromName}`,
            text: 'Questa è un’email di prova inviata dal server Sportello: l’account SMTP funziona.\n',
            html: null,
            messageId: `<prova.${randomUUID()}@sportello>`,
            headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
          }),
        );
        return { ok: true, message: `Email di prova inviata a ${to}.` };
      } catch (e) {
        return { ok: false, message: italianSmtpError(e, cfg.host, cfg.port) };
      } finally {
        t.close();
      }
    }
    case 'mailout.rules.get':
      requireAdmin(actor);
      return { rules: settings.rules };
    case 'mailout.rules.save':
      requireAdmin(actor);
      await writeMailSetting(ctx.storage, 'rules', (input as In<'mailout.rules.save'>).rules, now);
      return { ok: true };
    case 'mailout.templates.list':
      requireStaff(actor, 'usare i modelli di risposta');
      return settings.templates
        .filter((t) => t.active || actor.role === 'amministratore')
        .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name, 'it'));
    case 'mailout.templates.save': {
      requireAdmin(actor);
      const t = input as In<'mailout.templates.save'>;
      if (t.id && !settings.templates.some((x) => x.id === t.id))
        throw new DomainError('not_found', 'Modello non trovato.');
      const id = t.id ?? randomUUID();
      const row = {
        id,
        kind: t.kind,
        name: t.name,
        subject: t.subject,
        body: t.body,
        active: t.active,
        updatedAt: now,
      };
      // Read and written in one transaction: two administrators saving at once keep both.
      await ctx.storage.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('mail_settings.templates'))`);
        const fresh = (await readMailSettings(tx)).templates.filter((x) => x.id !== id);
        await writeMailSetting(tx, 'templates', [...fresh, row], now);
      });
      return { id };
    }
    case 'mailout.forReport': {
      requireStaff(actor, 'vedere le email inviate');
      const { reportId } = input as In<'mailout.forReport'>;
      await visibleReport(ctx, actor, reportId);
      const showTo = hasPermission(actor, 'seesReporterData');
      return (await emailsOfReport(ctx.storage, reportId)).map((e) => ({
        id: e.id,
        kind: e.kind,
        to: showTo ? e.to : null,
        subject: e.subject,
        status: e.status,
        attempts: e.attempts,
        // SMTP answers quote the recipient: masked for who may not see reporters' data.
        lastError: e.lastError && !showTo ? maskAddresses(e.lastError) : e.lastError,
        createdAt: e.createdAt,
        sentAt: e.sentAt,
      }));
    }
    case 'mailout.refusedTo': {
      requireStaff(actor, 'vedere i problemi di recapito');
      requireReporterData(actor);
      const { emails } = input as In<'mailout.refusedTo'>;
      if (emails.length === 0) return [];
      const rows = await ctx.storage.query<{
        to_address: string;
        last_error: string | null;
        created_at: string;
      }>(
        `SELECT to_address, last_error, created_at FROM mail_outbox
          WHERE status = 'failed' AND to_address = ANY($1::text[])`,
        [emails],
      );
      return rows.map((r) => ({
        to: r.to_address,
        lastError: r.last_error,
        createdAt: Number(r.created_at),
      }));
    }
    case 'mailout.retry': {
      requireStaff(actor, 'ritentare l’invio di un’email');
      const { id } = input as In<'mailout.retry'>;
      const e = await getEmail(ctx.storage, id);
      if (!e) throw new DomainError('not_found', 'Email non trovata.');
      if (e.reportId) await visibleReport(ctx, actor, e.reportId);
      if (!(await requeue(ctx.storage, id, now)))
        throw new DomainError('conflict', 'Questa email non è in errore: non c’è nulla da ritentare.');
      void deps.sender.poke();
      return { ok: true };
    }
  }
}
