/**
 * `sportello` command line: the browser host, data generation, benchmarks and account
 * administration. Every command builds the same core as the desktop app.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { defaultDataDir } from '../core/paths';

const HELP = `Sportello — gestione delle segnalazioni dei cittadini

Uso: sportello <comando> [opzioni]

Comandi:
  serve                 Avvia l'app nel browser (solo 127.0.0.1) e stampa l'indirizzo da aprire
      --data-dir DIR      cartella dei dati (predefinita: ${defaultDataDir()})
      --port N            porta (predefinita: una libera)
      --demo              al primo avvio carica il Comune dimostrativo
  seed                  Genera una replica realistica per i benchmark
      --reports N         numero di segnalazioni (predefinito 10000)
      --data-dir DIR      cartella di destinazione
  bench [suite]         Misura le prestazioni (suite: local, exports, sync; --reports N)
  user add              Crea un utente
      --username U --name "Nome Cognome" [--role amministratore|operatore|fornitore]
      [--email E] [--password P]   (senza --password ne genera una temporanea)
  reset-password        Imposta una nuova password e chiude le sessioni aperte
      --username U [--password P]
  mail parse FILE.eml   Dice che cosa farebbe la posta in arrivo con quel messaggio (JSON)
      [--data-dir DIR] [--max-mb N]
  export                Esporta le segnalazioni dei filtri indicati, come un utente
      --format csv|xlsx|pdf --out FILE [--data-dir DIR] [--username U]
      [--status nuovo,in_gestione,chiuso] [--category NOME|ID] [--channel C]
      [--from gg/mm/aaaa] [--to gg/mm/aaaa] [--q TESTO] [--overdue] [--sort campo:asc|desc]
  geo import-streets FILE  Importa lo stradario (CSV via;civico;lat;lon) per gli indirizzi senza rete
      [--data-dir DIR] [--keep]  (--keep aggiunge senza sostituire)
  server                Server di sincronizzazione (--port, --host, --database-url, --data-dir, --tls-cert/--tls-key; «server user add» crea utenti)
  server import         Porta sul server i dati di un PC usato da solo (segnalazioni, allegati, utenti e password)
      --from DIR|FILE     cartella dei dati del PC o il suo sportello.db  [--database-url URL | --data-dir DIR]
  --help                Questo aiuto

Variabili d'ambiente: SPORTELLO_DATA_DIR (cartella dei dati).
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  try {
    switch (cmd) {
      case 'serve':
        return await (await import('./serve')).serve(rest);
      case 'seed': {
        const { values } = parseArgs({
          args: rest,
          options: {
            reports: { type: 'string', default: '10000' },
            'data-dir': { type: 'string' },
            seed: { type: 'string' },
          },
        });
        const reports = Number(values.reports);
        if (!Number.isInteger(reports) || reports < 1)
          throw new UsageError('--reports vuole un numero intero positivo.');
        const { runSeed } = await import('../seed/cli');
        await runSeed({
          reports,
          dataDir: resolve(values['data-dir'] ?? defaultDataDir()),
          seed: values.seed ? Number(values.seed) : undefined,
        });
        return 0;
      }
      case 'server':
        return await (await import('./server')).server(rest);
      case 'bench':
        return await (await import('../bench/cli')).runBench(rest);
      case 'user':
        if (rest[0] !== 'add') throw new UsageError('Sottocomando sconosciuto: usa «sportello user add».');
        return await (await import('./accounts')).userAdd(rest.slice(1));
      case 'export':
        return await (await import('./export')).exportCommand(rest);
      case 'geo':
        return await (await import('./geo')).geo(rest);
      case 'reset-password':
        return await (await import('./accounts')).resetPassword(rest);
      case 'mail':
        return await (await import('./mail')).mailCommand(rest);
      default:
        throw new UsageError(`Comando sconosciuto: ${cmd}`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(err as Error).message}\n\n${HELP}`);
      return 2;
    }
    process.stderr.write(`Errore: ${(err as Error).message}\n`);
    return 1;
  }
}

export class UsageError extends Error {}
