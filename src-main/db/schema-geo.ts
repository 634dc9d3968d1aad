/**
 * Offline geography: the municipality's street list (stradario) for address
 * autocomplete and coordinates without network, and the map's local settings
 * (tile source, optional geocoder) which belong to this installation, not to sync.
 */
import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const streets = sqliteTable(
  'streets',
  {
    id: integer('id').primaryKey(),
    street: text('street').notNull(),
    number: text('number').notNull().default(''),
    lat: real('lat').notNull(),
    lon: real('lon').notNull(),
    /** Lower case, no accents, single spaces: "via giuseppe verdi 12". */
    norm: text('norm').notNull(),
  },
  (t) => [index('streets_norm').on(t.norm)],
);

export const geoSettings = sqliteTable('geo_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
