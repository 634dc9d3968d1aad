/** The "Da revisionare" form, pure: the clerk's place fields → the confirm call's input. */
export interface ReviewDraft {
  categoryId: string | null;
  address: string;
  lat: string;
  lon: string;
}

export type ReviewInput =
  | {
      ok: true;
      input: { categoryId: string; address: string; lat: number | null; lon: number | null };
    }
  | { ok: false; errors: Partial<Record<keyof ReviewDraft, string>> };

/** Italian decimal comma accepted: «45,07». */
const num = (s: string) => (s.trim() === '' ? null : Number(s.trim().replace(',', '.')));

export function reviewInputOf(d: ReviewDraft): ReviewInput {
  const errors: Partial<Record<keyof ReviewDraft, string>> = {};
  if (!d.categoryId) errors.categoryId = 'Scegli la categoria.';
  const lat = num(d.lat);
  const lon = num(d.lon);
  if (lat !== null && (Number.isNaN(lat) || lat < -90 || lat > 90))
    errors.lat = 'Latitudine non valida (tra -90 e 90).';
  if (lon !== null && (Number.isNaN(lon) || lon < -180 || lon > 180))
    errors.lon = 'Longitudine non valida (tra -180 e 180).';
  if (!errors.lat && !errors.lon && (lat === null) !== (lon === null))
    errors[lat === null ? 'lat' : 'lon'] = 'Indica entrambe le coordinate o nessuna.';
  if (d.address.length > 300) errors.address = 'Indirizzo troppo lungo.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: { categoryId: d.categoryId!, address: d.address.trim(), lat, lon } };
}
