/** @mentions are written as @username in notes; usernames are [a-z0-9._-]. */
const MENTION = /(^|[^\w@.])@([a-z0-9][a-z0-9._-]*[a-z0-9]|[a-z0-9])/gi;

export function extractMentionUsernames(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(MENTION)) out.add(m[2]!.toLowerCase());
  return [...out];
}
