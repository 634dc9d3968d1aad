/**
 * `npm run bench` = `sportello bench [suite] [--reports N] [--data-dir DIR]`.
 * One JSON line per figure on stdout, everything else on stderr. Exit code 0 even when
 * a figure misses its target: the figures are the output, not a verdict.
 */
import { parseArgs } from 'node:util';
import { LOCAL_DEFAULT_REPORTS, runLocal } from './local';
import { log } from './stats';

const SUITES = ['local', 'exports', 'sync'] as const;

export async function runBench(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { reports: { type: 'string' }, 'data-dir': { type: 'string' } },
    });
  } catch (err) {
    log(
      `${(err as Error).message}\nUso: sportello bench [local|exports|sync] [--reports N] [--data-dir CARTELLA]`,
    );
    return 2;
  }
  const suite = parsed.positionals[0] ?? 'local';
  if (!(SUITES as readonly string[]).includes(suite)) {
    log(`bench: suite «${suite}» not implemented yet`);
    return 2;
  }
  const reports = parsed.values.reports === undefined ? LOCAL_DEFAULT_REPORTS : Number(parsed.values.reports);
  if (!Number.isInteger(reports) || reports < 100) {
    log('bench: --reports vuole un numero intero (almeno 100).');
    return 2;
  }
  if (suite === 'sync') {
    await (await import('./sync')).runSyncBench({ reports, dataDir: parsed.values['data-dir'] });
    return 0;
  }
  if (suite === 'exports') {
    await (await import('./exports')).runExportsBench({ reports, dataDir: parsed.values['data-dir'] });
    return 0;
  }
  await runLocal({ reports, dataDir: parsed.values['data-dir'] });
  return 0;
}
