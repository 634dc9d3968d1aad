import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/renderer of this checkout (or SPORTELLO_RENDERER_DIR). */
export function rendererDir(): string {
  if (process.env.SPORTELLO_RENDERER_DIR) return process.env.SPORTELLO_RENDERER_DIR;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidate = resolve(here, '../../dist/renderer');
  return existsSync(candidate) ? candidate : resolve(process.cwd(), 'dist/renderer');
}
