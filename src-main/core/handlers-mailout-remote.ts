/**
 * Mail-out on a PC connected to a sync server: the server is the municipality's one
 * sending node and owns the outbox and the mail settings (src-server/mail-out). The
 * calls that read or change them are forwarded to POST /mail/v1/call with the PC's
 * session, so the SMTP password typed by an administrator goes straight to the server
 * (over the sync connection) and is never stored on a PC. A standalone PC keeps its own
 * handlers.
 */
import type { z } from 'zod';
import { mailOutCalls, serverMailCalls } from '../../src-shared/api/calls-mailout';
import type { Sqlite } from '../db/migrate';
import type { PartialHandlers } from './handler-types';
import { callServer, whenSynced } from './server-call';

/** The calls a synced PC forwards; the server's POST /mail/v1/call serves the same list. */
export const REMOTE_MAIL_CALLS = [
  'mailout.smtp.get',
  'mailout.smtp.save',
  'mailout.test',
  'mailout.rules.get',
  'mailout.rules.save',
  'mailout.templates.list',
  'mailout.templates.save',
  'mailout.forReport',
  'mailout.retry',
] as const;
type RemoteCall = (typeof REMOTE_MAIL_CALLS)[number];

const TARGET = { path: '/mail/v1/call', timeoutMs: 20_000, unreachable: 'Le email sono gestite' };

/** One call on the server, its answer checked against the same contract as a local one. */
export async function remoteMailCall<N extends RemoteCall>(
  db: Sqlite,
  name: N,
  input: unknown,
): Promise<z.output<(typeof mailOutCalls)[N]['output']>> {
  return callServer(db, TARGET, name, input, mailOutCalls[name].output) as Promise<
    z.output<(typeof mailOutCalls)[N]['output']>
  >;
}

/** The server's SMTP refusals of these addresses (delivery trouble on a synced PC). */
export async function serverRefusals(db: Sqlite, emails: string[]) {
  if (emails.length === 0) return [];
  const call = serverMailCalls['mailout.refusedTo'];
  return callServer(db, TARGET, 'mailout.refusedTo', call.input.parse({ emails }), call.output);
}

/** The local handlers on a standalone PC, the server's once this PC syncs. */
export function remoteWhenSynced<H extends PartialHandlers<RemoteCall>>(local: H): H {
  return whenSynced(local, REMOTE_MAIL_CALLS, remoteMailCall);
}
