/**
 * The demo municipality's configuration (users, groups, categories, outcomes), written
 * through the same named mutations an administrator's clicks would run.
 */
import type { Actor, OutcomeKind, PermissionFlags } from '../../../src-shared/domain';
import type { AuthService } from '../auth-service';
import type { Store } from '../store';
import { DEMO, DEMO_LEAVES, type DemoLeaf } from './demo-data';

const ALL: PermissionFlags = {
  canReply: true,
  majorEdits: true,
  seesReporterData: true,
  statistics: true,
  export: true,
};

export interface DemoDirectory {
  admin: Actor;
  /** username → id */
  userIds: Map<string, string>;
  /** username → actor as the core would build it (with its groups). */
  actors: Map<string, Actor>;
  /** group name → id */
  groupIds: Map<string, string>;
  /** category path ("Strada", "Strada > Buca") → id */
  categoryIds: Map<string, string>;
  leaves: { leaf: DemoLeaf; categoryId: string }[];
  outcomes: { id: string; label: string; kind: OutcomeKind }[];
}

/** Writes the settings; the first user (admin) creates itself, as in setup.createAdmin. */
export function writeDemoSettings(store: Store, newId: () => string): DemoDirectory {
  const userIds = new Map<string, string>();
  for (const u of DEMO.users) userIds.set(u.username, newId());
  const adminJson = DEMO.users.find((u) => u.role === 'amministratore');
  if (!adminJson) throw new Error('demo data: no administrator');
  const admin: Actor = {
    id: userIds.get(adminJson.username)!,
    role: 'amministratore',
    permissions: ALL,
    groupIds: [],
  };

  for (const u of DEMO.users) {
    store.mutate(
      'user.save',
      {
        id: userIds.get(u.username),
        username: u.username,
        fullName: u.fullName,
        email: u.email,
        role: u.role,
        permissions: u.permissions,
        active: true,
        notifyByEmail: false,
      },
      admin,
    );
  }

  const groupIds = new Map<string, string>();
  const groupsOf = new Map<string, string[]>();
  for (const g of DEMO.groups) {
    const id = newId();
    groupIds.set(g.name, id);
    for (const m of g.members) groupsOf.set(m, [...(groupsOf.get(m) ?? []), id]);
    store.mutate(
      'group.save',
      {
        id,
        name: g.name,
        description: g.description,
        active: true,
        memberIds: g.members.map((m) => userIds.get(m)!),
      },
      admin,
    );
  }

  const categoryIds = new Map<string, string>();
  DEMO.categories.forEach((top, i) => {
    const id = newId();
    categoryIds.set(top.name, id);
    store.mutate(
      'category.save',
      { id, parentId: null, name: top.name, daysToClose: top.days, sortOrder: i * 10 },
      admin,
    );
    top.children.forEach((c, j) => {
      const cid = newId();
      categoryIds.set(`${top.name} > ${c.name}`, cid);
      store.mutate(
        'category.save',
        { id: cid, parentId: id, name: c.name, daysToClose: c.days, sortOrder: j * 10 },
        admin,
      );
    });
  });

  const outcomes = DEMO.outcomes.map((o, i) => {
    const id = newId();
    store.mutate('outcome.save', { id, label: o.label, kind: o.kind, sortOrder: i * 10 }, admin);
    return { id, label: o.label, kind: o.kind };
  });

  const actors = new Map<string, Actor>();
  for (const u of DEMO.users) {
    actors.set(u.username, {
      id: userIds.get(u.username)!,
      role: u.role,
      permissions: u.permissions,
      groupIds: groupsOf.get(u.username) ?? [],
    });
  }
  const leaves = DEMO_LEAVES.map((leaf) => ({ leaf, categoryId: categoryIds.get(leaf.path)! }));
  return { admin, userIds, actors, groupIds, categoryIds, leaves, outcomes };
}

/** Hashes the demo passwords (scrypt: slow on purpose, so done once per user, outside transactions). */
export async function setDemoPasswords(auth: AuthService, dir: DemoDirectory): Promise<void> {
  for (const u of DEMO.users) await auth.setPassword(dir.userIds.get(u.username)!, u.password);
}
