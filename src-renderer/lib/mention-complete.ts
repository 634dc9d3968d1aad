/**
 * @mention autocomplete for the note composer: find the "@word" being typed at the
 * caret, filter users, and splice the chosen username back in.
 */
export interface MentionQuery {
  /** Index of the "@" in the text. */
  start: number;
  /** What follows the "@" up to the caret (may be empty). */
  query: string;
}

export interface MentionUser {
  id: string;
  username: string;
  fullName: string;
  active?: boolean;
}

/** The mention being typed at `caret`, or null when the caret is not in one. */
export function mentionAt(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const m = /(^|[^\w@.])@([\w.-]*)$/.exec(before);
  if (!m) return null;
  const query = m[2] ?? '';
  return { start: caret - query.length - 1, query };
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** Users whose username or any word of the full name starts with the query. */
export function matchUsers<U extends MentionUser>(users: readonly U[], query: string, limit = 8): U[] {
  const q = fold(query);
  const scored: { u: U; score: number }[] = [];
  for (const u of users) {
    if (u.active === false) continue;
    const name = fold(u.fullName);
    const uname = u.username.toLowerCase();
    let score = -1;
    if (!q) score = 0;
    else if (uname.startsWith(q)) score = 3;
    else if (name.startsWith(q)) score = 2;
    else if (name.split(/\s+/).some((w) => w.startsWith(q))) score = 1;
    else if (uname.includes(q)) score = 0;
    if (score >= 0) scored.push({ u, score });
  }
  scored.sort((a, b) => b.score - a.score || a.u.fullName.localeCompare(b.u.fullName, 'it'));
  return scored.slice(0, limit).map((s) => s.u);
}

/** Replaces the mention being typed with "@username " and returns the new caret. */
export function applyMention(
  text: string,
  mention: MentionQuery,
  username: string,
): { text: string; caret: number } {
  let end = mention.start + 1 + mention.query.length;
  // A caret inside a word replaces the whole word.
  end += /^[\w.-]*/.exec(text.slice(end))![0].length;
  const insert = `@${username} `;
  const after = text.slice(end).replace(/^\s/, '');
  return { text: text.slice(0, mention.start) + insert + after, caret: mention.start + insert.length };
}

export type NotePart = { kind: 'text'; text: string } | { kind: 'mention'; text: string; username: string };

/** Splits a note into plain text and @mentions of known usernames, for highlighting. */
export function splitMentions(text: string, knownUsernames?: ReadonlySet<string>): NotePart[] {
  const out: NotePart[] = [];
  const re = /(^|[^\w@.])@([a-z0-9][a-z0-9._-]*[a-z0-9]|[a-z0-9])/gi;
  let last = 0;
  for (const m of text.matchAll(re)) {
    const username = m[2]!.toLowerCase();
    if (knownUsernames && !knownUsernames.has(username)) continue;
    const at = m.index + m[1]!.length;
    if (at > last) out.push({ kind: 'text', text: text.slice(last, at) });
    out.push({ kind: 'mention', text: `@${m[2]}`, username });
    last = at + 1 + m[2]!.length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}
