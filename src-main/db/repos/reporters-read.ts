/** The rubrica: look a citizen up by name, email or phone. */
import type { Reporter } from '../../../src-shared/domain';
import type { Sqlite } from '../migrate';
import { toReporter } from './rows';
import { stmt } from './stmt';

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function searchReporters(db: Sqlite, q: string, limit: number): Reporter[] {
  const text = q.trim();
  if (!text) {
    return (
      stmt(db, 'SELECT * FROM reporters ORDER BY updated_at DESC LIMIT ?').all(limit) as Record<
        string,
        unknown
      >[]
    ).map(toReporter);
  }
  const out = new Map<string, Reporter>();
  const add = (rows: unknown[]) => {
    for (const r of rows as Record<string, unknown>[])
      if (out.size < limit) out.set(r.id as string, toReporter(r));
  };
  const digits = text.replace(/[^\d+]/g, '');
  if (text.includes('@')) {
    add(
      stmt(db, "SELECT * FROM reporters WHERE email LIKE ? ESCAPE '\\' LIMIT ?").all(
        `${likeEscape(text.toLowerCase())}%`,
        limit,
      ),
    );
  }
  if (digits.length >= 3 && digits.length >= text.replace(/\s/g, '').length - 1) {
    add(
      stmt(db, "SELECT * FROM reporters WHERE telefono LIKE ? ESCAPE '\\' LIMIT ?").all(
        `${likeEscape(digits)}%`,
        limit,
      ),
    );
  }
  const words = text.split(/\s+/).filter(Boolean);
  const first = likeEscape(words[0]!) + '%';
  const second = words[1] ? likeEscape(words[1]) + '%' : null;
  if (second) {
    add(
      stmt(
        db,
        `SELECT * FROM reporters WHERE (cognome LIKE ? ESCAPE '\\' COLLATE NOCASE AND nome LIKE ? ESCAPE '\\' COLLATE NOCASE)
           OR (nome LIKE ? ESCAPE '\\' COLLATE NOCASE AND cognome LIKE ? ESCAPE '\\' COLLATE NOCASE) LIMIT ?`,
      ).all(first, second, first, second, limit),
    );
  } else {
    add(
      stmt(db, "SELECT * FROM reporters WHERE cognome LIKE ? ESCAPE '\\' COLLATE NOCASE LIMIT ?").all(
        first,
        limit,
      ),
    );
    add(
      stmt(db, "SELECT * FROM reporters WHERE nome LIKE ? ESCAPE '\\' COLLATE NOCASE LIMIT ?").all(
        first,
        limit,
      ),
    );
    if (!text.includes('@')) {
      add(
        stmt(db, "SELECT * FROM reporters WHERE email LIKE ? ESCAPE '\\' LIMIT ?").all(
          `${likeEscape(text.toLowerCase())}%`,
          limit,
        ),
      );
    }
  }
  return [...out.values()];
}
