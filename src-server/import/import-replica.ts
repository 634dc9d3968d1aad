/**
 * `sportello server import`: a standalone PC's data becomes the server's.
 *
 * One writer transaction (withWriter: WRITE_LOCK held, versions numbered after the
 * highest one, the poke sent at commit), so the import is all or nothing: a failure or
 * a refusal leaves the server as it was, and running it again starts from scratch.
 * Rows get their versions, keys and owners exactly as a push's rows do (versionChanges)
 * and are written by the push's own upsert (BatchRows), in chunks.
 *
 * Carried: every replicated table (replicaRows), the code counters (the server's next
 * final code follows the PC's last one), attachment bytes into the blob store, password
 * hashes into the server's credentials (same scrypt format: the old passwords work), the
 * reply templates and notification switches into the server's mail settings.
 */
import type { Change } from '../../src-shared/domain';
import type { TableName } from '../../src-shared/domain';
import { replicaCodeCounters, replicaRows, type ReplicaRow } from '../../src-main/db/repos/replica-rows';
import { listRules, listTemplates } from '../../src-main/mail-out/settings-repo';
import { withWriter, type Writer } from '../apply';
import { storeBlob } from '../blobs';
import { readMailSettings, writeMailSetting } from '../mail-out/settings';
import { BatchRows } from '../row-source';
import { versionChanges } from '../rows';
import type { Storage } from '../storage/storage';
import { ImportRefused } from './errors';
import { defaultsToDrop, refusalOf } from './preconditions';
import type { StandaloneReplica } from './standalone-replica';

const CHUNK = 1000;

export interface ImportSummary {
  /** Rows written per replicated table. */
  rows: Record<string, number>;
  /** Distinct attachment files stored in the blob store. */
  blobs: number;
  /** Attachments whose file was missing or damaged on the PC (their rows are imported). */
  missingFiles: { sha256: string; fileName: string }[];
  credentials: number;
  /** Server rows dropped because the PC has the same one (e.g. the default outcomes). */
  replacedDefaults: number;
  mailSettings: string[];
  /** The server's highest version after the import. */
  version: number;
}

export async function importReplica(
  storage: Storage,
  replica: StandaloneReplica,
  deps: { clock: () => number; onProgress?: (rows: number) => void },
): Promise<ImportSummary> {
  const { value } = await withWriter(storage, { clock: deps.clock }, async (w) => {
    const refusal = await refusalOf(w.tx, replica.db);
    if (refusal) throw new ImportRefused(refusal);
    const summary: ImportSummary = {
      rows: {},
      blobs: 0,
      missingFiles: [],
      credentials: 0,
      replacedDefaults: 0,
      mailSettings: [],
      version: 0,
    };

    // The server's own defaults that the PC has too (by name) would show twice.
    const drop = await defaultsToDrop(w.tx, replica.db);
    await writeRows(
      w,
      drop.map((d) => ({ op: 'delete', table: d.table, row: d.row }) as unknown as Change),
    );
    summary.replacedDefaults = drop.length;

    let chunk: ReplicaRow[] = [];
    let total = 0;
    const flush = async () => {
      await writeRows(
        w,
        chunk.map((r) => ({ op: 'put', table: r.table as TableName, row: r.row }) as unknown as Change),
      );
      for (const r of chunk) summary.rows[r.table] = (summary.rows[r.table] ?? 0) + 1;
      total += chunk.length;
      chunk = [];
      deps.onProgress?.(total);
    };
    for (const r of replicaRows(replica.db)) {
      chunk.push(r);
      if (chunk.length >= CHUNK) await flush();
    }
    if (chunk.length) await flush();

    await raiseCounters(w, replica);
    summary.credentials = await copyCredentials(w, replica, deps.clock());
    const blobs = await copyBlobs(w, replica, deps.clock());
    summary.blobs = blobs.stored;
    summary.missingFiles = blobs.missing;
    summary.mailSettings = await copyMailSettings(w, replica, deps.clock());
    // A server never started yet would add its default outcomes next to the PC's at its
    // first start (admin.ts ensureDefaults): the PC's settings are the municipality's.
    if ((summary.rows.outcomes ?? 0) > 0) {
      await w.tx.query(
        `INSERT INTO meta (key, value) VALUES ('defaults', $1::jsonb) ON CONFLICT (key) DO NOTHING`,
        [JSON.stringify({ at: deps.clock(), by: 'import' })],
      );
    }
    await w.tx.query(`INSERT INTO meta (key, value) VALUES ('import', $1::jsonb)`, [
      JSON.stringify({ at: deps.clock(), from: replica.file, rows: summary.rows }),
    ]);
    summary.version = w.version;
    return summary;
  });
  return value;
}

