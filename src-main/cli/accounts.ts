import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Actor, Role } from '../../src-shared/domain';
import { ROLES, zPassword } from '../../src-shared/domain';
import { createAuthService } from '../core/auth-service';
import { createCore } from '../core/create-core';
import { defaultDataDir } from '../core/paths';
import { getUserByUsername } from '../db/repos/entities';
import { UsageError } from './main';

/** The machine's administrator acting from the command line. */
const SYSTEM_ACTOR: Actor = {
  id: '00000000-0000-7000-8000-000000000000',
  role: 'amministratore',
  permissions: { canReply: true, majorEdits: true, seesReporterData: true, statistics: true, export: true },
  groupIds: [],
};

function temporaryPassword(): string {
  return randomBytes(9).toString('base64url');
}

export async function userAdd(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      username: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'operatore' },
      email: { type: 'string' },
      password: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  if (!values.username || !values.name) throw new UsageError('Indica --username e --name.');
  if (!ROLES.includes(values.role as Role)) throw new UsageError(`Ruolo non valido: ${values.role}`);
  const password = values.password ?? temporaryPassword();
  const pw = zPassword.safeParse(password);
  if (!pw.success) throw new UsageError(pw.error.issues[0]!.message);
  const core = await createCore({ dataDir: resolve(values['data-dir'] ?? defaultDataDir()) });
  try {
    const { db, store, newId, clock } = core.services;
    if (getUserByUsername(db, values.username.toLowerCase())) {
      throw new Error(`Il nome utente «${values.username}» è già in uso.`);
    }
    const role = values.role as Role;
    const admin = role === 'amministratore';
    const id = newId();
    store.mutate(
      'user.save',
      {
        id,
        username: values.username,
        fullName: values.name,
        email: values.email ?? null,
        role,
        permissions: {
          canReply: role !== 'fornitore',
          majorEdits: admin,
          seesReporterData: role !== 'fornitore',
          statistics: admin,
          export: admin,
        },
        active: true,
      },
      SYSTEM_ACTOR,
    );
    await createAuthService(db, clock).setPassword(id, password);
    process.stdout.write(`Utente ${values.username.toLowerCase()} creato (${role}).\n`);
    if (!values.password) process.stdout.write(`Password temporanea: ${password}\n`);
    return 0;
  } finally {
    core.close();
  }
}

export async function resetPassword(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { username: { type: 'string' }, password: { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  if (!values.username) throw new UsageError('Indica --username.');
  const password = values.password ?? temporaryPassword();
  const pw = zPassword.safeParse(password);
  if (!pw.success) throw new UsageError(pw.error.issues[0]!.message);
  const core = await createCore({ dataDir: resolve(values['data-dir'] ?? defaultDataDir()) });
  try {
    const user = getUserByUsername(core.services.db, values.username.toLowerCase());
    if (!user) throw new Error(`Utente «${values.username}» non trovato.`);
    await createAuthService(core.services.db, core.services.clock).setPassword(user.id, password);
    process.stdout.write(`Password di ${user.username} aggiornata; le sessioni aperte sono state chiuse.\n`);
    if (!values.password) process.stdout.write(`Password temporanea: ${password}\n`);
    return 0;
  } finally {
    core.close();
  }
}
