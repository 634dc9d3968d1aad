/**
 * Automations "SE … ALLORA": ordered rules an administrator writes, evaluated when a
 * report is created (and, where a rule says so, when it changes).
 *
 * Where they run: inside the report mutations themselves. A mutation is replayed by
 * the sync server with the same rules (they are replicated settings), so the server's
 * application is the one that persists and a rule fires exactly once per report,
 * whichever PC entered it; a PC offline shows the rule's effect at once, optimistically.
 */
import { z } from 'zod';
import { CHANNELS, PRIORITIES } from '../types';

const zPoint = z.tuple([
  z.number().min(-90, { message: 'Un punto dell’area ha una latitudine non valida.' }).max(90, {
    message: 'Un punto dell’area ha una latitudine non valida.',
  }),
  z.number().min(-180, { message: 'Un punto dell’area ha una longitudine non valida.' }).max(180, {
    message: 'Un punto dell’area ha una longitudine non valida.',
  }),
]);
const zHour = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'Indica le ore nel formato HH:MM.' });

export const zRuleConditions = z.object({
  /** Category ids; a parent category covers its subcategories. Empty = any. */
  categoryIds: z
    .array(z.string().uuid({ message: 'Categoria non valida.' }))
    .max(200, { message: 'Al massimo 200 categorie per regola.' })
    .default([]),
  /** A polygon drawn on the map, [lat, lon] vertices. */
  area: z
    .array(zPoint)
    .min(3, { message: 'L’area sulla mappa deve avere almeno 3 punti.' })
    .max(500, { message: 'L’area sulla mappa può avere al massimo 500 punti.' })
    .nullable()
    .default(null),
  /** Days of the week (1 = Monday … 7 = Sunday) and hours "HH:MM"–"HH:MM" in Europe/Rome; may cross midnight. */
  timeWindow: z
    .object({
      days: z
        .array(z.number().int().min(1).max(7))
        .min(1, { message: 'Per la fascia oraria scegli almeno un giorno della settimana.' })
        .max(7),
      from: zHour,
      to: zHour,
    })
    .refine((w) => w.from !== w.to, { message: 'La fascia oraria deve avere un inizio diverso dalla fine.' })
    .nullable()
    .default(null),
  channels: z.array(z.enum(CHANNELS)).max(7).default([]),
  /** Any of these words in title or description (accents and case folded). */
  words: z
    .array(
      z
        .string()
        .trim()
        .min(2, { message: 'Ogni parola da cercare deve avere almeno 2 caratteri.' })
        .max(60, { message: 'Ogni parola da cercare può avere al massimo 60 caratteri.' }),
    )
    .max(50, { message: 'Al massimo 50 parole per regola.' })
    .default([]),
  /** Reporter email domains, e.g. "comune.bergamo.it". */
  emailDomains: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .transform((d) => d.replace(/^@/, ''))
        .refine((d) => /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d) && d.length <= 253, {
          message: 'Dominio email non valido (per esempio comune.bergamo.it).',
        }),
    )
    .max(50, { message: 'Al massimo 50 domini per regola.' })
    .default([]),
});
export type RuleConditions = z.output<typeof zRuleConditions>;

export const zRuleActions = z.object({
  assignUserIds: z.array(z.string().uuid()).max(50).default([]),
  assignGroupIds: z.array(z.string().uuid()).max(50).default([]),
  /** "Metti subito in gestione". */
  takeInCharge: z.boolean().default(false),
  priority: z.enum(PRIORITIES).nullable().default(null),
  daysToClose: z
    .number()
    .int({ message: 'I giorni per chiudere devono essere un numero intero.' })
    .min(1, { message: 'I giorni per chiudere devono essere almeno 1.' })
    .max(3650, { message: 'I giorni per chiudere possono essere al massimo 3650.' })
    .nullable()
    .default(null),
  note: z
    .string()
    .trim()
    .max(2000, { message: 'La nota può avere al massimo 2000 caratteri.' })
    .nullable()
    .transform((v) => (v ? v : null))
    .default(null),
  /** Address-book recipient to forward to, and reply template to send: carried out by mail-out. */
  forwardToRecipientId: z.string().uuid().nullable().default(null),
  replyTemplateId: z.string().uuid().nullable().default(null),
  /**
   * "Aggrega ai duplicati": a new report joins the best likely duplicate of the same
   * category within radiusM and hours (with a reporter of the same email, if asked).
   */
  aggregate: z
    .object({
      radiusM: z.number().int().min(1).max(1000).default(50),
      hours: z
        .number()
        .int()
        .min(1)
        .max(24 * 90)
        .default(24),
      sameReporterEmail: z.boolean().default(true),
    })
    .nullable()
    .default(null),
});
export type RuleActions = z.output<typeof zRuleActions>;

