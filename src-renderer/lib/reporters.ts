import type { ReporterView } from '../../src-shared/api';

export interface ReporterDraft {
  nome: string;
  cognome: string;
  email: string;
  telefono: string;
  codiceFiscale: string;
  indirizzo: string;
}

export const emptyDraft = (): ReporterDraft => ({
  nome: '',
  cognome: '',
  email: '',
  telefono: '',
  codiceFiscale: '',
  indirizzo: '',
});

export const draftIsEmpty = (d: ReporterDraft) => Object.values(d).every((v) => !v.trim());

/** Draft → the contract's reporter input (empty strings become null). */
export function draftToInput(d: ReporterDraft) {
  const opt = (s: string) => (s.trim() ? s.trim() : null);
  return {
    nome: d.nome.trim(),
    cognome: d.cognome.trim(),
    email: opt(d.email),
    telefono: opt(d.telefono),
    codiceFiscale: opt(d.codiceFiscale),
    indirizzo: opt(d.indirizzo),
  };
}

export function reporterName(r: Pick<ReporterView, 'nome' | 'cognome' | 'redacted'>): string {
  if (r.redacted) return 'Segnalatore (dati riservati)';
  return `${r.nome} ${r.cognome}`.trim() || 'Segnalatore senza nome';
}

export function reporterContacts(r: Pick<ReporterView, 'email' | 'telefono'>): string {
  return [r.email, r.telefono].filter(Boolean).join(' · ');
}
