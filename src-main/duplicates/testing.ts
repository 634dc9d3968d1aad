/** Places in Bergamo Città Alta and reports made there, for the duplicates tests. */
import type { TestWorld } from '../testing/test-core';

/** Piazza Vecchia, Bergamo. */
export const PIAZZA_VECCHIA = { lat: 45.70385, lon: 9.66245 };
const M_PER_DEG_LAT = 111_194.9;

/** A point `north` and `east` metres from Piazza Vecchia. */
export function offset(north: number, east: number): { lat: number; lon: number } {
  const lat = PIAZZA_VECCHIA.lat + north / M_PER_DEG_LAT;
  const lon = PIAZZA_VECCHIA.lon + east / (M_PER_DEG_LAT * Math.cos((PIAZZA_VECCHIA.lat * Math.PI) / 180));
  return { lat, lon };
}

export const newReporter = (nome: string, cognome: string, email: string | null) => ({
  reporterId: crypto.randomUUID(),
  newReporter: { nome, cognome, email },
});

export async function createAt(
  w: TestWorld,
  session: string,
  categoryId: string | null,
  at: { lat: number; lon: number } | null,
  title: string,
  extra: { reporters?: unknown[]; channel?: string; description?: string } = {},
): Promise<{ id: string; code: string }> {
  return w.ok<{ id: string; code: string }>(
    'reports.create',
    {
      fields: {
        title,
        description: extra.description ?? '',
        categoryId,
        address: 'Piazza Vecchia',
        lat: at?.lat ?? null,
        lon: at?.lon ?? null,
        channel: extra.channel ?? 'telefono',
      },
      reporters: extra.reporters ?? [],
    },
    session,
  );
}
