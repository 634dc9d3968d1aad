import { defineConfig } from 'drizzle-kit';

/** The sync server's PostgreSQL migrations (applied at start to PostgreSQL and PGlite alike). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src-server/db/schema.ts',
  out: './drizzle-server',
});
