/**
 * Benchmark replicas are expensive to build (minutes at 1M reports), so one is kept per
 * size in `.data/bench-<N>/` with a marker naming the generator version. Benchmarks
 * never write to it: they work on a copy.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DB_FILE } from '../core/create-core';
import { progressPrinter } from '../seed/cli';
import { DEFAULT_SEED, SEED_GENERATOR_VERSION, seedReplica } from '../seed/generate';
import { log } from './stats';

const MARKER = 'bench-replica.json';

interface Marker {
  version: number;
  reports: number;
  seed: number;
  /** File size right after seeding, checkpointed. */
  bytes: number;
  seedSeconds: number;
}

export const defaultReplicaDir = (reports: number) => resolve(process.cwd(), '.data', `bench-${reports}`);

export async function ensureReplica(
  dir: string,
  reports: number,
): Promise<Marker & { file: string; fresh: boolean }> {
  const file = join(dir, DB_FILE);
  const markerFile = join(dir, MARKER);
  if (existsSync(markerFile) && existsSync(file)) {
    try {
      const m = JSON.parse(readFileSync(markerFile, 'utf8')) as Marker;
      if (m.version === SEED_GENERATOR_VERSION && m.reports === reports && m.seed === DEFAULT_SEED) {
        log(
          `[bench] Replica in cache: ${file} (generatore v${m.version}, ${reports.toLocaleString('it-IT')} segnalazioni)`,
        );
        return { ...m, file, fresh: false };
      }
    } catch {
      // A damaged marker means a replica we cannot trust: rebuild it.
    }
  }
  for (const f of [MARKER, DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`])
    rmSync(join(dir, f), { force: true });
  log(`[bench] Creo la replica con ${reports.toLocaleString('it-IT')} segnalazioni in ${dir}…`);
  const r = await seedReplica({
    dataDir: dir,
    reports,
    seed: DEFAULT_SEED,
    onProgress: progressPrinter((l) => log(l)),
  });
  const marker: Marker = {
    version: SEED_GENERATOR_VERSION,
    reports,
    seed: DEFAULT_SEED,
    bytes: checkpointedSize(file),
    seedSeconds: Math.round(r.ms / 100) / 10,
  };
  writeFileSync(markerFile, JSON.stringify(marker, null, 2));
  log(`[bench] Replica pronta in ${marker.seedSeconds} s`);
  return { ...marker, file, fresh: true };
}

/** Size of the database file with the WAL folded in. */
export function checkpointedSize(file: string): number {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return statSync(file).size;
}
