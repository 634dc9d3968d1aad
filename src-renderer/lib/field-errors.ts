/**
 * The core reports validation errors as a map of paths ("fields.title",
 * "reporters.0.newReporter.email"). Forms look their fields up with a prefix.
 */
export function fieldError(
  fields: Record<string, string> | undefined,
  ...paths: string[]
): string | undefined {
  if (!fields) return undefined;
  for (const p of paths) {
    if (fields[p]) return fields[p];
  }
  return undefined;
}

/** Errors whose path no field on the form claims, to show at the top. */
export function unclaimedErrors(
  fields: Record<string, string> | undefined,
  claimed: readonly string[],
): string[] {
  if (!fields) return [];
  return Object.entries(fields)
    .filter(([k]) => !claimed.some((c) => k === c || k.startsWith(`${c}.`)))
    .map(([, v]) => v);
}

/** Lat/lon text inputs → number or null; undefined when the text is not a number. */
export function parseCoord(s: string | number | null | undefined): number | null | undefined {
  if (s === null || s === undefined) return null;
  if (typeof s === 'number') return Number.isFinite(s) ? s : undefined;
  const t = s.trim().replace(',', '.');
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}