/** Versions after the writer's highest, parents first, through the push's upsert. */
async function writeRows(w: Writer, changes: Change[]): Promise<void> {
  if (changes.length === 0) return;
  const { rows, last } = versionChanges(changes, w.version);
  const batch = new BatchRows(w.tx);
  batch.write(rows);
  const stmt = batch.takeWrite()!;
  await w.tx.query(stmt.sql, stmt.params);
  w.version = last;
}

/** The server's counters become at least the PC's: its next code follows the PC's last. */
async function raiseCounters(w: Writer, replica: StandaloneReplica): Promise<void> {
  const counters = [...replicaCodeCounters(replica.db)];
  if (counters.length === 0) return;
  await w.tx.query(
    `INSERT INTO code_counters (year, last_seq)
     SELECT * FROM unnest($1::int[], $2::int[])
     ON CONFLICT (year) DO UPDATE SET last_seq = greatest(code_counters.last_seq, excluded.last_seq)`,
    [counters.map((c) => c[0]), counters.map((c) => c[1])],
  );
}

async function copyCredentials(w: Writer, replica: StandaloneReplica, now: number): Promise<number> {
  const creds = replica.db
    .prepare(
      'SELECT c.user_id, c.password_hash, c.changed_at FROM credentials c JOIN users u ON u.id = c.user_id',
    )
    .all() as { user_id: string; password_hash: string; changed_at: number | null }[];
  if (creds.length === 0) return 0;
  await w.tx.query(
    `INSERT INTO credentials (user_id, password_hash, changed_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
     ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, changed_at = excluded.changed_at`,
    [creds.map((c) => c.user_id), creds.map((c) => c.password_hash), creds.map((c) => c.changed_at ?? now)],
  );
  return creds.length;
}

/** Each attachment's bytes once, checked against its hash; one file in memory at a time. */
async function copyBlobs(
  w: Writer,
  replica: StandaloneReplica,
  now: number,
): Promise<{ stored: number; missing: ImportSummary['missingFiles'] }> {
  const files = replica.db
    .prepare(
      `SELECT sha256, min(mime) AS mime, min(file_name) AS file_name, min(created_by) AS created_by
         FROM attachments GROUP BY sha256 ORDER BY sha256`,
    )
    .all() as { sha256: string; mime: string; file_name: string; created_by: string }[];
  let stored = 0;
  const missing: ImportSummary['missingFiles'] = [];
  for (const f of files) {
    const data = replica.attachmentBytes(f.sha256);
    if (!data) {
      missing.push({ sha256: f.sha256, fileName: f.file_name });
      continue;
    }
    await storeBlob(w.tx, { sha256: f.sha256, data, mime: f.mime, userId: f.created_by, now });
    stored++;
  }
  return { stored, missing };
}

/**
 * Reply templates (automation rules name them by id) and notification switches, when
 * the server has none of its own yet. The SMTP account is not carried: its password is
 * sealed with the PC's key; the administrator enters it again (see the README).
 */
async function copyMailSettings(w: Writer, replica: StandaloneReplica, now: number): Promise<string[]> {
  const server = await readMailSettings(w.tx);
  const done: string[] = [];
  const templates = listTemplates(replica.db);
  if (templates.length > 0 && server.templates.length === 0) {
    await writeMailSetting(w.tx, 'templates', templates, now);
    done.push('templates');
  }
  const rules = listRules(replica.db);
  if (rules.length > 0 && server.rules.length === 0) {
    await writeMailSetting(w.tx, 'rules', rules, now);
    done.push('rules');
  }
  return done;
}
