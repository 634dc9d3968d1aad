import type { CallName } from '../../src-shared/api';
import { requireAdmin } from '../../src-shared/domain';
import { toRule } from '../db/repos/rows';
import type { PartialHandlers } from './handler-types';

type Calls = Extract<CallName, `automations.${string}`>;

export const automationHandlers: PartialHandlers<Calls> = {
  'automations.list': (ctx) => {
    requireAdmin(ctx.actor);
    return (
      ctx.db.prepare('SELECT * FROM automation_rules ORDER BY sort_order, name').all() as Record<
        string,
        unknown
      >[]
    )
      .map(toRule)
      .map(({ updatedAt: _u, ...r }) => r);
  },
  'automations.save': (ctx, input) => {
    const id = input.id ?? ctx.newId();
    ctx.store.mutate('automation.save', { ...input, id }, ctx.actor);
    return { id };
  },
};
