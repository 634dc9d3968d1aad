/** Who is notified by a log entry, and the colleague email's text. */
import { describe, expect, it } from 'vitest';
import type { Change } from '../domain/mutations/framework';
import type { LogEntry } from '../domain/types';
import { deriveColleagueNotices, noticesOfEntry, renderColleagueEmail } from './colleague';

const entry = (over: Partial<LogEntry>): LogEntry => ({
  id: 'e1',
  reportId: 'r1',
  at: 1,
  actorId: 'lucia',
  kind: 'event',
  action: 'assigned',
  data: null,
  text: null,
  mentions: [],
  ...over,
});
const members: Record<string, string[]> = { manutenzione: ['lucia', 'mario', 'giulia'] };
const membersOf = (g: string) => members[g] ?? [];

describe('colleague notices', () => {
  it('an assignment to a group notifies each member except the actor', () => {
    const n = noticesOfEntry(entry({ data: { kind: 'group', assigneeId: 'manutenzione' } }), membersOf);
    expect(n.map((x) => [x.userId, x.kind, x.groupId])).toEqual([
      ['mario', 'assigned', 'manutenzione'],
      ['giulia', 'assigned', 'manutenzione'],
    ]);
  });
  it('a direct assignment notifies the user, not when they assigned themselves', () => {
    expect(noticesOfEntry(entry({ data: { kind: 'user', assigneeId: 'mario' } }), membersOf)).toHaveLength(1);
    expect(noticesOfEntry(entry({ data: { kind: 'user', assigneeId: 'lucia' } }), membersOf)).toEqual([]);
  });
  it('mentions notify each named user once, never the author; other entries nobody', () => {
    const note = entry({
      action: 'note',
      kind: 'note',
      text: '@mario @mario @lucia',
      mentions: ['mario', 'lucia'],
    });
    expect(noticesOfEntry(note, membersOf).map((x) => [x.userId, x.kind])).toEqual([['mario', 'mention']]);
    expect(noticesOfEntry(entry({ action: 'created', data: { assigneeId: 'mario' } }), membersOf)).toEqual(
      [],
    );
  });
  it('reads only the log entries a mutation put', () => {
    const changes: Change[] = [
      { op: 'put', table: 'log_entries', row: entry({ data: { kind: 'user', assigneeId: 'mario' } }) },
      { op: 'delete', table: 'log_entries', row: entry({ data: { kind: 'user', assigneeId: 'giulia' } }) },
    ];
    expect(deriveColleagueNotices(changes, membersOf).map((x) => x.userId)).toEqual(['mario']);
  });
});

describe('renderColleagueEmail', () => {
  it('speaks Italian and escapes the note in HTML', () => {
    const m = renderColleagueEmail({
      kind: 'mention',
      code: '2026-000042',
      title: 'Perdita d’acqua',
      actorName: 'Lucia Verdi',
      groupName: null,
      noteText: 'Serve <b>subito</b> & presto',
      userName: 'Mario Rossi',
      ente: 'Comune di Bergamo',
    });
    expect(m.subject).toBe('[SEG-2026-000042] Sei stato menzionato: Perdita d’acqua');
    expect(m.text).toContain('Lucia Verdi ti ha menzionato in una nota sulla segnalazione n. 2026-000042');
    expect(m.html).toContain('Serve &lt;b&gt;subito&lt;/b&gt; &amp; presto');
  });
});
