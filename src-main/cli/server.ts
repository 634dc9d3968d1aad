/**
 * `sportello server`: the municipality's sync server, the administration of its
 * accounts (`sportello server user add`) and the import of a standalone PC's data
 * (`sportello server import`, see server-import.ts).
 *
 *   sportello server [--port 8443] [--host 127.0.0.1] [--database-url URL | env DATABASE_URL]
 *                    [--data-dir DIR] [--tls-cert FILE --tls-key FILE] [--secrets-dir DIR]
 *                    [--snapshot-dir DIR] [--snapshot-minutes 15] [--no-snapshots]
 *
 * New staff PCs start from a snapshot file of the municipality's replica that the server
 * keeps up to date every --snapshot-minutes (src-main/sync/seed; in --snapshot-dir,
 * default <data-dir>/snapshots, or ~/.sportello-server/snapshots with PostgreSQL; about
 * twice the size of one PC's replica on disk). --no-snapshots: they stream rows instead.
 *
 * The server sends the municipality's emails; the SMTP password is sealed with a master
 * key kept outside the database: env SPORTELLO_SECRET_KEY (32 bytes, base64), else the
 * file secrets.key in --secrets-dir (default the data folder, or ~/.sportello-server
 * with PostgreSQL). Every server process on one PostgreSQL needs the same key.
 *
 * Without a database URL the server keeps its data in embedded PostgreSQL (PGlite) under
 * <data-dir>/pgdata: nothing to install. On a network, give it a certificate with
 * --tls-cert/--tls-key, or run it on 127.0.0.1 behind a reverse proxy (nginx, Caddy) that
 * terminates TLS and forwards HTTP and WebSocket upgrades for /sync/v1/.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Role } from '../../src-shared/domain';
import { ROLES, zPassword } from '../../src-shared/domain';
import { addUser } from '../../src-server/admin';
import { createServer } from '../../src-server/app';
import { openStorage } from '../../src-server/storage/open';
import type { Storage } from '../../src-server/storage/storage';
import { createSeedKeeper } from '../sync/seed/keeper';
import { defaultDataDir } from '../core/paths';
import { UsageError } from './main';

export const STORAGE_OPTIONS = {
  'database-url': { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

export function storageConfig(values: { 'database-url'?: string; 'data-dir'?: string }) {
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
  if (databaseUrl) return { databaseUrl };
  return { dataDir: resolve(values['data-dir'] ?? join(defaultDataDir(), '..', 'server')) };
}

export async function server(argv: string[]): Promise<number> {
  if (argv[0] === 'user') {
    if (argv[1] !== 'add') throw new UsageError('Sottocomando sconosciuto: usa «sportello server user add».');
    return userAdd(argv.slice(2));
  }
  if (argv[0] === 'import') return (await import('./server-import')).serverImport(argv.slice(1));
  const { values } = parseArgs({
    args: argv,
    options: {
      ...STORAGE_OPTIONS,
      port: { type: 'string', default: '8443' },
      host: { type: 'string', default: '127.0.0.1' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'secrets-dir': { type: 'string' },
      'snapshot-dir': { type: 'string' },
      'snapshot-minutes': { type: 'string', default: '15' },
      'no-snapshots': { type: 'boolean', default: false },
    },
  });
  const minutes = Number(values['snapshot-minutes']);
  if (!Number.isFinite(minutes) || minutes < 1)
    throw new UsageError('--snapshot-minutes vuole un numero di minuti (almeno 1).');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port vuole un numero di porta.');
  if (!values['tls-cert'] !== !values['tls-key'])
    throw new UsageError('Indica sia --tls-cert sia --tls-key.');
  const tls = values['tls-cert']
    ? { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) }
    : undefined;
  const config = storageConfig(values);
  // The bootstrap snapshots new PCs download (src-main/sync/seed): next to the embedded
  // database, or in the server's home folder with PostgreSQL.
  const snapshotDir = resolve(
    values['snapshot-dir'] ?? join(config.dataDir ?? join(homedir(), '.sportello-server'), 'snapshots'),
  );
  const srv = await createServer({
    ...config,
    ...(values['no-snapshots']
      ? {}
      : {
          snapshots: (storage: Storage) =>
            createSeedKeeper({
              storage,
              dir: snapshotDir,
              refreshMs: minutes * 60_000,
              log: (m) => process.stdout.write(`${m}\n`),
            }),
        }),
    port,
    host: values.host,
    tls,
    logger: { level: 'warn' },
    ...(values['secrets-dir'] ? { secretsDir: resolve(values['secrets-dir']) } : {}),
  });
  process.stdout.write(`Server di sincronizzazione Sportello pronto: ${srv.url}\n`);
  process.stdout.write(
    config.databaseUrl ? 'Dati: PostgreSQL\n' : `Dati: ${config.dataDir} (PostgreSQL integrato)\n`,
  );
  process.stdout.write('(Ctrl+C per chiudere)\n');
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await srv.close();
  return 0;
}

async function userAdd(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...STORAGE_OPTIONS,
      username: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
    },
  });
  if (!values.username || !values.name) throw new UsageError('Indica --username e --name.');
  if (values.role && !ROLES.includes(values.role as Role))
    throw new UsageError(`Ruolo non valido: ${values.role}`);
  const password = values.password ?? randomBytes(9).toString('base64url');
  const pw = zPassword.safeParse(password);
  if (!pw.success) throw new UsageError(pw.error.issues[0]!.message);
  // With the embedded database the server must be stopped: PGlite has one owner at a time.
  const storage = await openStorage(storageConfig(values));
  try {
    const { role } = await addUser(storage, Date.now, {
      username: values.username,
      fullName: values.name,
      role: values.role as Role | undefined,
      email: values.email ?? null,
      password,
    });
    process.stdout.write(`Utente ${values.username.toLowerCase()} creato sul server (${role}).\n`);
    if (!values.password) process.stdout.write(`Password temporanea: ${password}\n`);
    return 0;
  } finally {
    await storage.close();
  }
}
