/**
 * findDuplicates' two steps on a real SQLite file: the tree ranks every report in the
 * box by place and time, only the best TEXT_RERANK are read and re-ranked with the
 * text bonus; merged and excluded reports never come back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../db/migrate';
import { findDuplicates, TEXT_RERANK } from '../db/repos/duplicates';
import { offset, PIAZZA_VECCHIA } from './testing';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T = Date.UTC(2026, 5, 1);

describe('findDuplicates', () => {
  it('re-ranks the nearest and newest by text, skips merged and excluded reports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sportello-dup-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'sportello.db'));
    try {
      migrateDatabase(db);
      db.prepare(
        "INSERT INTO categories (id, parent_id, name, active, sort_order, updated_at) VALUES ('buca', NULL, 'Buca', 1, 0, 0)",
      ).run();
      const ins = db.prepare(
        `INSERT INTO reports (seq, id, code, title, category_id, lat, lon, channel, status, created_by, created_at, updated_by, updated_at)
         VALUES (?, ?, ?, ?, 'buca', ?, ?, 'telefono', ?, 'u1', ?, 'u1', ?)`,
      );
      // r1 … r40, 5 m apart northwards, all made at T: place alone orders them.
      for (let i = 1; i <= 40; i++) {
        const p = offset(i * 5, 0);
        const title = i === 20 || i === 33 ? 'Tombino divelto in carreggiata' : `Segnalazione ${i}`;
        const status = i === 1 ? 'aggregata' : 'nuovo';
        ins.run(i, `r${i}`, `2026-${String(i).padStart(6, '0')}`, title, p.lat, p.lon, status, T, T);
      }
      const probe = (text: string) => ({ categoryId: 'buca', ...PIAZZA_VECCHIA, at: T, around: false, text });
      const ids = (text: string, excludeIds: string[] = []) =>
        findDuplicates(db, probe(text), { excludeIds }).map((d) => d.candidate.id);

      // r1 is merged, r2 excluded: the nearest valid ones, in order.
      expect(ids('', ['r2'])).toEqual(['r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12']);
      // Same words: r20 (within the first TEXT_RERANK by place) comes first; r33 (which would rank ninth on its words) is beyond them.
      expect(TEXT_RERANK).toBeLessThan(32);
      const withText = ids('Tombino divelto in carreggiata');
      expect(withText[0]).toBe('r20');
      expect(withText).not.toContain('r33');
    } finally {
      db.close();
    }
  });
});
