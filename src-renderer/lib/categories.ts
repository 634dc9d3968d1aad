import type { CategoryView } from '../../src-shared/api';

export interface CategoryNode {
  cat: CategoryView;
  children: CategoryView[];
}

const byOrder = (a: CategoryView, b: CategoryView) =>
  a.sortOrder - b.sortOrder || a.name.localeCompare(b.name, 'it');

/** Two-level tree: roots with their children, both sorted; `activeOnly` for pickers. */
export function categoryTree(all: readonly CategoryView[], activeOnly = false): CategoryNode[] {
  const pool = activeOnly ? all.filter((c) => c.active) : [...all];
  const ids = new Set(pool.map((c) => c.id));
  const roots = pool.filter((c) => c.parentId === null || !ids.has(c.parentId)).sort(byOrder);
  return roots.map((cat) => ({ cat, children: pool.filter((c) => c.parentId === cat.id).sort(byOrder) }));
}

/** "Strade › Buche" for a category id. */
export function categoryPath(all: readonly CategoryView[], id: string | null): string {
  if (!id) return '';
  const c = all.find((x) => x.id === id);
  if (!c) return '';
  const parent = c.parentId ? all.find((x) => x.id === c.parentId) : undefined;
  return parent ? `${parent.name} › ${c.name}` : c.name;
}

/** Splits a category id into the two picker levels. */
export function splitCategory(
  all: readonly CategoryView[],
  id: string | null,
): { parent: string; child: string } {
  if (!id) return { parent: '', child: '' };
  const c = all.find((x) => x.id === id);
  if (!c) return { parent: '', child: '' };
  return c.parentId ? { parent: c.parentId, child: c.id } : { parent: c.id, child: '' };
}
