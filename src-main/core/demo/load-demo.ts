/**
 * The demo municipality (Comune di Bergamo): settings, accounts and ~200 reports spread
 * over the last six months, loaded on first start when the database has no users.
 *
 * Every write goes through the named mutations, so the log, the outbox and the search
 * index look exactly as if clerks had done the work. The core's clock is fixed, so the
 * loader runs its own store on a clock it moves forward event by event, ending at now.
 */
import type { Actor, Channel, Priority, ReportStatus } from '../../../src-shared/domain';
import { createUuidV7 } from '../../../src-shared/domain';
import { setMeta } from '../../db/repos/settings-read';
import type { AuthService } from '../auth-service';
import type { CoreServices } from '../context';
import { createStore, type Store } from '../store';
import { DEMO, DEMO_MUNICIPALITY, LEAF_WEIGHTS } from './demo-data';
import { setDemoPasswords, writeDemoSettings, type DemoDirectory } from './demo-settings';
import { makePerson, type Person } from './people';
import { createRng, type Rng } from './prng';
import { fillNote, makeReportText } from './text';

export { DEMO_ADMIN, DEMO_MUNICIPALITY, DEMO_OPERATOR, DEMO_USERS } from './demo-data';

export const DEMO_REPORT_COUNT = 200;
export const DEMO_SEED = 20_260_501;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const SPAN_DAYS = 182;
const REPORTER_POOL = 110;

interface PlannedEvent {
  at: number;
  order: number;
  run: () => void;
}

export async function loadDemo(services: CoreServices, auth: AuthService): Promise<void> {
  const realNow = services.clock();
  let demoNow = realNow - (SPAN_DAYS + 1) * DAY;
  const store = createStore({ db: services.db, clock: () => demoNow, newId: createUuidV7(() => demoNow) });
  const newId = createUuidV7(() => demoNow);

  let dir: DemoDirectory | undefined;
  // One outer transaction: 1,000 small commits would each wait for an fsync.
  services.db.transaction(() => {
    dir = writeDemoSettings(store, newId);
    setMeta(services.db, 'municipality', DEMO_MUNICIPALITY);
    setMeta(services.db, 'demo', '1');
    const events = planReports(createRng(DEMO_SEED), dir, store, realNow, newId);
    events.sort((a, b) => a.at - b.at || a.order - b.order);
    for (const e of events) {
      demoNow = Math.max(demoNow, e.at);
      e.run();
    }
  })();
  demoNow = realNow;
  await setDemoPasswords(auth, dir!);
}

const CHANNELS: readonly (readonly [Channel, number])[] = [
  ['telefono', 30],
  ['email', 22],
  ['sportello', 18],
  ['web', 14],
  ['app', 10],
  ['pec', 3],
  ['interno', 3],
];
const PRIORITIES: readonly (readonly [Priority, number])[] = [
  ['normale', 65],
  ['alta', 18],
  ['bassa', 10],
  ['urgente', 7],
];
const CREATORS: readonly (readonly [string, number])[] = [
  ['mario.rossi', 45],
  ['lucia.verdi', 25],
  ['paolo.neri', 15],
  ['giulia.bianchi', 10],
  ['admin', 5],
];
const HANDLERS = ['lucia.verdi', 'paolo.neri', 'mario.rossi'] as const;
const STAFF_TO_MENTION = ['lucia.verdi', 'mario.rossi', 'paolo.neri', 'giulia.bianchi'] as const;

/**
 * Decides every report's story (who, when, what) and returns its steps as timed events;
 * the caller replays them in time order so ids, codes and log entries come out in order.
 */
