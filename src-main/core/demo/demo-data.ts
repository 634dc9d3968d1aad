/**
 * The demo municipality's data (resources/demo/bergamo.json), typed. Shared by the
 * demo loader and the benchmark replica generator, so both speak the same vocabulary.
 */
import raw from '../../../resources/demo/bergamo.json';
import type { OutcomeKind, PermissionFlags, Role } from '../../../src-shared/domain';

export interface DemoLeafJson {
  name: string;
  days: number;
  titles: string[];
  descriptions: string[];
}

export interface DemoTopJson {
  name: string;
  days: number;
  group: string;
  supplier?: string;
  children: DemoLeafJson[];
  /** Only for a top-level category used directly (e.g. "Da classificare"). */
  titles?: string[];
  descriptions?: string[];
}

export interface DemoUserJson {
  username: string;
  password: string;
  fullName: string;
  email: string;
  role: Role;
  permissions: PermissionFlags;
}

export interface DemoJson {
  municipality: string;
  belfiore: string;
  cap: string;
  streets: [string, number, number][];
  places: string[];
  maleNames: string[];
  femaleNames: string[];
  surnames: string[];
  emailDomains: string[];
  categories: DemoTopJson[];
  outcomes: { label: string; kind: OutcomeKind }[];
  closingNotes: Record<OutcomeKind, string[]>;
  notes: string[];
  supplierNotes: string[];
  users: DemoUserJson[];
  groups: { name: string; description: string; members: string[] }[];
}

export const DEMO = raw as unknown as DemoJson;

export const DEMO_MUNICIPALITY = DEMO.municipality;

/** Demo accounts and their passwords (shown on the login screen of the demo, used by tests). */
export const DEMO_USERS: readonly { username: string; password: string; fullName: string; role: Role }[] =
  DEMO.users.map(({ username, password, fullName, role }) => ({ username, password, fullName, role }));

/** An operator holding every permission: the account benchmarks and tests log in with. */
export const DEMO_OPERATOR = { username: 'lucia.verdi', password: 'demo1234' } as const;
export const DEMO_ADMIN = { username: 'admin', password: 'admin123' } as const;

/** A category a report can be filed under, with the templates its text is drawn from. */
export interface DemoLeaf {
  /** "Strada > Buca", or "Da classificare" for a top-level category used as is. */
  path: string;
  top: DemoTopJson;
  name: string;
  days: number;
  titles: string[];
  descriptions: string[];
}

export const DEMO_LEAVES: readonly DemoLeaf[] = DEMO.categories.flatMap((top): DemoLeaf[] => {
  const leaves: DemoLeaf[] = top.children.map((c) => ({
    path: `${top.name} > ${c.name}`,
    top,
    name: c.name,
    days: c.days,
    titles: c.titles,
    descriptions: c.descriptions,
  }));
  if (top.titles && top.descriptions) {
    leaves.push({
      path: top.name,
      top,
      name: top.name,
      days: top.days,
      titles: top.titles,
      descriptions: top.descriptions,
    });
  }
  return leaves;
});

/** How often each top-level category shows up: potholes and rubbish dominate real inboxes. */
export const TOP_WEIGHTS: Record<string, number> = {
  Strada: 30,
  'Illuminazione pubblica': 15,
  'Verde pubblico': 17,
  Rifiuti: 22,
  'Acqua e fognature': 9,
  'Da classificare': 7,
};

export const LEAF_WEIGHTS: readonly (readonly [DemoLeaf, number])[] = DEMO_LEAVES.map((leaf) => {
  const siblings = DEMO_LEAVES.filter((l) => l.top === leaf.top).length;
  return [leaf, (TOP_WEIGHTS[leaf.top.name] ?? 5) / siblings] as const;
});

/** Words every replica contains many times: the benchmark searches for them. */
export const COMMON_WORDS = ['buca', 'lampione', 'rifiuti', 'marciapiede', 'tombino', 'alberi'] as const;
