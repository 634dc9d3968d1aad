/** Automations "SE … ALLORA" (administrators). */
import { z } from 'zod';
import { zRuleActions, zRuleConditions } from '../domain/automations/rules';
import { call, idOut } from './call';

export const zRuleView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  active: z.boolean(),
  sortOrder: z.number(),
  onUpdate: z.boolean(),
  conditions: zRuleConditions,
  actions: zRuleActions,
});

export const automationCalls = {
  'automations.list': call(z.object({}).default({}), z.array(zRuleView)),
  'automations.save': call(
    z.object({
      id: z.string().uuid().optional(),
      name: z.string(),
      description: z.string().default(''),
      active: z.boolean().default(true),
      sortOrder: z.number().int().default(0),
      onUpdate: z.boolean().default(false),
      conditions: zRuleConditions,
      actions: zRuleActions,
    }),
    idOut,
  ),
};
