/**
 * Default Italian templates of the automatic notifications. Administrators may store
 * their own (same placeholders); these apply when none is stored.
 */
import { formatSubjectTag } from './subject';

export const NOTIFICATION_KINDS = ['receipt', 'in_charge', 'closure'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const EMAIL_KINDS = ['receipt', 'in_charge', 'closure', 'reply', 'forward', 'colleague'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

export const NOTIFICATION_LABELS: Record<NotificationKind, string> = {
  receipt: 'Ricevuta della segnalazione',
  in_charge: 'Presa in carico',
  closure: 'Chiusura',
};

export interface TextTemplate {
  subject: string;
  body: string;
}

export const DEFAULT_NOTIFICATION_TEMPLATES: Record<NotificationKind, TextTemplate> = {
  receipt: {
    subject: 'Abbiamo ricevuto la sua segnalazione n. {codice}',
    body: [
      'Gentile {nome} {cognome},',
      '',
      'la sua segnalazione «{titolo}» è stata registrata il {data} con il numero {codice}.',
      'Categoria: {categoria}',
      'Indirizzo: {indirizzo}',
      '',
      'Conservi questo numero: le servirà per avere notizie sulla segnalazione. Per aggiungere informazioni risponda a questa email lasciando invariato l’oggetto.',
      '',
      'Cordiali saluti,',
      '{ente}',
    ].join('\n'),
  },
  in_charge: {
    subject: 'La sua segnalazione n. {codice} è stata presa in carico',
    body: [
      'Gentile {nome} {cognome},',
      '',
      'la sua segnalazione «{titolo}» (n. {codice}) è stata presa in carico il {data}: gli uffici competenti se ne stanno occupando.',
      '',
      'Cordiali saluti,',
      '{ente}',
    ].join('\n'),
  },
  closure: {
    subject: 'La sua segnalazione n. {codice} è stata chiusa',
    body: [
      'Gentile {nome} {cognome},',
      '',
      'la sua segnalazione «{titolo}» (n. {codice}) è stata chiusa il {data}.',
      'Esito: {esito}',
      '',
      '{nota}',
      '',
      'Grazie per la collaborazione.',
      '',
      'Cordiali saluti,',
      '{ente}',
    ].join('\n'),
  },
};

/** The subject as sent: the code tag mail-in threads on, then the template's subject. */
export function taggedSubject(code: string, subject: string): string {
  const tag = formatSubjectTag(code);
  return subject.includes(tag) ? subject : `${tag} ${subject}`;
}
