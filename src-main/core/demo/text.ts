/** Report text from the demo's templates: title, description, address, coordinates. */
import type { DemoLeaf } from './demo-data';
import { DEMO } from './demo-data';
import type { Rng } from './prng';

export interface ReportText {
  title: string;
  description: string;
  address: string;
  lat: number | null;
  lon: number | null;
}

const fill = (template: string, vars: Record<string, string>) =>
  template
    .replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '')
    .replace(/\s+/g, ' ')
    .trim();

/** Coordinates are rounded to ~1 m: what a map click gives, and cheaper to store. */
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function makeReportText(rng: Rng, leaf: DemoLeaf, withCoordsRatio = 0.85): ReportText {
  const [street, lat, lon] = rng.pick(DEMO.streets);
  const civico = String(1 + rng.int(120));
  const luogo = fill(rng.pick(DEMO.places), { n: civico });
  const vars = { via: street, luogo };
  const title = fill(rng.pick(leaf.titles), vars);
  const description = fill(rng.pick(leaf.descriptions), vars);
  const address = rng.chance(0.7) ? `${street}, ${civico}` : street;
  const hasCoords = rng.chance(withCoordsRatio);
  // A few tens of metres around the street's reference point.
  return {
    title: title.charAt(0).toUpperCase() + title.slice(1),
    description,
    address,
    lat: hasCoords ? round6(lat + rng.between(-0.0008, 0.0008)) : null,
    lon: hasCoords ? round6(lon + rng.between(-0.0011, 0.0011)) : null,
  };
}

export function fillNote(template: string, mention: string): string {
  return fill(template, { mention });
}
