/**
 * The PC whose data `sportello server import` takes over: its SQLite file and the
 * attachment files beside it. The import reads a private copy made with SQLite's online
 * backup, so the PC's file is never written (not even migrated) and the copy is
 * consistent even if the desktop app is still open; the copy is brought to this
 * version's schema (a PC on an older version of Sportello) and removed at the end.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { migrateDatabase, type Sqlite } from '../../src-main/db/migrate';
import { ImportRefused } from './errors';

export const REPLICA_FILE = 'sportello.db';

export interface StandaloneReplica {
  db: Sqlite;
  /** The PC's data folder (attachments/ lives there). */
  dataDir: string;
  file: string;
  /** The bytes of an attachment, or null when the file is missing or does not match its hash. */
  attachmentBytes(sha256: string): Buffer | null;
  close(): void;
}

/** `from` is the PC's data folder or its sportello.db. */
export async function openStandaloneReplica(from: string): Promise<StandaloneReplica> {
  const path = resolve(from);
  if (!existsSync(path))
    throw new ImportRefused(
      `Non trovo ${path}: indica la cartella dei dati del PC o il suo ${REPLICA_FILE}.`,
    );
  const file = statSync(path).isDirectory() ? join(path, REPLICA_FILE) : path;
  if (!existsSync(file))
    throw new ImportRefused(
      `Nella cartella ${path} non c'è ${REPLICA_FILE}: è la cartella dei dati di Sportello?`,
    );
  const dataDir = dirname(file);

  const tmp = mkdtempSync(join(tmpdir(), 'sportello-import-'));
  const copy = join(tmp, basename(file));
  let db: Sqlite | null = null;
  try {
    let src: Sqlite;
    try {
      src = new Database(file, { readonly: true, fileMustExist: true });
      src.pragma('busy_timeout = 5000');
    } catch (e) {
      throw new ImportRefused(`${file} non si apre come archivio di Sportello: ${(e as Error).message}`);
    }
    try {
      await src.backup(copy);
    } catch (e) {
      throw new ImportRefused(`${file} non si legge come archivio di Sportello: ${(e as Error).message}`);
    } finally {
      src.close();
    }
    db = new Database(copy);
    const tables = db
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('reports', 'users')")
      .get() as {
      n: number;
    };
    if (tables.n < 2) throw new ImportRefused(`${file} non è un archivio di Sportello.`);
    migrateDatabase(db);
    const synced = db.prepare('SELECT server_url FROM sync_state LIMIT 1').get() as
      { server_url: string } | undefined;
    if (synced) {
      throw new ImportRefused(
        `Questo PC è già collegato al server ${synced.server_url}: i suoi dati sono già sul server, non c'è nulla da importare.`,
      );
    }
  } catch (e) {
    db?.close();
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const opened = db;
  return {
    db: opened,
    dataDir,
    file,
    attachmentBytes(sha256) {
      if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
      const p = join(dataDir, 'attachments', sha256.slice(0, 2), sha256.slice(2));
      if (!existsSync(p)) return null;
      const data = readFileSync(p);
      return createHash('sha256').update(data).digest('hex') === sha256 ? data : null;
    },
    close() {
      opened.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
