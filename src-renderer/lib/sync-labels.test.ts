import { describe, expect, it } from 'vitest';
import {
  connectErrorText,
  indicatorDescription,
  indicatorLabel,
  needsReplaceConfirmation,
  noticeText,
  pendingText,
  phaseAnnouncement,
  phaseTone,
  progressPercent,
  progressText,
} from './sync-labels';

const base = { phase: 'online' as const, pending: 0, progress: null, lastSyncAt: null };

describe('bootstrap progress', () => {
  it('gives a whole, clamped percentage only when the total is known', () => {
    expect(progressPercent({ rows: 123_456, total: 1_000_000 })).toBe(12);
    expect(progressPercent({ rows: 999, total: 1000 })).toBe(99);
    expect(progressPercent({ rows: 1200, total: 1000 })).toBe(100);
    expect(progressPercent({ rows: 5, total: null })).toBeNull();
    expect(progressPercent({ rows: 5, total: 0 })).toBeNull();
    expect(progressPercent(null)).toBeNull();
  });

  it('counts rows the Italian way', () => {
    expect(progressText({ rows: 123_456, total: 1_000_000 })).toBe('123.456 di 1.000.000 righe — 12%');
    expect(progressText({ rows: 123_456, total: null })).toBe('123.456 righe ricevute');
    expect(progressText({ rows: 1, total: null })).toBe('1 riga ricevuta');
    expect(progressText(null)).toBe('');
  });
});

describe('indicator', () => {
  it('names every phase in Italian', () => {
    expect(indicatorLabel(base)).toBe('Sincronizzato');
    expect(indicatorLabel({ ...base, phase: 'offline' })).toBe('Non in linea');
    expect(indicatorLabel({ ...base, phase: 'offline', pending: 3 })).toBe(
      'Non in linea · 3 modifiche in attesa',
    );
    expect(indicatorLabel({ ...base, phase: 'syncing' })).toBe('Sincronizzazione…');
    expect(indicatorLabel({ ...base, phase: 'unauthenticated' })).toBe('Accesso al server richiesto');
    expect(indicatorLabel({ ...base, phase: 'update_required' })).toBe('Aggiorna Sportello');
    expect(indicatorLabel({ ...base, phase: 'bootstrapping', progress: { rows: 42, total: 100 } })).toBe(
      'Primo scaricamento… 42%',
    );
    expect(indicatorLabel({ ...base, phase: 'bootstrapping', progress: { rows: 42, total: null } })).toBe(
      'Primo scaricamento…',
    );
  });

  it('describes last sync (Rome time) and pending work', () => {
    // 15 January 2026 09:30 UTC is 10:30 in Rome.
    expect(indicatorDescription({ ...base, lastSyncAt: Date.UTC(2026, 0, 15, 9, 30), pending: 1 })).toBe(
      'Sincronizzato · Ultima sincronizzazione: 15/01/2026 10:30 · 1 modifica in attesa',
    );
    expect(indicatorDescription({ ...base, phase: 'offline', pending: 2 })).toBe(
      'Non in linea · 2 modifiche in attesa · Mai sincronizzato',
    );
    expect(pendingText(0)).toBe('Nessuna modifica in attesa');
    expect(pendingText(1500)).toBe('1500 modifiche in attesa');
  });

  it('announces phases without progress figures', () => {
    expect(phaseAnnouncement('bootstrapping')).toBe('Stato della sincronizzazione: Primo scaricamento…');
    expect(phaseAnnouncement('standalone')).toBe('');
  });

  it('colours by severity', () => {
    expect(phaseTone('online')).toBe('ok');
    expect(phaseTone('syncing')).toBe('busy');
    expect(phaseTone('offline')).toBe('warn');
    expect(phaseTone('update_required')).toBe('danger');
    expect(phaseTone('standalone')).toBe('none');
  });
});

describe('notices and connect errors', () => {
  it('says which report and which work the server refused', () => {
    expect(
      noticeText({
        reportCode: '2026-000123',
        what: 'Chiusura della segnalazione',
        message: 'La segnalazione è già nello stato «Chiuso»',
      }),
    ).toBe(
      'Segnalazione 2026-000123 — Chiusura della segnalazione non applicata: La segnalazione è già nello stato «Chiuso»',
    );
    expect(noticeText({ reportCode: null, what: 'Modifica degli esiti', message: 'Nome già usato' })).toBe(
      'Modifica degli esiti non applicata: Nome già usato',
    );
  });

  it('asks to confirm replacing local data only for that conflict', () => {
    const replace = {
      code: 'confirmation_required',
      message:
        'Questo PC contiene già dati locali. Collegandolo al server saranno sostituiti da quelli del Comune: conferma per procedere.',
    };
    const network = { code: 'unavailable', message: 'Server non raggiungibile (fetch failed).' };
    expect(needsReplaceConfirmation(replace, false)).toBe(true);
    expect(needsReplaceConfirmation(replace, true)).toBe(false);
    expect(needsReplaceConfirmation(network, false)).toBe(false);
    expect(needsReplaceConfirmation({ code: 'forbidden', message: 'dati locali' }, false)).toBe(false);
  });

  it('adds a next step to the core message', () => {
    expect(
      connectErrorText({ code: 'conflict', message: 'Server non raggiungibile (fetch failed).' }),
    ).toMatch(/^Server non raggiungibile \(fetch failed\)\. Controlla l’indirizzo del server/);
    expect(connectErrorText({ code: 'forbidden', message: 'Solo un amministratore.' })).toMatch(
      /Accedi come amministratore/,
    );
    expect(
      connectErrorText({ code: 'unauthenticated', message: 'Nome utente o password non corretti.' }),
    ).toBe('Nome utente o password non corretti.');
    expect(connectErrorText({ code: 'validation', message: 'Dati non validi.' })).toBe('Dati non validi.');
  });
});