function planReports(
  rng: Rng,
  dir: DemoDirectory,
  store: Store,
  realNow: number,
  newId: () => string,
): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  let order = 0;
  const at = (t: number, run: () => void) => events.push({ at: Math.round(t), order: order++, run });
  const actor = (username: string): Actor => dir.actors.get(username)!;
  const people: { person: Person; id: string }[] = [];
  for (let i = 0; i < REPORTER_POOL; i++) people.push({ person: makePerson(rng), id: '' });
  const closedOutcomes = [
    ['Positivo', 60],
    ['Affidato a terzi', 10],
    ['Non di competenza', 12],
    ['Negativo', 8],
    ['Sospeso', 10],
  ] as const;

  for (let i = 0; i < DEMO_REPORT_COUNT; i++) {
    const status: ReportStatus = rng.weighted([
      ['nuovo', 35],
      ['in_gestione', 35],
      ['chiuso', 30],
    ]);
    const leaf = rng.weighted(LEAF_WEIGHTS);
    const uncategorised = rng.chance(0.04);
    const categoryId = uncategorised ? null : dir.leaves.find((l) => l.leaf === leaf)!.categoryId;
    const days = leaf.days;

    // Open reports are mostly younger than their deadline; a few are overdue on purpose.
    let ageDays: number;
    if (status === 'chiuso') ageDays = rng.between(2, SPAN_DAYS);
    else if (rng.chance(0.07)) ageDays = Math.min(SPAN_DAYS, days + rng.between(1, 20));
    else if (status === 'nuovo') ageDays = rng.between(0.05, Math.min(days * 0.8, 12));
    else ageDays = rng.between(0.5, days * 0.9);
    const created = realNow - ageDays * DAY;
    // Every step of the story happens before `end`, and `end` is in the past.
    const end =
      status === 'chiuso'
        ? created + rng.between(0.3, Math.min(days * 1.3, ageDays - 0.5)) * DAY
        : realNow - Math.min(HOUR, (realNow - created) / 4);
    const span = end - created;
    const step = (fraction: number) => created + fraction * span;

    const creatorName = rng.weighted(CREATORS);
    const creator = actor(creatorName);
    const text = makeReportText(rng, leaf);
    const channel: Channel = creatorName === 'paolo.neri' ? 'interno' : rng.weighted(CHANNELS);
    const priority: Priority =
      leaf.name === 'Alberi pericolanti' ? rng.pick(['alta', 'urgente'] as const) : rng.weighted(PRIORITIES);
    const canSeeReporters = creator.role === 'amministratore' || creator.permissions.seesReporterData;
    const nReporters =
      !canSeeReporters || channel === 'interno'
        ? 0
        : rng.weighted([
            [0, 15],
            [1, 75],
            [2, 10],
          ] as const);
    const picks = new Set<number>();
    // Squared draw: low indexes come back often, like the citizens every office knows.
    for (let k = 0; k < nReporters; k++) picks.add(Math.floor(rng.next() ** 2 * REPORTER_POOL));
    const reportId = newId();
    at(created, () => {
      // Decided when the event runs (in time order): the first report to name a citizen adds them.
      const reporters = [...picks].map((index) => {
        const p = people[index]!;
        if (p.id) return { reporterId: p.id };
        p.id = newId();
        return { reporterId: p.id, newReporter: p.person };
      });
      store.mutate(
        'report.create',
        { id: reportId, fields: { ...text, categoryId, channel, priority }, reporters },
        creator,
      );
    });

    // Assignments: the office in charge, often a person, sometimes a supplier.
    const handler = actor(
      leaf.top.group === 'Ufficio Strade' ? rng.pick(['paolo.neri', 'lucia.verdi']) : rng.pick(HANDLERS),
    );
    const assignees: { kind: 'user' | 'group'; id: string }[] = [];
    if (status !== 'nuovo' || rng.chance(0.3)) {
      if (rng.chance(0.75)) assignees.push({ kind: 'group', id: dir.groupIds.get(leaf.top.group)! });
      if (rng.chance(0.35)) assignees.push({ kind: 'user', id: handler.id });
      if (leaf.top.supplier && rng.chance(0.45)) {
        const supplier = leaf.top.supplier;
        if (supplier === 'ditta.asfalti' && rng.chance(0.4)) {
          assignees.push({ kind: 'group', id: dir.groupIds.get('Fornitori manutenzione')! });
        } else assignees.push({ kind: 'user', id: dir.userIds.get(supplier)! });
      }
    }
    assignees.forEach((a, k) => {
      at(step(0.05 + k * 0.02), () => {
        store.mutate('report.assign', { reportId, kind: a.kind, assigneeId: a.id }, handler);
      });
    });

    if (status !== 'nuovo') {
      at(step(0.15), () => store.mutate('report.setStatus', { reportId, status: 'in_gestione' }, handler));
    }

    // Notes: colleagues asking each other, suppliers reporting progress.
    const nNotes = rng.weighted([
      [0, 55],
      [1, 30],
      [2, 15],
    ] as const);
    for (let k = 0; k < nNotes; k++) {
      const authorName = rng.pick(HANDLERS);
      const mention = rng.pick(STAFF_TO_MENTION.filter((u) => u !== authorName));
      const note = fillNote(rng.pick(DEMO.notes), mention);
      at(step(0.3 + k * 0.2), () =>
        store.mutate('report.addNote', { reportId, text: note }, actor(authorName)),
      );
    }
    const supplierAssigned = assignees.find(
      (a) =>
        a.id === dir.userIds.get('ditta.asfalti') ||
        a.id === dir.userIds.get('ditta.verde') ||
        a.id === dir.groupIds.get('Fornitori manutenzione'),
    );
    if (supplierAssigned && status !== 'nuovo' && rng.chance(0.6)) {
      const supplierName = leaf.top.supplier!;
      const note = rng.pick(DEMO.supplierNotes);
      at(step(0.8), () => store.mutate('report.addNote', { reportId, text: note }, actor(supplierName)));
    }

    if (status === 'chiuso') {
      const label = rng.weighted(closedOutcomes);
      const outcome = dir.outcomes.find((o) => o.label === label)!;
      const closingNote = rng.chance(0.85) ? rng.pick(DEMO.closingNotes[outcome.kind]) : null;
      at(end, () => store.mutate('report.close', { reportId, outcomeId: outcome.id, closingNote }, handler));
    }
  }
  return events;
}
