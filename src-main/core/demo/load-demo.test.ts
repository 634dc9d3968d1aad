import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestWorld, type TestWorld } from '../../testing/test-core';
import { DEMO_REPORT_COUNT, DEMO_USERS } from './load-demo';

interface Row {
  id: string;
  code: string;
  status: string;
}

let w: TestWorld;
beforeAll(async () => {
  w = await createTestWorld({ demo: true });
});
afterAll(() => w?.cleanup());

const login = async (username: string) => {
  const password = DEMO_USERS.find((u) => u.username === username)!.password;
  return (await w.ok<{ token: string }>('auth.login', { username, password })).token;
};

describe('demo municipality', () => {
  it('loads about two hundred reports, the settings and the municipality', async () => {
    const db = w.core.services.db;
    const n = (db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n;
    expect(n).toBe(DEMO_REPORT_COUNT);
    const buca = db
      .prepare(
        'SELECT c.id FROM categories c JOIN categories p ON p.id = c.parent_id WHERE p.name = ? AND c.name = ?',
      )
      .get('Strada', 'Buca');
    expect(buca).toBeTruthy();
    const info = await w.ok<{ municipality: string; demo: boolean; needsSetup: boolean }>('app.info', {});
    expect(info).toMatchObject({ municipality: 'Comune di Bergamo', demo: true, needsSetup: false });
    // Every report is indexed for search and every mutation left its outbox row.
    const fts = (db.prepare('SELECT count(*) AS n FROM reports_fts').get() as { n: number }).n;
    expect(fts).toBe(DEMO_REPORT_COUNT);
    // Codes follow creation time, and nothing happens in the future.
    const now = w.clock.now;
    const future = db.prepare('SELECT count(*) AS n FROM log_entries WHERE at > ?').get(now) as { n: number };
    expect(future.n).toBe(0);
    const mentions = db.prepare('SELECT count(*) AS n FROM log_entries WHERE mentions IS NOT NULL').get() as {
      n: number;
    };
    expect(mentions.n).toBeGreaterThan(5);
  });

  it('has a varied status mix, closed reports with outcomes, and a few overdue', async () => {
    const db = w.core.services.db;
    const by = Object.fromEntries(
      (
        db.prepare('SELECT status, count(*) AS n FROM reports GROUP BY status').all() as {
          status: string;
          n: number;
        }[]
      ).map((r) => [r.status, r.n]),
    );
    for (const s of ['nuovo', 'in_gestione', 'chiuso']) expect(by[s]).toBeGreaterThan(40);
    const closedWithout = db
      .prepare("SELECT count(*) AS n FROM reports WHERE status = 'chiuso' AND outcome_id IS NULL")
      .get() as { n: number };
    expect(closedWithout.n).toBe(0);
    const overdue = db
      .prepare("SELECT count(*) AS n FROM reports WHERE status != 'chiuso' AND due_at < ?")
      .get(w.clock.now) as { n: number };
    expect(overdue.n).toBeGreaterThan(0);
    expect(overdue.n).toBeLessThan(40);
  });

  it('lets lucia.verdi log in with the demo password', async () => {
    const token = await login('lucia.verdi');
    const me = await w.ok<{ username: string; role: string }>('auth.me', {}, token);
    expect(me).toMatchObject({ username: 'lucia.verdi', role: 'operatore' });
  });

  it('shows ditta.asfalti only the reports given to it or its groups', async () => {
    const token = await login('ditta.asfalti');
    const me = await w.ok<{ id: string; groupIds: string[] }>('auth.me', {}, token);
    const list = await w.ok<{ rows: Row[]; total: number }>(
      'reports.list',
      { filters: { statuses: ['nuovo', 'in_gestione', 'chiuso'] }, limit: 500 },
      token,
    );
    expect(list.rows.length).toBeGreaterThan(0);
    expect(list.total).toBe(list.rows.length);
    for (const row of list.rows) {
      const d = await w.ok<{ assignments: { kind: string; assigneeId: string }[] }>(
        'reports.get',
        { id: row.id },
        token,
      );
      const mine = d.assignments.some(
        (a) =>
          (a.kind === 'user' && a.assigneeId === me.id) ||
          (a.kind === 'group' && me.groupIds.includes(a.assigneeId)),
      );
      expect(mine).toBe(true);
    }
    const staff = await w.ok<{ total: number }>(
      'reports.list',
      { filters: { statuses: ['nuovo', 'in_gestione', 'chiuso'] }, limit: 1 },
      await login('mario.rossi'),
    );
    expect(staff.total).toBe(DEMO_REPORT_COUNT);
    expect(list.total).toBeLessThan(staff.total);
  });

  it('agrees with the dashboard on the count per status', async () => {
    const token = await login('admin');
    const dash = await w.ok<{ byStatus: Record<string, number> }>('dashboard.get', {}, token);
    const rows = w.core.services.db
      .prepare('SELECT status, count(*) AS n FROM reports WHERE merged_into IS NULL GROUP BY status')
      .all() as { status: string; n: number }[];
    const expected = {
      nuovo: 0,
      in_gestione: 0,
      chiuso: 0,
      ...Object.fromEntries(rows.map((r) => [r.status, r.n])),
    };
    expect(dash.byStatus).toEqual(expected);
  });
});
