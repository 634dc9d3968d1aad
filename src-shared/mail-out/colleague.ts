/**
 * Colleague notifications: who is told what when a mutation assigns a report (to a
 * user, or to a group: each of its members) or @mentions someone in a note. Derived from
 * the log entries a mutation wrote, like the citizens' notifications (derive.ts), so the
 * in-app list (which reads the same entries from the replica) and the emails agree.
 * Nobody is notified of what they did themselves.
 */
import type { Change } from '../domain/mutations/framework';
import type { LogEntry } from '../domain/types';
import { htmlDocument, textToHtml } from './placeholders';
import type { RenderedEmail } from './render';
import { formatSubjectTag } from './subject';

export type ColleagueNoticeKind = 'assigned' | 'mention';

export interface ColleagueNotice {
  userId: string;
  kind: ColleagueNoticeKind;
  entry: LogEntry;
  /** The group the report was given to, when the user is told as one of its members. */
  groupId: string | null;
}

/** Who is notified by one log entry. `membersOf` answers a group's current members. */
export function noticesOfEntry(entry: LogEntry, membersOf: (groupId: string) => string[]): ColleagueNotice[] {
  const out: ColleagueNotice[] = [];
  const seen = new Set<string>();
  const add = (userId: string, kind: ColleagueNoticeKind, groupId: string | null) => {
    if (userId === entry.actorId || seen.has(userId)) return;
    seen.add(userId);
    out.push({ userId, kind, entry, groupId });
  };
  if (entry.action === 'assigned' && entry.data) {
    const id = String(entry.data.assigneeId ?? '');
    if (entry.data.kind === 'user' && id) add(id, 'assigned', null);
    if (entry.data.kind === 'group' && id) for (const u of membersOf(id)) add(u, 'assigned', id);
  }
  for (const u of entry.mentions ?? []) add(u, 'mention', null);
  return out;
}

export function deriveColleagueNotices(
  changes: readonly Change[],
  membersOf: (groupId: string) => string[],
): ColleagueNotice[] {
  const out: ColleagueNotice[] = [];
  for (const c of changes) {
    if (c.table !== 'log_entries' || c.op !== 'put') continue;
    out.push(...noticesOfEntry(c.row, membersOf));
  }
  return out;
}

export interface ColleagueEmailInput {
  kind: ColleagueNoticeKind;
  code: string;
  title: string;
  actorName: string;
  /** Group name when assigned through a group. */
  groupName: string | null;
  /** The note's text for a mention. */
  noteText: string | null;
  userName: string;
  ente: string;
}

export function renderColleagueEmail(i: ColleagueEmailInput): RenderedEmail {
  const title = i.title.replace(/[\r\n]+/g, ' ').trim();
  const what =
    i.kind === 'mention'
      ? `${i.actorName} ti ha menzionato in una nota`
      : i.groupName
        ? `${i.actorName} ha assegnato al gruppo «${i.groupName}» la segnalazione`
        : `${i.actorName} ti ha assegnato la segnalazione`;
  const subject = `${formatSubjectTag(i.code)} ${
    i.kind === 'mention' ? 'Sei stato menzionato' : 'Nuova assegnazione'
  }: ${title}`;
  const lines = [
    `Ciao ${i.userName},`,
    '',
    i.kind === 'mention'
      ? `${what} sulla segnalazione n. ${i.code} «${title}».`
      : `${what} n. ${i.code} «${title}».`,
  ];
  if (i.noteText) lines.push('', 'Nota:', i.noteText);
  lines.push(
    '',
    'Apri Sportello per vederla. Questa è una notifica automatica: puoi disattivarla dal menu delle notifiche.',
    '',
    i.ente,
  );
  const text = lines.join('\n');
  return { subject, text: text + '\n', html: htmlDocument(subject, textToHtml(text)) };
}
