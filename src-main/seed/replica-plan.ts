/**
 * What one replica report looks like: drawn from the demo's vocabulary, shaped exactly
 * as the mutations would have written it (same columns, same log data JSON).
 */
import type { Channel, Priority, ReportStatus } from '../../src-shared/domain';
import { STATUS_LABELS, uuidv7At } from '../../src-shared/domain';
import { DEMO, LEAF_WEIGHTS } from '../core/demo/demo-data';
import type { DemoDirectory } from '../core/demo/demo-settings';
import type { Rng } from '../core/demo/prng';
import { fillNote, makeReportText } from '../core/demo/text';

const DAY = 86_400_000;

export type ReportValues = [
  seq: number,
  id: string,
  code: string,
  title: string,
  description: string,
  categoryId: string | null,
  address: string,
  lat: number | null,
  lon: number | null,
  channel: Channel,
  status: ReportStatus,
  outcomeId: string | null,
  closingNote: string | null,
  priority: Priority,
  dueAt: number | null,
  createdBy: string,
  createdAt: number,
  updatedBy: string,
  updatedAt: number,
  closedAt: number | null,
];

export type LogValues = [
  reportSeq: number,
  id: string,
  at: number,
  actorId: string,
  kind: 'event' | 'note',
  action: string,
  data: string | null,
  text: string | null,
  mentions: string | null,
];

export type AssignmentValues = [
  reportSeq: number,
  kind: 'user' | 'group',
  assigneeId: string,
  assignedAt: number,
  assignedBy: string,
];

export interface PlannedReport {
  report: ReportValues;
  log: LogValues[];
  assignments: AssignmentValues[];
  /** Reporter pool indexes, in position order. */
  reporterPicks: number[];
}

const CHANNELS: readonly (readonly [Channel, number])[] = [
  ['telefono', 30],
  ['email', 24],
  ['sportello', 16],
  ['web', 14],
  ['app', 10],
  ['pec', 3],
  ['interno', 3],
];
const PRIORITIES: readonly (readonly [Priority, number])[] = [
  ['normale', 68],
  ['alta', 16],
  ['bassa', 10],
  ['urgente', 6],
];
const STATUSES: readonly (readonly [ReportStatus, number])[] = [
  ['nuovo', 15],
  ['in_gestione', 20],
  ['chiuso', 65],
];
const OUTCOMES: readonly (readonly [string, number])[] = [
  ['Positivo', 62],
  ['Affidato a terzi', 10],
  ['Non di competenza', 12],
  ['Negativo', 8],
  ['Sospeso', 8],
];
const STAFF = ['mario.rossi', 'lucia.verdi', 'paolo.neri', 'giulia.bianchi'] as const;

/** Precomputed lookups so the hot loop does no searching. */
export function planContext(dir: DemoDirectory) {
  const user = (u: string) => dir.userIds.get(u)!;
  return {
    leaves: LEAF_WEIGHTS.map(
      ([leaf, w]) => [{ leaf, categoryId: dir.categoryIds.get(leaf.path)! }, w] as const,
    ),
    creators: [
      [user('mario.rossi'), 40],
      [user('lucia.verdi'), 25],
      [user('paolo.neri'), 15],
      [user('giulia.bianchi'), 15],
      [user('admin'), 5],
    ] as const,
    handlers: [user('lucia.verdi'), user('paolo.neri'), user('mario.rossi')],
    staff: STAFF.map((u) => ({ username: u, id: user(u) })),
    outcomes: OUTCOMES.map(([label, w]) => [dir.outcomes.find((o) => o.label === label)!, w] as const),
    groupOf: (name: string) => dir.groupIds.get(name)!,
    userOf: user,
    suppliersGroup: dir.groupIds.get('Fornitori manutenzione')!,
    names: new Map<string, string>([
      ...DEMO.users.map((u) => [user(u.username), u.fullName] as const),
      ...[...dir.groupIds].map(([name, id]) => [id, name] as const),
    ]),
  };
}
export type PlanContext = ReturnType<typeof planContext>;

export interface PlanInput {
  seq: number;
  createdAt: number;
  code: string;
  now: number;
  /** Picks a reporter of the pool for this report (new or recurring). */
  pickReporter: () => number;
}

