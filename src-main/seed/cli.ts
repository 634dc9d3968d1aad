/** `sportello seed --reports N --data-dir DIR [--seed S]`: builds a replica, progress on stderr. */
import { seedReplica, type SeedProgress } from './generate';

const PHASES: Record<SeedProgress['phase'], string> = {
  settings: 'Impostazioni e utenti',
  reports: 'Segnalazioni',
  reporters: 'Rubrica dei segnalatori',
  search: 'Indice di ricerca',
  finish: 'Ottimizzazione',
};

/** Progress lines at most every second (and at the end of each phase). */
export function progressPrinter(out: (line: string) => void = (l) => process.stderr.write(l + '\n')) {
  let last = 0;
  return (p: SeedProgress) => {
    const t = performance.now();
    if (p.done !== p.total && t - last < 1000) return;
    last = t;
    const pct = p.total ? Math.floor((100 * p.done) / p.total) : 100;
    out(
      `[seed] ${PHASES[p.phase]}: ${p.done.toLocaleString('it-IT')}/${p.total.toLocaleString('it-IT')} (${pct}%)`,
    );
  };
}

export async function runSeed(args: { reports: number; dataDir: string; seed?: number }): Promise<void> {
  const r = await seedReplica({
    dataDir: args.dataDir,
    reports: args.reports,
    seed: args.seed,
    onProgress: progressPrinter(),
  });
  const mb = (r.bytes / 1024 / 1024).toFixed(1);
  process.stderr.write(
    `[seed] Fatto: ${r.reports.toLocaleString('it-IT')} segnalazioni, ${r.reporters.toLocaleString('it-IT')} segnalatori, ` +
      `${r.logEntries.toLocaleString('it-IT')} voci di registro in ${(r.ms / 1000).toFixed(1)} s; ` +
      `${r.file} ${mb} MB (${Math.round(r.bytes / r.reports)} byte per segnalazione). Accesso: lucia.verdi / demo1234.\n`,
  );
}
