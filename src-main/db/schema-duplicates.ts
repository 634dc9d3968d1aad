/**
 * Likely duplicates: a 4-D R*Tree over reports (latitude, longitude, category key, day
 * of creation), created with its triggers in a custom migration (drizzle has no
 * virtual tables). The category dimension needs a number: category_keys gives every
 * category id that ever appeared a stable integer (never reused, never renumbered, so
 * neither a category's re-save nor a new parent ever rewrites the tree).
 */
import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const categoryKeys = sqliteTable(
  'category_keys',
  {
    k: integer('k').primaryKey(),
    categoryId: text('category_id').notNull(),
  },
  (t) => [uniqueIndex('category_keys_category').on(t.categoryId)],
);
