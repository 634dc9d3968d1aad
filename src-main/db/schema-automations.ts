/** Automation rules ("SE … ALLORA"): replicated settings, read by the report mutations. */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const automationRules = sqliteTable('automation_rules', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  sortOrder: integer('sort_order').notNull().default(0),
  onUpdate: integer('on_update', { mode: 'boolean' }).notNull().default(false),
  /** JSON of RuleConditions (src-shared/domain/automations/rules.ts). */
  conditions: text('conditions').notNull(),
  /** JSON of RuleActions. */
  actions: text('actions').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
