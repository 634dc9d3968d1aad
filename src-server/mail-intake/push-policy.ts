/**
 * Mail intake mutations pushed by a PC: a PC that pulled a mailbox while standalone
 * pushes its reports from mail when it starts syncing. The server replays them with the
 * intake's system actor (the log says the report arrived by email, not that the clerk
 * whose session pushed it wrote it), and a message the server (or another PC) already
 * turned into a report meets its deterministic ids: answered as already applied, not as
 * an error the clerk would see.
 */
import type { Actor } from '../../src-shared/domain';
import { isSupplier } from '../../src-shared/domain/permissions';
import { MAIL_INTAKE_ACTOR } from '../../src-shared/domain/mutations/mail';

const MAIL_INTAKE_MUTATIONS = new Set(['report.receiveMail', 'report.mailFollowUp', 'report.mailNotice']);

/** The actor a pushed mutation runs as: the intake's for mail from a staff member's PC. */
export function replayActor<A extends Actor>(name: string, sessionActor: A): Actor {
  return MAIL_INTAKE_MUTATIONS.has(name) && !isSupplier(sessionActor) ? MAIL_INTAKE_ACTOR : sessionActor;
}

/** A mail intake mutation refused because its message is already in: a duplicate. */
export function isDuplicateMail(
  name: string,
  run: { status: string; error: { code: string } | null },
): boolean {
  return MAIL_INTAKE_MUTATIONS.has(name) && run.status === 'rejected' && run.error?.code === 'conflict';
}
