/**
 * POST /mail-in/v1/call {name, input}: the mailbox calls a synced PC forwards to the
 * server, which pulls the mailboxes (src-main/core/handlers-mail-remote.ts is the other
 * end, and owns the list of calls). The same zod contract as on a PC. Mailbox settings:
 * administrators only; the password comes in once, over the authenticated connection, is
 * sealed with the server's key and is never sent back. The review inbox (review.ts):
 * staff, checked as on a PC, the confirming clerk being the new report's actor.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mailCalls } from '../../src-shared/api/calls-mail';
import { DomainError, requireAdmin, type Actor } from '../../src-shared/domain';
import { testImapConnection } from '../../src-main/mail/connection-test';
import type { PasswordCipher } from '../../src-main/mail/secrets';
import type { ServerContext } from '../context';
import { HttpError, MESSAGES, parseBody } from '../errors';
import { loadActor } from '../snapshot';
import { REMOTE_MAILBOX_CALLS } from '../../src-main/core/handlers-mail-remote';
import { getServerMailbox, listServerMailboxes, saveServerMailbox } from './mailboxes';
import { confirmServerReview, discardServerReview, listServerReviews, type ServerReviewDeps } from './review';

type Call = (typeof REMOTE_MAILBOX_CALLS)[number];
type In<N extends Call> = z.output<(typeof mailCalls)[N]['input']>;

const zCall = z.object({ name: z.enum(REMOTE_MAILBOX_CALLS), input: z.unknown() });
const STATUS: Record<string, number> = { forbidden: 403, not_found: 404, conflict: 409, validation: 400 };

export interface MailInRouteDeps {
  cipher: () => PasswordCipher;
  /** A mailbox was saved: the intake loop starts, restarts or stops it. */
  changed: () => void;
}

export function mailInRoutes(app: FastifyInstance, ctx: ServerContext, deps: MailInRouteDeps): void {
  app.post('/mail-in/v1/call', async (req) => {
    const session = await ctx.auth(req);
    const { name, input } = parseBody(zCall, req.body);
    const actor = await loadActor(ctx.storage, session.userId);
    if (!actor?.user.active) throw new HttpError(401, 'unauthenticated', MESSAGES.disabled);
    const def = mailCalls[name];
    const parsed = parseBody(def.input, input ?? {});
    try {
      const value = name.startsWith('mailReview.')
        ? await review(ctx, actor, name, parsed as never)
        : await run(ctx, deps, name, parsed as never, actor);
      return { ok: true, value: def.output.parse(value) };
    } catch (e) {
      if (e instanceof DomainError) throw new HttpError(STATUS[e.code] ?? 400, e.code, e.message);
      throw e;
    }
  });
}

async function review(ctx: ServerContext, actor: Actor, name: Call, input: In<Call>): Promise<unknown> {
  const deps: ServerReviewDeps = {
    storage: ctx.storage,
    clock: ctx.clock,
    onApplied: ctx.onApplied,
    // As after a push: the replicas pull the new report, the sender sends what it queued.
    onCommitted: (v) => {
      ctx.pokes.poke(v);
      ctx.afterPush?.();
    },
  };
  switch (name) {
    case 'mailReview.list':
      return listServerReviews(ctx.storage, actor);
    case 'mailReview.confirm':
      return confirmServerReview(deps, actor, input as In<'mailReview.confirm'>);
    case 'mailReview.discard':
      return discardServerReview(deps, actor, input as In<'mailReview.discard'>);
    default:
      throw new DomainError('validation', `Operazione sconosciuta: ${name}.`);
  }
}

async function run(
  ctx: ServerContext,
  deps: MailInRouteDeps,
  name: Call,
  input: In<Call>,
  actor: Actor,
): Promise<unknown> {
  requireAdmin(actor);
  switch (name) {
    case 'mailboxes.list':
      return (await listServerMailboxes(ctx.storage)).map(({ passwordSealed, ...m }) => ({
        ...m,
        hasPassword: !!passwordSealed,
      }));
    case 'mailboxes.save': {
      const { id: givenId, password, ...settings } = input as In<'mailboxes.save'>;
      const existing = givenId ? await getServerMailbox(ctx.storage, givenId) : null;
      if (givenId && !existing) throw new DomainError('not_found', 'Casella non trovata.');
      if (!existing && !password) throw new DomainError('validation', 'Indica la password della casella.');
      const row = {
        ...settings,
        reviewInbox: (settings as { reviewInbox?: boolean }).reviewInbox ?? false,
        id: existing?.id ?? randomUUID(),
        processedFolder: settings.processedFolder || null,
        passwordSealed: password ? deps.cipher().encrypt(password) : existing!.passwordSealed,
        updatedAt: ctx.clock(),
      };
      await saveServerMailbox(ctx.storage, row);
      deps.changed();
      return { id: row.id };
    }
    case 'mailboxes.test': {
      const { id, password, ...settings } = input as In<'mailboxes.test'>;
      let pass = password;
      if (!pass && id) {
        const existing = await getServerMailbox(ctx.storage, id);
        if (existing) pass = deps.cipher().decrypt(existing.passwordSealed);
      }
      if (!pass)
        return { ok: false, message: 'Indica la password per provare la connessione.', messages: null };
      return testImapConnection({ ...settings, password: pass });
    }
  }
}
