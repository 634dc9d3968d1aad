import type { Actor, Assignment, Permission } from './types';
import { fail } from './errors';

/** Administrators hold every permission; others only the flags they were given. */
export function hasPermission(actor: Actor, p: Permission): boolean {
  return actor.role === 'amministratore' || actor.permissions[p] === true;
}

export const isAdmin = (actor: Actor) => actor.role === 'amministratore';
export const isSupplier = (actor: Actor) => actor.role === 'fornitore';

/**
 * Suppliers (fornitori) see only reports given to them or to one of their groups;
 * staff see every report of the municipality.
 */
export function canSeeReport(actor: Actor, assignments: readonly Assignment[]): boolean {
  if (!isSupplier(actor)) return true;
  return assignments.some(
    (a) =>
      (a.kind === 'user' && a.assigneeId === actor.id) ||
      (a.kind === 'group' && actor.groupIds.includes(a.assigneeId)),
  );
}

export function requireSeeReport(actor: Actor, assignments: readonly Assignment[]): void {
  if (!canSeeReport(actor, assignments)) {
    fail('not_found', 'Segnalazione non trovata o non accessibile.');
  }
}

export function requireStaff(actor: Actor, what: string): void {
  if (isSupplier(actor)) fail('forbidden', `Un fornitore non può ${what}.`);
}

export function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor)) fail('forbidden', 'Operazione riservata agli amministratori.');
}

/** Editing the substance of a report (title, text, category, place, reporters). */
export function requireMajorEdits(actor: Actor): void {
  if (!hasPermission(actor, 'majorEdits')) {
    fail('forbidden', 'Non hai il permesso «modifiche principali» per cambiare questi dati.');
  }
}

export function requireReporterData(actor: Actor): void {
  if (!hasPermission(actor, 'seesReporterData')) {
    fail('forbidden', 'Non hai il permesso di vedere i dati dei segnalatori.');
  }
}
