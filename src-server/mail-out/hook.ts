/**
 * The server's mail-out in a push: after each applied mutation, the emails it implies
 * join the transaction's writes (Writer.alsoWrite), so they commit with the mutation.
 * The settings are read once per push transaction, not once per mutation.
 */
import { randomUUID } from 'node:crypto';
import type { AppliedHook, Writer } from '../apply';
import { composeEmails, mayCauseEmail } from './compose';
import { insertEmails } from './outbox';
import { readMailSettings, type MailSettings } from './settings';

export function mailOutPushHook(deps: {
  clock: () => number;
  threadKey: Buffer;
  newId?: () => string;
  /** An email was queued: the caller pokes the sender once the push committed. */
  onQueued: () => void;
}): AppliedHook {
  const settingsOf = new WeakMap<Writer, Promise<MailSettings>>();
  return async (w, e) => {
    const now = deps.clock();
    const applied = { ...e, now };
    if (!mayCauseEmail(applied)) return;
    const emails = await composeEmails(
      {
        src: w.source,
        settings: () => {
          let s = settingsOf.get(w);
          if (!s) settingsOf.set(w, (s = readMailSettings(w.tx)));
          return s;
        },
        threadKey: deps.threadKey,
        newId: deps.newId ?? randomUUID,
      },
      applied,
    );
    if (emails.length === 0) return;
    w.alsoWrite(insertEmails(emails, now));
    deps.onQueued();
  };
}
