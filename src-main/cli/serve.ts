import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createCore } from '../core/create-core';
import { defaultDataDir } from '../core/paths';
import { startBrowserHost } from '../host/browser-host';
import { rendererDir } from '../host/renderer-dir';

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      demo: { type: 'boolean', default: false },
      token: { type: 'string' },
    },
  });
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const core = await createCore({ dataDir, demo: values.demo });
  const host = await startBrowserHost({
    core,
    rendererDir: rendererDir(),
    port: values.port ? Number(values.port) : 0,
    token: values.token ?? process.env.SPORTELLO_HOST_TOKEN,
  });
  process.stdout.write(`Sportello è pronto nel browser: ${host.url}\n`);
  process.stdout.write(`Dati: ${dataDir}\n(Ctrl+C per chiudere)\n`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
  core.close();
  return 0;
}
