/**
 * Automazioni, pure part of the screen: the editable draft of a rule and the input it
 * saves, the one-line "SE … ALLORA …" summary of the list, and the new orders after
 * "Sposta su/giù". The zod schema and the mutation stay the judges of validity.
 */
import type { CallInput, CallOutput } from '../../src-shared/api';
import { CHANNEL_LABELS, PRIORITY_LABELS } from '../../src-shared/domain/labels';
import type { Channel, Priority } from '../../src-shared/domain/types';

export type RuleView = CallOutput<'automations.list'>[number];
export type RuleInput = CallInput<'automations.save'>;

export const WEEKDAYS = [
  { n: 1, short: 'Lun', long: 'lunedì' },
  { n: 2, short: 'Mar', long: 'martedì' },
  { n: 3, short: 'Mer', long: 'mercoledì' },
  { n: 4, short: 'Gio', long: 'giovedì' },
  { n: 5, short: 'Ven', long: 'venerdì' },
  { n: 6, short: 'Sab', long: 'sabato' },
  { n: 7, short: 'Dom', long: 'domenica' },
] as const;

export interface RuleDraft {
  id?: string;
  name: string;
  description: string;
  active: boolean;
  onUpdate: boolean;
  sortOrder: number;
  categoryIds: string[];
  channels: Channel[];
  /** Comma- or line-separated, as typed. */
  words: string;
  emailDomains: string;
  useTime: boolean;
  days: number[];
  from: string;
  to: string;
  /** [lat, lon] vertices; fewer than 3 = no area. */
  area: [number, number][];
  assignUserIds: string[];
  assignGroupIds: string[];
  takeInCharge: boolean;
  priority: Priority | '';
  daysToClose: number | null;
  note: string;
  forwardToRecipientId: string;
  replyTemplateId: string;
  /** "Aggrega ai duplicati" (see src-shared/domain/duplicates). */
  aggregate: { radiusM: number; hours: number; sameReporterEmail: boolean } | null;
  /** The rule's actions as stored: fields this form does not know are saved back unchanged. */
  stored: Partial<RuleView['actions']>;
}

export function blankDraft(sortOrder: number): RuleDraft {
  return {
    name: '',
    description: '',
    active: true,
    onUpdate: false,
    sortOrder,
    categoryIds: [],
    channels: [],
    words: '',
    emailDomains: '',
    useTime: false,
    days: [1, 2, 3, 4, 5],
    from: '08:00',
    to: '18:00',
    area: [],
    assignUserIds: [],
    assignGroupIds: [],
    takeInCharge: false,
    priority: '',
    daysToClose: null,
    note: '',
    forwardToRecipientId: '',
    replyTemplateId: '',
    aggregate: null,
    stored: {},
  };
}

export function draftOf(r: RuleView): RuleDraft {
  const c = r.conditions;
  const a = r.actions;
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    active: r.active,
    onUpdate: r.onUpdate,
    sortOrder: r.sortOrder,
    categoryIds: [...c.categoryIds],
    channels: [...c.channels],
    words: c.words.join(', '),
    emailDomains: c.emailDomains.join(', '),
    useTime: c.timeWindow !== null,
    days: c.timeWindow ? [...c.timeWindow.days] : [1, 2, 3, 4, 5],
    from: c.timeWindow?.from ?? '08:00',
    to: c.timeWindow?.to ?? '18:00',
    area: c.area ? c.area.map(([la, lo]) => [la, lo] as [number, number]) : [],
    assignUserIds: [...a.assignUserIds],
    assignGroupIds: [...a.assignGroupIds],
    takeInCharge: a.takeInCharge,
    priority: a.priority ?? '',
    daysToClose: a.daysToClose,
    note: a.note ?? '',
    forwardToRecipientId: a.forwardToRecipientId ?? '',
    replyTemplateId: a.replyTemplateId ?? '',
    aggregate: a.aggregate ? { ...a.aggregate } : null,
    stored: { ...a },
  };
}

