#!/usr/bin/env node
/**
 * `sportello` command line: registers tsx so Node runs the TypeScript sources directly,
 * then hands the arguments to src-main/cli/main.ts. The exit code is set, not forced,
 * so long-running commands (serve) keep the process alive until they stop.
 */
import { register } from 'tsx/esm/api';

register();

try {
  const cli = await import(new URL('../src-main/cli/main.ts', import.meta.url).href);
  process.exitCode = await cli.main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
}
