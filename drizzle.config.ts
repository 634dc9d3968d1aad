import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  // Each capability may keep its tables in its own schema-*.ts file.
  schema: './src-main/db/schema*.ts',
  out: './drizzle',
});
