/**
 * Mailboxes on a PC connected to a sync server: the server pulls them
 * (src-server/mail-intake) and owns their settings. The calls that read or change them
 * are forwarded to POST /mail-in/v1/call with the PC's session, so the password typed by
 * an administrator goes to the server once, over the authenticated connection, is sealed
 * there with the server's key and never comes back. The review inbox ("Da revisionare")
 * of those mailboxes lives on the server too: clerks list, confirm and discard there,
 * with their own session (the server checks who may). A standalone PC keeps its own
 * handlers (and its own intake).
 */
import type { z } from 'zod';
import { mailCalls } from '../../src-shared/api/calls-mail';
import type { Sqlite } from '../db/migrate';
import type { PartialHandlers } from './handler-types';
import { callServer, whenSynced } from './server-call';

/** The calls the server's POST /mail-in/v1/call serves (src-server/mail-intake/routes.ts). */
export const REMOTE_MAILBOX_CALLS = [
  'mailboxes.list',
  'mailboxes.save',
  'mailboxes.test',
  'mailReview.list',
  'mailReview.confirm',
  'mailReview.discard',
] as const;
type RemoteCall = (typeof REMOTE_MAILBOX_CALLS)[number];

const TARGET = {
  path: '/mail-in/v1/call',
  timeoutMs: 30_000,
  unreachable: 'Le caselle di posta sono gestite',
};

export async function remoteMailboxCall<N extends RemoteCall>(
  db: Sqlite,
  name: N,
  input: unknown,
): Promise<z.output<(typeof mailCalls)[N]['output']>> {
  return callServer(db, TARGET, name, input, mailCalls[name].output) as Promise<
    z.output<(typeof mailCalls)[N]['output']>
  >;
}

/** The local mailbox handlers on a standalone PC, the server's once this PC syncs. */
export function mailboxesRemoteWhenSynced<H extends PartialHandlers<RemoteCall>>(local: H): H {
  return whenSynced(local, REMOTE_MAILBOX_CALLS, remoteMailboxCall);
}
