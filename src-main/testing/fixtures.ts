/** A small municipality built through the API, for core tests. */
import type { TestWorld } from './test-core';

export interface Fixture {
  admin: string;
  clerk: string;
  clerkId: string;
  noData: string;
  noDataId: string;
  supplier: string;
  supplierId: string;
  colleagueId: string;
  supplierGroupId: string;
  bucaId: string;
  stradaId: string;
  positivoId: string;
}

const all = { canReply: true, majorEdits: true, seesReporterData: true, statistics: true, export: true };
const none = {
  canReply: false,
  majorEdits: false,
  seesReporterData: false,
  statistics: false,
  export: false,
};

export async function buildFixture(w: TestWorld): Promise<Fixture> {
  const admin = (
    await w.ok<{ token: string }>('setup.createAdmin', {
      username: 'admin',
      fullName: 'Amministratore',
      password: 'admin-password',
    })
  ).token;
  const mkUser = async (username: string, fullName: string, role: string, permissions: object) =>
    (
      await w.ok<{ id: string }>(
        'settings.users.save',
        { username, fullName, role, permissions, password: 'password-' + username },
        admin,
      )
    ).id;
  const clerkId = await mkUser('lucia.verdi', 'Lucia Verdi', 'operatore', all);
  const colleagueId = await mkUser('mario.rossi', 'Mario Rossi', 'operatore', { ...all, majorEdits: false });
  const noDataId = await mkUser('giulia.bianchi', 'Giulia Bianchi', 'operatore', {
    ...all,
    seesReporterData: false,
  });
  const supplierId = await mkUser('ditta.asfalti', 'Asfalti Srl', 'fornitore', none);
  const supplierGroupId = (
    await w.ok<{ id: string }>(
      'settings.groups.save',
      { name: 'Fornitori strade', memberIds: [supplierId] },
      admin,
    )
  ).id;
  const stradaId = (
    await w.ok<{ id: string }>('settings.categories.save', { parentId: null, name: 'Strada' }, admin)
  ).id;
  const bucaId = (
    await w.ok<{ id: string }>(
      'settings.categories.save',
      { parentId: stradaId, name: 'Buca', daysToClose: 10 },
      admin,
    )
  ).id;
  const positivoId = (
    await w.ok<{ id: string }>('settings.outcomes.save', { label: 'Positivo', kind: 'resolved' }, admin)
  ).id;
  const login = async (u: string) =>
    (await w.ok<{ token: string }>('auth.login', { username: u, password: 'password-' + u })).token;
  return {
    admin,
    clerk: await login('lucia.verdi'),
    clerkId,
    noData: await login('giulia.bianchi'),
    noDataId,
    supplier: await login('ditta.asfalti'),
    supplierId,
    colleagueId,
    supplierGroupId,
    bucaId,
    stradaId,
    positivoId,
  };
}