export interface AutomationRule {
  id: string;
  name: string;
  description: string;
  active: boolean;
  sortOrder: number;
  /** Also when a report changes (category, place, text), not only when it is created. */
  onUpdate: boolean;
  conditions: RuleConditions;
  actions: RuleActions;
  updatedAt: number;
}

export interface RuleSubject {
  categoryId: string | null;
  /** Parent of categoryId, if any: a rule on the parent covers it. */
  parentCategoryId: string | null;
  lat: number | null;
  lon: number | null;
  channel: string;
  title: string;
  description: string;
  reporterEmails: string[];
  /** When the report was made (epoch ms). */
  at: number;
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Ray casting on [lat, lon] vertices: fine for a town's streets (no antimeridian here). */
export function pointInPolygon(
  lat: number,
  lon: number,
  poly: readonly (readonly [number, number])[],
): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [yi, xi] = poly[i]!;
    const [yj, xj] = poly[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const ROME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Day of week (1–7) and minutes since midnight in Europe/Rome. */
export function romeClock(ms: number): { day: number; minutes: number } {
  const parts = Object.fromEntries(ROME.formatToParts(ms).map((p) => [p.type, p.value]));
  return { day: WEEKDAY[parts.weekday!]!, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/**
 * A window "22:00–06:00 on Friday" covers Friday 22:00 to Saturday 06:00: the part
 * after midnight belongs to the day the window started.
 */
export function inTimeWindow(ms: number, w: NonNullable<RuleConditions['timeWindow']>): boolean {
  return inWindowAt(romeClock(ms), w);
}

function inWindowAt(
  { day, minutes }: { day: number; minutes: number },
  w: NonNullable<RuleConditions['timeWindow']>,
): boolean {
  const from = toMinutes(w.from);
  const to = toMinutes(w.to);
  if (from <= to) return w.days.includes(day) && minutes >= from && minutes < to;
  if (minutes >= from) return w.days.includes(day);
  const previous = day === 1 ? 7 : day - 1;
  return minutes < to && w.days.includes(previous);
}

/**
 * What every rule asks of a subject, worked out once per subject rather than once per
 * rule (200 rules per report): the Rome clock, the folded words, the email domains.
 */
interface SubjectFacts {
  clock?: { day: number; minutes: number };
  words?: Set<string>;
  domains?: string[];
}
const subjectFacts = new WeakMap<RuleSubject, SubjectFacts>();
function factsOf(s: RuleSubject): SubjectFacts {
  let f = subjectFacts.get(s);
  if (!f) subjectFacts.set(s, (f = {}));
  return f;
}

/** A rule's words, folded and split, once per rule object. */
const ruleWords = new WeakMap<readonly string[], string[][]>();
function wordsOf(words: readonly string[]): string[][] {
  let w = ruleWords.get(words);
  if (!w) ruleWords.set(words, (w = words.map((x) => fold(x).split(/\s+/))));
  return w;
}

export function ruleMatches(rule: AutomationRule, s: RuleSubject): boolean {
  const c = rule.conditions;
  if (c.categoryIds.length > 0) {
    const hit =
      (s.categoryId !== null && c.categoryIds.includes(s.categoryId)) ||
      (s.parentCategoryId !== null && c.categoryIds.includes(s.parentCategoryId));
    if (!hit) return false;
  }
  if (c.area) {
    if (s.lat === null || s.lon === null || !pointInPolygon(s.lat, s.lon, c.area)) return false;
  }
  if (c.channels.length > 0 && !c.channels.includes(s.channel as (typeof c.channels)[number])) return false;
  const f = factsOf(s);
  if (c.timeWindow && !inWindowAt((f.clock ??= romeClock(s.at)), c.timeWindow)) return false;
  if (c.words.length > 0) {
    const words = (f.words ??= new Set(fold(`${s.title} ${s.description}`).match(/[\p{L}\p{N}]+/gu) ?? []));
    if (!wordsOf(c.words).some((parts) => parts.every((part) => words.has(part)))) return false;
  }
  if (c.emailDomains.length > 0) {
    const domains = (f.domains ??= s.reporterEmails.map((e) => e.toLowerCase().split('@')[1] ?? ''));
    if (!domains.some((d) => c.emailDomains.some((want) => d === want || d.endsWith(`.${want}`))))
      return false;
  }
  return true;
}

/** The active rules that apply, in their order. */
export function matchingRules(rules: readonly AutomationRule[], s: RuleSubject, event: 'create' | 'update') {
  return [...rules]
    .filter((r) => r.active && (event === 'create' || r.onUpdate))
    .sort((a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name))
    .filter((r) => ruleMatches(r, s));
}
