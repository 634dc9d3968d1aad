/**
 * Persists the changes a mutation returned. Called only by the store, inside the
 * mutation's transaction. Domain rows carry report UUIDs; here they become report_seq.
 */
import type { Change } from '../../../src-shared/domain';
import { DomainError } from '../../../src-shared/domain';
import type { Sqlite } from '../migrate';
import { reportSeq } from './entities';
import { rulesChanged } from './active-rules';
import { stmt } from './stmt';
import { deleteActivity, putActivity } from './activities-rows';

const b = (v: boolean) => (v ? 1 : 0);

function seqOf(db: Sqlite, reportId: string): number {
  const seq = reportSeq(db, reportId);
  if (seq === undefined) throw new DomainError('not_found', 'Segnalazione non trovata.');
  return seq;
}

export function applyChange(db: Sqlite, c: Change): void {
  switch (c.table) {
    case 'reports': {
      const r = c.row;
      if (c.op === 'delete') {
        stmt(db, 'DELETE FROM reports WHERE id = ?').run(r.id);
        return;
      }
      // UPDATE, then INSERT if there was no row: not an UPSERT, because an UPSERT's
      // conflict handling overrides the "INSERT OR IGNORE INTO category_keys" of the
      // reports_geo triggers (SQLite applies the outer statement's policy inside
      // triggers), and every change of place or category of an existing report failed.
      const row = { ...r, mergedFromStatus: r.mergedFromStatus ?? null };
      const updated = stmt(
        db,
        `UPDATE reports SET code = @code, title = @title, description = @description,
           category_id = @categoryId, address = @address, lat = @lat, lon = @lon,
           channel = @channel, status = @status, outcome_id = @outcomeId,
           closing_note = @closingNote, priority = @priority, due_at = @dueAt,
           merged_into = @mergedInto, merged_from_status = @mergedFromStatus, updated_by = @updatedBy, updated_at = @updatedAt,
           closed_at = @closedAt
         WHERE id = @id`,
      ).run(row);
      if (updated.changes > 0) return;
      stmt(
        db,
        `INSERT INTO reports (id, code, title, description, category_id, address, lat, lon, channel, status,
           outcome_id, closing_note, priority, due_at, merged_into, merged_from_status, created_by, created_at, updated_by, updated_at, closed_at)
         VALUES (@id, @code, @title, @description, @categoryId, @address, @lat, @lon, @channel, @status,
           @outcomeId, @closingNote, @priority, @dueAt, @mergedInto, @mergedFromStatus, @createdBy, @createdAt, @updatedBy, @updatedAt, @closedAt)`,
        // Rows pulled from a server written before merges existed lack mergedFromStatus.
      ).run(row);
      return;
    }
    case 'report_assignments': {
      const r = c.row;
      const seq = seqOf(db, r.reportId);
      if (c.op === 'delete') {
        stmt(db, 'DELETE FROM report_assignments WHERE report_seq = ? AND kind = ? AND assignee_id = ?').run(
          seq,
          r.kind,
          r.assigneeId,
        );
        return;
      }
      stmt(
        db,
        `INSERT OR REPLACE INTO report_assignments (report_seq, kind, assignee_id, assigned_at, assigned_by)
         VALUES (?, ?, ?, ?, ?)`,
      ).run(seq, r.kind, r.assigneeId, r.assignedAt, r.assignedBy);
      return;
    }
    case 'report_reporters': {
      const r = c.row;
      const seq = seqOf(db, r.reportId);
      if (c.op === 'delete') {
        stmt(db, 'DELETE FROM report_reporters WHERE report_seq = ? AND reporter_id = ?').run(
          seq,
          r.reporterId,
        );
        return;
      }
      stmt(
        db,
        'INSERT OR REPLACE INTO report_reporters (report_seq, reporter_id, position) VALUES (?, ?, ?)',
      ).run(seq, r.reporterId, r.position);
      return;
    }
    case 'reporters': {
      const r = c.row;
      if (c.op === 'delete') {
        stmt(db, 'DELETE FROM reporters WHERE id = ?').run(r.id);
        return;
      }
      stmt(
        db,
        `INSERT OR REPLACE INTO reporters (id, nome, cognome, email, telefono, codice_fiscale, indirizzo, created_at, updated_at)
         VALUES (@id, @nome, @cognome, @email, @telefono, @codiceFiscale, @indirizzo, @createdAt, @updatedAt)`,
      ).run(r);
      return;
    }
    case 'attachments': {
      const r = c.row;
      if (c.op === 'delete') {
        stmt(db, 'DELETE FROM attachments WHERE id = ?').run(r.id);
        return;
      }
      stmt(
        db,
        `INSERT OR REPLACE INTO attachments (id, report_seq, sha256, file_name, mime, size, has_thumb, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        r.id,
        seqOf(db, r.reportId),
        r.sha256,
        r.fileName,
        r.mime,
        r.size,
        b(r.hasThumb),
        r.createdBy,
        r.createdAt,
      );
      return;
    }
    case 'log_entries': {
      const r = c.row;
      const seq = seqOf(db, r.reportId);
      if (c.op === 'delete') {
        stmt(db, 'DELETE FROM log_entries WHERE report_seq = ? AND id = ?').run(seq, r.id);
        return;
      }
      stmt(
        db,
        `INSERT OR REPLACE INTO log_entries (report_seq, id, at, actor_id, kind, action, data, text, mentions)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        seq,
        r.id,
        r.at,
        r.actorId,
        r.kind,
        r.action,
        r.data ? JSON.stringify(r.data) : null,
        r.text,
        r.mentions.length ? JSON.stringify(r.mentions) : null,
      );
      return;
    }
    case 'categories': {
      const r = c.row;
      if (c.op === 'delete') return void stmt(db, 'DELETE FROM categories WHERE id = ?').run(r.id);
      stmt(
        db,
        `INSERT OR REPLACE INTO categories (id, parent_id, name, active, days_to_close, duplicate_radius_m, duplicate_days, sort_order, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        r.id,
        r.parentId,
        r.name,
        b(r.active),
        r.daysToClose,
        r.duplicateRadiusM ?? null,
        r.duplicateDays ?? null,
        r.sortOrder,
        r.updatedAt,
      );
      return;
    }
    case 'outcomes': {
      const r = c.row;
      if (c.op === 'delete') return void stmt(db, 'DELETE FROM outcomes WHERE id = ?').run(r.id);
      stmt(
        db,
        `INSERT OR REPLACE INTO outcomes (id, label, kind, active, sort_order, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(r.id, r.label, r.kind, b(r.active), r.sortOrder, r.updatedAt);
      return;
    }
    case 'users': {
      const r = c.row;
      if (c.op === 'delete') return void stmt(db, 'DELETE FROM users WHERE id = ?').run(r.id);
      const p = r.permissions;
      stmt(
        db,
        `INSERT OR REPLACE INTO users (id, username, full_name, email, role, can_reply, major_edits, sees_reporter_data,
           statistics, export, active, notify_by_email, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        r.id,
        r.username,
        r.fullName,
        r.email,
        r.role,
        b(p.canReply),
        b(p.majorEdits),
        b(p.seesReporterData),
        b(p.statistics),
        b(p.export),
        b(r.active),
        b(r.notifyByEmail),
        r.createdAt,
        r.updatedAt,
      );
      return;
    }
    case 'groups': {
      const r = c.row;
      if (c.op === 'delete') return void stmt(db, 'DELETE FROM groups WHERE id = ?').run(r.id);
      stmt(
        db,
        'INSERT OR REPLACE INTO groups (id, name, description, active, updated_at) VALUES (?, ?, ?, ?, ?)',
      ).run(r.id, r.name, r.description, b(r.active), r.updatedAt);
      return;
    }
    case 'address_book': {
      const r = c.row;
      if (c.op === 'delete') return void stmt(db, 'DELETE FROM address_book WHERE id = ?').run(r.id);
      stmt(
        db,
        `INSERT OR REPLACE INTO address_book (id, name, organisation, email, category_ids, notes, active, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        r.id,
        r.name,
        r.organisation,
        r.email,
        JSON.stringify(r.categoryIds),
        r.notes,
        b(r.active),
        r.updatedAt,
      );
      return;
    }
    case 'automation_rules': {
      const r = c.row;
      rulesChanged(db);
      if (c.op === 'delete') return void stmt(db, 'DELETE FROM automation_rules WHERE id = ?').run(r.id);
      stmt(
        db,
        `INSERT OR REPLACE INTO automation_rules (id, name, description, active, sort_order, on_update, conditions, actions, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        r.id,
        r.name,
        r.description,
        b(r.active),
        r.sortOrder,
        b(r.onUpdate),
        JSON.stringify(r.conditions),
        JSON.stringify(r.actions),
        r.updatedAt,
      );
      return;
    }
    case 'report_activities': {
      const seq = seqOf(db, c.row.reportId);
      if (c.op === 'delete') return deleteActivity(db, seq, c.row.id);
      putActivity(db, seq, c.row);
      return;
    }
    case 'report_codes': {
      const r = c.row;
      if (c.op === 'delete') return void stmt(db, 'DELETE FROM report_codes WHERE code = ?').run(r.code);
      stmt(db, 'INSERT OR REPLACE INTO report_codes (code, report_id) VALUES (?, ?)').run(r.code, r.reportId);
      return;
    }
    case 'group_members': {
      const r = c.row;
      if (c.op === 'delete') {
        stmt(db, 'DELETE FROM group_members WHERE group_id = ? AND user_id = ?').run(r.groupId, r.userId);
        return;
      }
      stmt(db, 'INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)').run(
        r.groupId,
        r.userId,
      );
      return;
    }
  }
}