const list = (s: string) =>
  s
    .split(/[,;\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

export function inputOf(d: RuleDraft): RuleInput {
  const days = d.daysToClose === null || Number.isNaN(d.daysToClose) ? null : d.daysToClose;
  return {
    id: d.id,
    name: d.name.trim(),
    description: d.description.trim(),
    active: d.active,
    onUpdate: d.onUpdate,
    sortOrder: d.sortOrder,
    conditions: {
      categoryIds: d.categoryIds,
      channels: d.channels,
      words: list(d.words),
      emailDomains: list(d.emailDomains),
      timeWindow: d.useTime ? { days: [...d.days].sort(), from: d.from, to: d.to } : null,
      // An unfinished area (one or two points) is sent as drawn: the schema says why it is refused.
      area: d.area.length > 0 ? d.area : null,
    },
    actions: {
      ...d.stored,
      assignUserIds: d.assignUserIds,
      assignGroupIds: d.assignGroupIds,
      takeInCharge: d.takeInCharge,
      priority: d.priority || null,
      daysToClose: days,
      note: d.note.trim() || null,
      forwardToRecipientId: d.forwardToRecipientId || null,
      replyTemplateId: d.replyTemplateId || null,
      aggregate: d.aggregate,
    },
  };
}

/** An option of the forward and reply-template pickers. */
export interface Choice {
  id: string;
  label: string;
}

export interface Names {
  category: (id: string) => string;
  user: (id: string) => string;
  group: (id: string) => string;
  recipient: (id: string) => string;
  template: (id: string) => string;
}

const days = (ns: readonly number[]) =>
  ns.length === 7
    ? 'tutti i giorni'
    : WEEKDAYS.filter((w) => ns.includes(w.n))
        .map((w) => w.short)
        .join(', ');

/** "SE categoria Strada › Buca ALLORA assegna a Lucia Verdi, metti in gestione". */
export function ruleSummary(r: Pick<RuleView, 'conditions' | 'actions'>, names: Names): string {
  const c = r.conditions;
  const a = r.actions;
  const when: string[] = [];
  if (c.categoryIds.length) when.push(`categoria ${c.categoryIds.map(names.category).join(' o ')}`);
  if (c.area) when.push(`nell’area disegnata (${c.area.length} punti)`);
  if (c.timeWindow) when.push(`${days(c.timeWindow.days)} ${c.timeWindow.from}–${c.timeWindow.to}`);
  if (c.channels.length) when.push(`canale ${c.channels.map((ch) => CHANNEL_LABELS[ch]).join(' o ')}`);
  if (c.words.length) when.push(`testo con «${c.words.join('» o «')}»`);
  if (c.emailDomains.length) when.push(`email @${c.emailDomains.join(' o @')}`);
  const then: string[] = [];
  const who = [...a.assignUserIds.map(names.user), ...a.assignGroupIds.map(names.group)];
  if (who.length) then.push(`assegna a ${who.join(', ')}`);
  if (a.takeInCharge) then.push('metti in gestione');
  if (a.priority) then.push(`priorità ${PRIORITY_LABELS[a.priority].toLowerCase()}`);
  if (a.daysToClose) then.push(`chiudere entro ${a.daysToClose} giorni`);
  if (a.forwardToRecipientId) then.push(`inoltra a ${names.recipient(a.forwardToRecipientId)}`);
  if (a.replyTemplateId) then.push(`rispondi con «${names.template(a.replyTemplateId)}»`);
  if (a.note) then.push('aggiungi una nota');
  if (a.aggregate) {
    const who = a.aggregate.sameReporterEmail ? ' dello stesso segnalatore' : '';
    then.push(`aggrega al duplicato${who} entro ${a.aggregate.radiusM} m e ${a.aggregate.hours} ore`);
  }
  return `SE ${when.length ? when.join(' e ') : 'ogni segnalazione'} ALLORA ${then.join(', ') || '—'}`;
}

/**
 * Moving the rule at `index` one place up (-1) or down (+1): every rule gets the order
 * of its new position (10, 20, 30…), and only the rules whose order changed are saved.
 */
export function reorder(
  rules: readonly RuleView[],
  index: number,
  delta: -1 | 1,
): { rule: RuleView; sortOrder: number }[] {
  const to = index + delta;
  if (to < 0 || to >= rules.length) return [];
  const next = [...rules];
  [next[index], next[to]] = [next[to]!, next[index]!];
  return next
    .map((rule, i) => ({ rule, sortOrder: (i + 1) * 10 }))
    .filter((x) => x.rule.sortOrder !== x.sortOrder);
}

/** What a listed rule saves to change one thing (order, on/off). */
export function inputOfView(r: RuleView, patch: Partial<Pick<RuleView, 'sortOrder' | 'active'>>): RuleInput {
  return { ...r, ...patch };
}

/** The first validation error at or under a path ("conditions.words" covers "conditions.words.0"). */
export function errorUnder(fields: Record<string, string> | undefined, path: string): string | undefined {
  if (!fields) return undefined;
  const k = Object.keys(fields).find((key) => key === path || key.startsWith(`${path}.`));
  return k ? fields[k] : undefined;
}
