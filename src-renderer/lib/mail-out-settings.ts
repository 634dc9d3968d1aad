/**
 * Pure helpers of the "Posta in uscita" settings: notification switches per category,
 * the notification texts (administrators' own or the defaults) and the template preview.
 */
import {
  DEFAULT_NOTIFICATION_TEMPLATES,
  PLACEHOLDERS,
  renderEmail,
  unknownPlaceholders,
  type NotificationKind,
  type NotifyRule,
  type RenderedEmail,
  type ReportFacts,
  type TextTemplate,
} from '../../src-shared/mail-out';
import type { TemplateView } from '../../src-shared/api/calls-mailout';

/** The template editor's state, as mailout.templates.save takes it. */
export interface TemplateDraft {
  id?: string;
  kind: TemplateView['kind'];
  name: string;
  subject: string;
  body: string;
  active: boolean;
}

export const draftOfTemplate = (t: TemplateView): TemplateDraft => ({
  id: t.id,
  kind: t.kind,
  name: t.name,
  subject: t.subject,
  body: t.body,
  active: t.active,
});

/** A category's switch: its own rule, or whatever its parent (or the global switch) says. */
export type RuleChoice = 'inherit' | 'on' | 'off';

export function ruleChoice(
  rules: readonly NotifyRule[],
  kind: NotificationKind,
  categoryId: string | null,
): RuleChoice {
  const r = rules.find((x) => x.kind === kind && x.categoryId === categoryId);
  return r ? (r.enabled ? 'on' : 'off') : 'inherit';
}

/** The rules with one switch set; 'inherit' removes the category's own rule. */
export function withRule(
  rules: readonly NotifyRule[],
  kind: NotificationKind,
  categoryId: string | null,
  choice: RuleChoice,
): NotifyRule[] {
  const rest = rules.filter((x) => !(x.kind === kind && x.categoryId === categoryId));
  return choice === 'inherit' ? rest : [...rest, { kind, categoryId, enabled: choice === 'on' }];
}

/** The text a notification is sent with: the newest active stored one, else the default. */
export function notificationText(
  templates: readonly TemplateView[],
  kind: NotificationKind,
): { template: TextTemplate; custom: TemplateView | null } {
  const custom =
    templates.filter((t) => t.kind === kind && t.active).sort((a, b) => b.updatedAt - a.updatedAt)[0] ?? null;
  return { template: custom ?? DEFAULT_NOTIFICATION_TEMPLATES[kind], custom };
}

/** A made-up report for previews: accents, an outcome and a closing note, so every placeholder shows. */
export function sampleFacts(ente: string, now: number): ReportFacts {
  return {
    code: '2026-000123',
    title: 'Buca profonda davanti alla scuola',
    categoryName: 'Buche',
    address: 'Via Giosuè Carducci 12',
    outcomeLabel: 'Risolto',
    closingNote: 'La buca è stata chiusa dalla squadra manutenzione.',
    at: now,
    ente: ente || 'Comune di Esempio',
  };
}
export const SAMPLE_PERSON = { nome: 'Niccolò', cognome: 'Rossi' };

export interface TemplatePreview {
  email: RenderedEmail;
  /** Placeholders written in the template that Sportello does not know. */
  unknown: string[];
}

export function previewTemplate(
  t: TextTemplate,
  facts: ReportFacts,
  person = SAMPLE_PERSON,
): TemplatePreview {
  return {
    email: renderEmail(t, facts, person),
    unknown: unknownPlaceholders(`${t.subject}\n${t.body}`),
  };
}

/** Placeholders as written in a template: "{codice}". */
export const placeholderTokens = () => PLACEHOLDERS.map((p) => `{${p}}`);

/** Inserts a token at the caret of a text (or at its end), returning the new text and caret. */
export function insertAt(text: string, token: string, start: number | null, end: number | null) {
  const s = start ?? text.length;
  const e = end ?? s;
  return { text: text.slice(0, s) + token + text.slice(e), caret: s + token.length };
}