export function planReport(rng: Rng, ctx: PlanContext, input: PlanInput): PlannedReport {
  const { seq, createdAt, code, now } = input;
  const id = uuidv7At(createdAt, rng.bytes(10));
  const picked = rng.weighted(ctx.leaves);
  const leaf = picked.leaf;
  const categoryId = rng.chance(0.03) ? null : picked.categoryId;
  const text = makeReportText(rng, leaf);
  const creator = rng.weighted(ctx.creators);
  const channel: Channel = rng.weighted(CHANNELS);
  const priority: Priority = rng.weighted(PRIORITIES);
  const status: ReportStatus = rng.weighted(STATUSES);
  const handler = rng.pick(ctx.handlers);
  const dueAt = categoryId ? createdAt + leaf.days * DAY : null;
  const log: LogValues[] = [];
  const event = (at: number, actor: string, action: string, data: unknown) =>
    log.push([
      seq,
      uuidv7At(at, rng.bytes(10)),
      at,
      actor,
      'event',
      action,
      JSON.stringify(data),
      null,
      null,
    ]);
  event(createdAt, creator, 'created', { code, channel });

  // Times of the later steps: within the category's deadline mostly, never in the future.
  const horizon = Math.max(Math.min(now - createdAt - 1000, leaf.days * 1.5 * DAY), 3000);
  const tAssign = createdAt + Math.max(1000, Math.floor(rng.between(0.02, 0.1) * horizon));
  const tStatus = tAssign + Math.max(1000, Math.floor(rng.between(0.02, 0.2) * horizon));
  const tClose = tStatus + Math.max(1000, Math.floor(rng.between(0.1, 0.6) * horizon));

  const assignments: AssignmentValues[] = [];
  if (rng.chance(status === 'nuovo' ? 0.25 : 0.6)) {
    let kind: 'user' | 'group' = 'group';
    let assignee = ctx.groupOf(leaf.top.group);
    if (leaf.top.supplier && rng.chance(0.3)) {
      const useGroup = leaf.top.supplier === 'ditta.asfalti' && rng.chance(0.4);
      kind = useGroup ? 'group' : 'user';
      assignee = useGroup ? ctx.suppliersGroup : ctx.userOf(leaf.top.supplier);
    } else if (rng.chance(0.3)) {
      kind = 'user';
      assignee = handler;
    }
    assignments.push([seq, kind, assignee, tAssign, handler]);
    // The log keeps at most three entries per replica report: closing stories skip this one.
    if (status !== 'chiuso')
      event(tAssign, handler, 'assigned', { kind, assigneeId: assignee, name: ctx.names.get(assignee) });
  }

  let outcomeId: string | null = null;
  let closingNote: string | null = null;
  let updatedAt = log[log.length - 1]![2];
  let closedAt: number | null = null;
  if (status !== 'nuovo') {
    event(tStatus, handler, 'status_changed', {
      before: 'nuovo',
      after: 'in_gestione',
      label: `${STATUS_LABELS.nuovo} → ${STATUS_LABELS.in_gestione}`,
    });
    updatedAt = tStatus;
  }
  if (status === 'chiuso') {
    const outcome = rng.weighted(ctx.outcomes);
    outcomeId = outcome.id;
    closingNote = rng.chance(0.5) ? rng.pick(DEMO.closingNotes[outcome.kind]) : null;
    event(tClose, handler, 'closed', {
      before: 'in_gestione',
      after: 'chiuso',
      outcomeId,
      outcomeLabel: outcome.label,
      closingNote,
    });
    updatedAt = closedAt = tClose;
  } else if (log.length < 3 && rng.chance(0.2)) {
    const author = rng.pick(ctx.staff);
    const others = ctx.staff.filter((s) => s !== author);
    const mentioned = rng.pick(others);
    const note = fillNote(rng.pick(DEMO.notes), mentioned.username);
    const at = updatedAt + Math.max(1000, Math.floor(rng.between(0.01, 0.2) * horizon));
    const mentions = note.includes('@') ? JSON.stringify([mentioned.id]) : null;
    log.push([seq, uuidv7At(at, rng.bytes(10)), at, author.id, 'note', 'note', null, note, mentions]);
  }

  const n =
    channel === 'interno'
      ? 0
      : rng.weighted([
          [0, 30],
          [1, 60],
          [2, 10],
        ] as const);
  const reporterPicks: number[] = [];
  for (let k = 0; k < n; k++) {
    const p = input.pickReporter();
    if (!reporterPicks.includes(p)) reporterPicks.push(p);
  }
  const report: ReportValues = [
    seq,
    id,
    code,
    text.title,
    text.description,
    categoryId,
    text.address,
    text.lat,
    text.lon,
    channel,
    status,
    outcomeId,
    closingNote,
    priority,
    dueAt,
    creator,
    createdAt,
    assignments.length > 0 || status !== 'nuovo' ? handler : creator,
    updatedAt,
    closedAt,
  ];
  return { report, log, assignments, reporterPicks };
}
