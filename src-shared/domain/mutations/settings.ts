import { z } from 'zod';
import { fail } from '../errors';
import { requireAdmin, requireReporterData, requireStaff } from '../permissions';
import { zId, zOutcomeKind, zPermissions, zReporterInput, zRole, zUsername } from '../schemas';
import type { Change } from './framework';
import { defineMutation } from './framework';
import { reporterRow } from './reporter-rows';

const name = (label: string) =>
  z
    .string()
    .trim()
    .min(1, { message: `${label}: il nome è obbligatorio.` })
    .max(120);

export const categorySave = defineMutation({
  name: 'category.save',
  args: z.object({
    id: zId,
    parentId: zId.nullable(),
    name: name('Categoria'),
    active: z.boolean().default(true),
    daysToClose: z.number().int().min(0).max(3650).nullable().default(null),
    duplicateRadiusM: z.number().int().min(0).max(5000).nullable().default(null),
    duplicateDays: z.number().int().min(1).max(3650).nullable().default(null),
    sortOrder: z.number().int().default(0),
  }),
  reads: (a) => ({ categories: a.parentId ? [a.id, a.parentId] : [a.id] }),
  apply(state, a, actor, env) {
    requireAdmin(actor);
    if (a.parentId) {
      if (a.parentId === a.id)
        fail('validation', 'Una categoria non può essere sottocategoria di sé stessa.');
      const parent = state.categories.get(a.parentId);
      if (!parent) fail('validation', 'Categoria principale inesistente.');
      if (parent!.parentId)
        fail('validation', 'Le categorie hanno due livelli: scegli una categoria principale.');
    }
    return {
      changes: [{ op: 'put', table: 'categories', row: { ...a, updatedAt: env.now } }],
      touchedReports: [],
    };
  },
});

export const outcomeSave = defineMutation({
  name: 'outcome.save',
  args: z.object({
    id: zId,
    label: name('Esito'),
    kind: zOutcomeKind,
    active: z.boolean().default(true),
    sortOrder: z.number().int().default(0),
  }),
  reads: () => ({}),
  apply(_state, a, actor, env) {
    requireAdmin(actor);
    return {
      changes: [{ op: 'put', table: 'outcomes', row: { ...a, updatedAt: env.now } }],
      touchedReports: [],
    };
  },
});

export const userSave = defineMutation({
  name: 'user.save',
  args: z.object({
    id: zId,
    username: zUsername,
    fullName: name('Utente'),
    email: z
      .string()
      .trim()
      .toLowerCase()
      .email({ message: 'Indirizzo email non valido.' })
      .nullable()
      .default(null),
    role: zRole,
    permissions: zPermissions,
    active: z.boolean().default(true),
    notifyByEmail: z.boolean().default(false),
  }),
  reads: (a) => ({ users: [a.id], usernames: [a.username] }),
  apply(state, a, actor, env) {
    requireAdmin(actor);
    const clash = state.usernames.get(a.username);
    if (clash && clash.id !== a.id) fail('conflict', `Il nome utente «${a.username}» è già in uso.`);
    if (a.id === actor.id && (!a.active || a.role !== 'amministratore')) {
      fail('validation', 'Non puoi disattivare il tuo account né toglierti il ruolo di amministratore.');
    }
    const existing = state.users.get(a.id);
    return {
      changes: [
        {
          op: 'put',
          table: 'users',
          row: { ...a, createdAt: existing?.createdAt ?? env.now, updatedAt: env.now },
        },
      ],
      touchedReports: [],
    };
  },
});

export const groupSave = defineMutation({
  name: 'group.save',
  args: z.object({
    id: zId,
    name: name('Gruppo'),
    description: z.string().trim().max(1000).default(''),
    active: z.boolean().default(true),
    memberIds: z.array(zId).max(1000).default([]),
  }),
  reads: (a) => ({ groups: [a.id], users: a.memberIds }),
  apply(state, a, actor, env) {
    requireAdmin(actor);
    const members = [...new Set(a.memberIds)];
    for (const id of members)
      if (!state.users.has(id)) fail('validation', 'Un membro del gruppo non esiste.');
    const before = state.groups.get(a.id)?.memberIds ?? [];
    const changes: Change[] = [
      {
        op: 'put',
        table: 'groups',
        row: { id: a.id, name: a.name, description: a.description, active: a.active, updatedAt: env.now },
      },
    ];
    for (const userId of before) {
      if (!members.includes(userId))
        changes.push({ op: 'delete', table: 'group_members', row: { groupId: a.id, userId } });
    }
    for (const userId of members) {
      if (!before.includes(userId))
        changes.push({ op: 'put', table: 'group_members', row: { groupId: a.id, userId } });
    }
    return { changes, touchedReports: [] };
  },
});

export const reporterSave = defineMutation({
  name: 'reporter.save',
  args: z.object({ id: zId, reporter: zReporterInput }),
  reads: (a) => ({ reporters: [a.id] }),
  apply(state, a, actor, env) {
    requireStaff(actor, 'modificare la rubrica');
    requireReporterData(actor);
    const existing = state.reporters.get(a.id);
    const row = reporterRow(a.id, a.reporter, env);
    if (existing) row.createdAt = existing.createdAt;
    // Reports linked to this reporter are re-indexed by the store (it knows the links).
    return { changes: [{ op: 'put', table: 'reporters', row }], touchedReports: [] };
  },
});
