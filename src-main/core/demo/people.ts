/** Plausible Italian citizens for the demo and the replica: names, contacts, codice fiscale. */
import { codiceFiscaleCheckChar } from '../../../src-shared/domain';
import { DEMO } from './demo-data';
import type { Rng } from './prng';

export interface Person {
  nome: string;
  cognome: string;
  email: string | null;
  telefono: string | null;
  codiceFiscale: string | null;
  indirizzo: string | null;
}

const VOWELS = /[AEIOU]/g;
const MONTHS = 'ABCDEHLMPRST';

const letters = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
const consonants = (s: string) => letters(s).replace(VOWELS, '');
const vowels = (s: string) => (letters(s).match(VOWELS) ?? []).join('');

function surnameCode(cognome: string): string {
  return (consonants(cognome) + vowels(cognome) + 'XXX').slice(0, 3);
}

function nameCode(nome: string): string {
  const c = consonants(nome);
  if (c.length >= 4) return c[0]! + c[2]! + c[3]!;
  return (c + vowels(nome) + 'XXX').slice(0, 3);
}

/** A well-formed codice fiscale (with its real check character) for a person born in `belfiore`. */
export function codiceFiscaleFor(
  nome: string,
  cognome: string,
  female: boolean,
  birth: { year: number; month: number; day: number },
  belfiore: string,
): string {
  const yy = String(birth.year % 100).padStart(2, '0');
  const dd = String(birth.day + (female ? 40 : 0)).padStart(2, '0');
  const first15 = surnameCode(cognome) + nameCode(nome) + yy + MONTHS[birth.month - 1]! + dd + belfiore;
  return first15 + codiceFiscaleCheckChar(first15);
}

const emailLocal = (s: string) => letters(s).toLowerCase();

/** Draws a person; how much contact data they leave varies as it does at a real counter. */
export function makePerson(rng: Rng): Person {
  const female = rng.chance(0.5);
  const nome = rng.pick(female ? DEMO.femaleNames : DEMO.maleNames);
  const cognome = rng.pick(DEMO.surnames);
  const email = rng.chance(0.6)
    ? `${emailLocal(nome)}.${emailLocal(cognome)}${rng.chance(0.4) ? String(rng.int(90) + 10) : ''}@${rng.pick(DEMO.emailDomains)}`
    : null;
  const telefono = rng.chance(0.5)
    ? `3${rng.pick(['20', '28', '33', '35', '38', '39', '40', '47', '48'])}${String(rng.int(10_000_000)).padStart(7, '0')}`
    : null;
  const codiceFiscale = rng.chance(0.3)
    ? codiceFiscaleFor(
        nome,
        cognome,
        female,
        { year: 1940 + rng.int(65), month: 1 + rng.int(12), day: 1 + rng.int(28) },
        DEMO.belfiore,
      )
    : null;
  const indirizzo = rng.chance(0.25)
    ? `${rng.pick(DEMO.streets)[0]} ${1 + rng.int(120)}, ${DEMO.cap} Bergamo`
    : null;
  return { nome, cognome, email, telefono, codiceFiscale, indirizzo };
}
