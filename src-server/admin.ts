/**
 * Server-side administration: default settings on first start and `server user add`.
 * Both go through the same named mutations and versioned rows as any push, with a
 * system actor, so every replica receives them like any other change.
 */
import type { Actor, OutcomeKind, PermissionFlags, Role } from '../src-shared/domain';
import { createUuidV7, ROLES } from '../src-shared/domain';
import { hashPassword } from '../src-main/core/passwords';
import { withWriter, type Writer } from './apply';
import type { Storage } from './storage/storage';

/** The server itself, acting for the administrator at the console. */
export const SYSTEM_ACTOR: Actor = {
  id: '00000000-0000-7000-8000-000000000000',
  role: 'amministratore',
  permissions: { canReply: true, majorEdits: true, seesReporterData: true, statistics: true, export: true },
  groupIds: [],
};

const DEFAULT_OUTCOMES: [string, OutcomeKind][] = [
  ['Positivo', 'resolved'],
  ['Negativo', 'not_resolved'],
  ['Non di competenza', 'not_competent'],
  ['Sospeso', 'suspended'],
  ['Affidato a terzi', 'resolved'],
];

async function run(w: Writer, name: string, args: unknown): Promise<unknown> {
  const r = await w.mutate(name, args, SYSTEM_ACTOR);
  if (r.status === 'rejected') throw new Error(r.error!.message);
  return r.value;
}

/** On a new server: the default outcomes and the "Da classificare" category, once. */
export async function ensureDefaults(storage: Storage, clock: () => number): Promise<number | null> {
  const newId = createUuidV7(clock);
  const { newVersion } = await withWriter(storage, { clock, newId }, async (w) => {
    const [done] = await w.tx.query("SELECT 1 FROM meta WHERE key = 'defaults'");
    if (done) return;
    for (const [i, [label, kind]] of DEFAULT_OUTCOMES.entries()) {
      await run(w, 'outcome.save', { id: newId(), label, kind, active: true, sortOrder: i });
    }
    await run(w, 'category.save', {
      id: newId(),
      parentId: null,
      name: 'Da classificare',
      active: true,
      daysToClose: null,
      sortOrder: 0,
    });
    await w.tx.query(`INSERT INTO meta (key, value) VALUES ('defaults', $1::jsonb)`, [
      JSON.stringify({ at: clock() }),
    ]);
  });
  return newVersion;
}

export function defaultPermissions(role: Role): PermissionFlags {
  const admin = role === 'amministratore';
  return {
    canReply: role !== 'fornitore',
    majorEdits: admin,
    seesReporterData: role !== 'fornitore',
    statistics: admin,
    export: admin,
  };
}

export interface NewUser {
  username: string;
  fullName: string;
  /** Default: amministratore on an empty server, operatore otherwise. */
  role?: Role;
  email?: string | null;
  password: string;
  permissions?: Partial<PermissionFlags>;
  id?: string;
}

/** Creates a user (as `user.save` by the system) and its password hash. */
export async function addUser(
  storage: Storage,
  clock: () => number,
  input: NewUser,
): Promise<{ id: string; role: Role; newVersion: number | null }> {
  if (input.role && !ROLES.includes(input.role)) throw new Error(`Ruolo non valido: ${input.role}`);
  const newId = createUuidV7(clock);
  const id = input.id ?? newId();
  const hash = await hashPassword(input.password);
  const { value: role, newVersion } = await withWriter(storage, { clock, newId }, async (w) => {
    const [any] = await w.tx.query("SELECT 1 FROM sync_rows WHERE tbl = 'users' AND NOT deleted LIMIT 1");
    if (!any && input.role && input.role !== 'amministratore') {
      throw new Error('Il primo utente del server deve essere un amministratore.');
    }
    const role: Role = input.role ?? (any ? 'operatore' : 'amministratore');
    await run(w, 'user.save', {
      id,
      username: input.username,
      fullName: input.fullName,
      email: input.email ?? null,
      role,
      permissions: { ...defaultPermissions(role), ...input.permissions },
      active: true,
    });
    await w.tx.query('INSERT INTO credentials (user_id, password_hash, changed_at) VALUES ($1, $2, $3)', [
      id,
      hash,
      clock(),
    ]);
    return role;
  });
  return { id, role, newVersion };
}
