import { z } from 'zod';
import { zRuleActions, zRuleConditions } from '../automations/rules';
import { fail } from '../errors';
import { requireAdmin } from '../permissions';
import { zId } from '../schemas';
import { defineMutation } from './framework';

export const automationSave = defineMutation({
  name: 'automation.save',
  args: z.object({
    id: zId,
    name: z.string().trim().min(1, { message: 'Dai un nome alla regola.' }).max(120),
    description: z.string().trim().max(2000).default(''),
    active: z.boolean().default(true),
    sortOrder: z.number().int().default(0),
    onUpdate: z.boolean().default(false),
    conditions: zRuleConditions,
    actions: zRuleActions,
  }),
  reads: (a) => ({
    users: a.actions.assignUserIds,
    groups: a.actions.assignGroupIds,
    categories: a.conditions.categoryIds,
  }),
  apply(state, a, actor, env) {
    requireAdmin(actor);
    for (const id of a.actions.assignUserIds)
      if (!state.users.has(id)) fail('validation', 'La regola assegna a un utente che non esiste.');
    for (const id of a.actions.assignGroupIds)
      if (!state.groups.has(id)) fail('validation', 'La regola assegna a un gruppo che non esiste.');
    for (const id of a.conditions.categoryIds)
      if (!state.categories.has(id)) fail('validation', 'La regola cita una categoria che non esiste.');
    const a0 = a.actions;
    const acts =
      a0.assignUserIds.length +
      a0.assignGroupIds.length +
      (a0.takeInCharge ? 1 : 0) +
      (a0.priority ? 1 : 0) +
      (a0.daysToClose ? 1 : 0) +
      (a0.note ? 1 : 0) +
      (a0.forwardToRecipientId ? 1 : 0) +
      (a0.replyTemplateId ? 1 : 0) +
      (a0.aggregate ? 1 : 0);
    if (acts === 0) fail('validation', 'La regola non fa nulla: scegli almeno un’azione.');
    return {
      changes: [{ op: 'put', table: 'automation_rules', row: { ...a, updatedAt: env.now } }],
      touchedReports: [],
    };
  },
});
