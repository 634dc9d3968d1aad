import type { CallName, UserView } from '../../src-shared/api';
import type { User } from '../../src-shared/domain';
import { DomainError, requireAdmin } from '../../src-shared/domain';
import { getUser } from '../db/repos/entities';
import { groupIdsByUser, listGroups, listUsers } from '../db/repos/settings-read';
import { actorOf, type AuthService } from './auth-service';
import type { CoreServices } from './context';
import type { PartialHandlers } from './handler-types';

type Calls = Extract<CallName, `settings.${string}` | `auth.${string}`>;

export function userView(u: User, groupIds: string[]): UserView {
  return {
    id: u.id,
    username: u.username,
    fullName: u.fullName,
    email: u.email,
    role: u.role,
    permissions: u.permissions,
    active: u.active,
    notifyByEmail: u.notifyByEmail,
    groupIds,
  };
}

export function appInfo(ctx: CoreServices, needsSetup: boolean) {
  return {
    name: 'Sportello',
    version: ctx.version,
    mode: 'standalone' as const,
    municipality: ctx.municipality(),
    demo: ctx.demo(),
    maxAttachmentBytes: ctx.maxAttachmentBytes,
    needsSetup,
  };
}

export function settingsHandlers(auth: AuthService): PartialHandlers<Calls> {
  return {
    'auth.login': async (ctx, { username, password }) => {
      const s = await auth.login(username, password);
      return {
        token: s.token,
        expiresAt: s.expiresAt,
        user: userView(s.user, actorOf(ctx.db, s.user).groupIds),
      };
    },
    'auth.logout': (ctx) => {
      if (ctx.sessionToken) auth.logout(ctx.sessionToken);
      return { ok: true };
    },
    'auth.me': (ctx) => userView(ctx.user, ctx.actor.groupIds),
    'auth.changePassword': async (ctx, { current, next }) => {
      await auth.changePassword(ctx.user.id, current, next);
      return { ok: true };
    },

    'settings.categories.save': (ctx, input) => {
      const id = input.id ?? ctx.newId();
      ctx.store.mutate('category.save', { ...input, id }, ctx.actor);
      return { id };
    },
    'settings.outcomes.save': (ctx, input) => {
      const id = input.id ?? ctx.newId();
      ctx.store.mutate('outcome.save', { ...input, id }, ctx.actor);
      return { id };
    },
    'settings.users.list': (ctx) => {
      requireAdmin(ctx.actor);
      const groups = groupIdsByUser(ctx.db);
      return listUsers(ctx.db).map((u) => userView(u, groups.get(u.id) ?? []));
    },
    'settings.users.save': async (ctx, { password, ...input }) => {
      requireAdmin(ctx.actor);
      const id = input.id ?? ctx.newId();
      const existing = getUser(ctx.db, id);
      if (!existing && !password)
        throw new DomainError('validation', 'Per un nuovo utente indica una password iniziale.');
      ctx.store.mutate('user.save', { ...input, id }, ctx.actor);
      if (password) await auth.setPassword(id, password);
      // A disabled account loses its open sessions at once.
      if (!input.active) auth.endSessionsOf(id);
      return { id };
    },
    'settings.groups.list': (ctx) => {
      requireAdmin(ctx.actor);
      return listGroups(ctx.db).map(({ updatedAt: _u, ...g }) => g);
    },
    'settings.groups.save': (ctx, input) => {
      const id = input.id ?? ctx.newId();
      ctx.store.mutate('group.save', { ...input, id }, ctx.actor);
      return { id };
    },
  };
}
