import type { ReporterInput } from '../schemas';
import type { Reporter } from '../types';
import type { MutationEnv } from './framework';

export function reporterRow(id: string, r: ReporterInput, env: MutationEnv): Reporter {
  return {
    id,
    nome: r.nome,
    cognome: r.cognome,
    email: r.email,
    telefono: r.telefono,
    codiceFiscale: r.codiceFiscale,
    indirizzo: r.indirizzo,
    createdAt: env.now,
    updatedAt: env.now,
  };
}
