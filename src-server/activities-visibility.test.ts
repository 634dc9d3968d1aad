/**
 * Activities replicate with their report: a fornitore's replica receives the activities
 * of the reports it may see and nothing else, loses them when the report is taken away,
 * and the server applies the same permission rules as the PC.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { people, reportArgs, STORAGES, useWorld } from './testing/world';

const MONDAY_9 = Date.UTC(2026, 2, 23, 8, 0); // Monday 23 March 2026, 09:00 in Rome

const activity = (reportId: string, title: string, extra: object = {}) => ({
  reportId,
  activityId: randomUUID(),
  fields: { title, startAt: MONDAY_9, durationMin: 60, ...extra },
});

describe.each(STORAGES)('activities and visibility on %s', (kind) => {
  const world = useWorld(kind);

  it('a fornitore receives only the activities of its reports, may complete its own, and loses them when unassigned', async () => {
    const { admin, op, supplier } = await people(world().server);
    const mine = reportArgs('Tombino rotto');
    const other = reportArgs('Panchina divelta');
    await admin.push({ name: 'report.create', args: mine }, { name: 'report.create', args: other });
    await admin.push({
      name: 'report.assign',
      args: { reportId: mine.id, kind: 'user', assigneeId: supplier.userId },
    });
    const visible = activity(mine.id, 'Sostituire il tombino', {
      assignee: { kind: 'user', id: supplier.userId },
    });
    const hidden = activity(other.id, 'Controllo settimanale', {
      recurrence: { freq: 'weekly', interval: 1, byWeekday: ['MO', 'TH'], until: null, count: 10 },
    });
    const created = await admin.push(
      { name: 'activity.create', args: visible },
      { name: 'activity.create', args: hidden },
    );
    expect(created.outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);

    await supplier.sync();
    const got = supplier.all('report_activities');
    expect(got.map((a) => a.id)).toEqual([visible.activityId]);
    expect(supplier.get('report_activities', `${mine.id}:${visible.activityId}`)).toMatchObject({
      title: 'Sostituire il tombino',
      assigneeId: supplier.userId,
    });
    // Nor the log lines about the other report's activity.
    expect(supplier.all('log_entries').filter((l) => l.reportId === other.id)).toEqual([]);

    // Staff see both.
    await op.sync();
    expect(
      op
        .all('report_activities')
        .map((a) => a.id)
        .sort(),
    ).toEqual([visible.activityId, hidden.activityId].sort());

    const pushes = await supplier.push(
      {
        name: 'activity.setStatus',
        args: {
          reportId: other.id,
          activityId: hidden.activityId,
          occurrenceStart: MONDAY_9,
          status: 'completata',
        },
      },
      { name: 'activity.create', args: activity(mine.id, 'Nuova attività') },
      {
        name: 'activity.setStatus',
        args: { reportId: mine.id, activityId: visible.activityId, status: 'completata', note: 'Sostituito' },
      },
    );
    expect(pushes.outcomes.map((o) => o.error?.code ?? o.status)).toEqual([
      'not_found',
      'forbidden',
      'applied',
    ]);
    await op.sync();
    expect(op.get('report_activities', `${mine.id}:${visible.activityId}`)).toMatchObject({
      status: 'completata',
      completionNote: 'Sostituito',
      updatedBy: supplier.userId,
    });

    await admin.push({
      name: 'report.unassign',
      args: { reportId: mine.id, kind: 'user', assigneeId: supplier.userId },
    });
    const pages = await supplier.sync();
    const dels = pages
      .flatMap((p) => p.changes)
      .filter((c) => c.op === 'del' && c.table === 'report_activities');
    expect(dels.map((c) => c.key)).toEqual([`${mine.id}:${visible.activityId}`]);
    expect(supplier.all('report_activities')).toEqual([]);
  });
});
