import type { CallName } from '../../src-shared/api';
import { DomainError } from '../../src-shared/domain';
import { activitiesForReport, listOccurrences } from '../db/repos/activities-read';
import type { PartialHandlers } from './handler-types';

type Calls = Extract<CallName, `activities.${string}`>;

export const activityHandlers: PartialHandlers<Calls> = {
  'activities.list': (ctx, input) => listOccurrences(ctx.db, input, ctx.actor, ctx.clock()),

  'activities.ofReport': (ctx, { reportId }) => {
    const out = activitiesForReport(ctx.db, reportId, ctx.actor, ctx.clock());
    if (!out) throw new DomainError('not_found', 'Segnalazione non trovata o non accessibile.');
    return out;
  },

  'activities.create': (ctx, { reportId, fields }) => {
    const activityId = ctx.newId();
    ctx.store.mutate('activity.create', { reportId, activityId, fields }, ctx.actor);
    return { id: activityId };
  },

  'activities.update': (ctx, input) => {
    const out = ctx.store.mutate('activity.update', input, ctx.actor);
    return { id: (out.value as { id: string } | undefined)?.id ?? input.activityId };
  },

  'activities.setStatus': (ctx, input) => {
    ctx.store.mutate('activity.setStatus', input, ctx.actor);
    return { ok: true as const };
  },
};
