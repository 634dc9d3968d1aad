/**
 * `npm run bench` = `sportello bench [suite] [--reports N] [--data-dir DIR]`.
 * One JSON line per figure on stdout, everything else on stderr. Exit code 0 even when
 * a figure misses its target: the figures are the output, not a verdict.
 */
import { parseArgs } from 'node:util';
import { LOCAL_DEFAULT_REPORTS, runLocal } from './local';
import { log } from './stats';

const SUITES = [
  'local',
  'exports',
  'sync',
  'mail-in',
  'mail-out',
  'notifications',
  'activities',
  'map',
  'automations',
] as const;

export async function runBench(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        reports: { type: 'string' },
        messages: { type: 'string' },
        'data-dir': { type: 'string' },
      },
    });
  } catch (err) {
    log(
      `${(err as Error).message}\nUso: sportello bench [local|exports|sync|mail-in|mail-out|notifications|map] [--reports N] [--messages N] [--data-dir CARTELLA]`,
    );
    return 2;
  }
  const suite = parsed.positionals[0] ?? 'local';
  if (!(SUITES as readonly string[]).includes(suite)) {
    log(`bench: suite «${suite}» not implemented yet`);
    return 2;
  }
  if (suite === 'mail-in') {
    const { MAIL_IN_DEFAULT_MESSAGES, runMailInBench } = await import('./mail-in');
    const messages =
      parsed.values.messages === undefined ? MAIL_IN_DEFAULT_MESSAGES : Number(parsed.values.messages);
    if (!Number.isInteger(messages) || messages < 10) {
      log('bench: --messages vuole un numero intero (almeno 10).');
      return 2;
    }
    await runMailInBench({ messages });
    return 0;
  }
  if (suite === 'mail-out') {
    const { MAIL_OUT_DEFAULT_MESSAGES, runMailOutBench } = await import('./mail-out');
    const messages =
      parsed.values.messages === undefined ? MAIL_OUT_DEFAULT_MESSAGES : Number(parsed.values.messages);
    if (!Number.isInteger(messages) || messages < 10) {
      log('bench: --messages vuole un numero intero (almeno 10).');
      return 2;
    }
    await runMailOutBench({ messages });
    return 0;
  }
  if (suite === 'map') {
    // Without --reports: replicas of 12,000 and 60,000 reports (about 10,000 and 50,000 markers).
    const n = parsed.values.reports === undefined ? undefined : Number(parsed.values.reports);
    if (n !== undefined && (!Number.isInteger(n) || n < 100)) {
      log('bench: --reports vuole un numero intero (almeno 100).');
      return 2;
    }
    await (await import('./map')).runMapBench({ reports: n, dataDir: parsed.values['data-dir'] });
    return 0;
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
  if (suite === 'activities') {
    await (await import('./activities')).runActivitiesBench({ reports });
    return 0;
  }
  if (suite === 'notifications') {
    await (
      await import('./notifications')
    ).runNotificationsBench({ reports, dataDir: parsed.values['data-dir'] });
    return 0;
  }
  if (suite === 'automations') {
    await (
      await import('./automations')
    ).runAutomationsBench({ reports, dataDir: parsed.values['data-dir'] });
    return 0;
  }
  if (suite === 'exports') {
    await (await import('./exports')).runExportsBench({ reports, dataDir: parsed.values['data-dir'] });
    return 0;
  }
  await runLocal({ reports, dataDir: parsed.values['data-dir'] });
  return 0;
}
