/**
 * Rubrica fornitori: external recipients (a road contractor, the lighting company) a
 * report can be forwarded to by email. Replicated settings managed by administrators.
 */
import type { Category } from './types';

export interface AddressBookEntry {
  id: string;
  /** Person or office to write to ("Ufficio tecnico", "Mario Bianchi"). */
  name: string;
  organisation: string;
  email: string;
  /** Categories this recipient usually handles: forwarding suggests it for them. */
  categoryIds: string[];
  notes: string;
  active: boolean;
  updatedAt: number;
}

/**
 * Active recipients ordered for a report of `categoryId`: first those whose usual
 * categories name the category itself, then those naming its parent, then the rest
 * by name. `suggested` marks the first two groups.
 */
export function suggestRecipients(
  entries: readonly AddressBookEntry[],
  categoryId: string | null,
  categories: readonly Pick<Category, 'id' | 'parentId'>[],
): { entry: AddressBookEntry; suggested: boolean }[] {
  const parentId = categories.find((c) => c.id === categoryId)?.parentId ?? null;
  const rank = (e: AddressBookEntry) => {
    if (categoryId && e.categoryIds.includes(categoryId)) return 0;
    if (parentId && e.categoryIds.includes(parentId)) return 1;
    return 2;
  };
  return entries
    .filter((e) => e.active)
    .map((entry) => ({ entry, r: rank(entry) }))
    .sort((a, b) => a.r - b.r || a.entry.name.localeCompare(b.entry.name, 'it'))
    .map(({ entry, r }) => ({ entry, suggested: r < 2 }));
}

/** An OpenStreetMap link centred on the report's point (what a supplier's phone opens). */
export function mapLink(lat: number, lon: number): string {
  const la = lat.toFixed(6);
  const lo = lon.toFixed(6);
  return `https://www.openstreetmap.org/?mlat=${la}&mlon=${lo}#map=18/${la}/${lo}`;
}
