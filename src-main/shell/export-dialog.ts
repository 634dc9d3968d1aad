/**
 * Desktop exports: before the core starts one, the person picks where the file goes in
 * the system's save dialog, and the core writes exactly there (HostCallOptions.saveTo).
 * Closing the dialog starts nothing. The renderer's call and its answer stay the ones
 * the browser host has; only the shell, never the renderer, can name a path.
 */
import type { BrowserWindow, Dialog, FileFilter } from 'electron';
import path from 'node:path';
import type { ApiResult } from '../../src-shared/api';
import type { Core } from '../core/core-types';

type Format = 'csv' | 'xlsx' | 'pdf';

const FILTERS: Record<Format, FileFilter[]> = {
  csv: [{ name: 'CSV per Excel (separatore ;)', extensions: ['csv'] }],
  xlsx: [{ name: 'Cartella di lavoro Excel', extensions: ['xlsx'] }],
  pdf: [{ name: 'Documento PDF', extensions: ['pdf'] }],
};

export const DIALOG_CANCELLED: ApiResult<never> = {
  ok: false,
  error: { code: 'cancelled', message: 'Esportazione annullata: nessun file scelto.' },
};

const isFormat = (v: unknown): v is Format => v === 'csv' || v === 'xlsx' || v === 'pdf';

/** `segnalazioni-2026-11-28.csv`; a single report's sheet, a summary PDF named as such. */
export function defaultExportName(format: Format, reportId: unknown, now: Date): string {
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  if (format === 'pdf')
    return reportId ? `scheda-segnalazione-${day}.pdf` : `riepilogo-segnalazioni-${day}.pdf`;
  return `segnalazioni-${day}.${format}`;
}

/** A name typed without its extension (Linux dialogs allow it) gets the format's own. */
export function withExtension(filePath: string, format: Format): string {
  return path.extname(filePath).toLowerCase() === `.${format}` ? filePath : `${filePath}.${format}`;
}

export interface ExportDialogDeps {
  core: Pick<Core, 'call'>;
  dialog: Pick<Dialog, 'showSaveDialog'>;
  window: BrowserWindow | null;
  /** Folder the dialog opens in (the user's Downloads). */
  folder: string;
  now?: () => Date;
}

export async function startExportWithDialog(
  deps: ExportDialogDeps,
  input: unknown,
  session: string | null,
): Promise<ApiResult<unknown>> {
  const { format, reportId } = (input ?? {}) as { format?: unknown; reportId?: unknown };
  // A malformed call gets the core's own validation answer, without a dialog.
  if (!isFormat(format)) return deps.core.call('exports.start', input, session);
  const options = {
    title: 'Salva esportazione',
    buttonLabel: 'Salva',
    defaultPath: path.join(deps.folder, defaultExportName(format, reportId, deps.now?.() ?? new Date())),
    filters: FILTERS[format],
    properties: ['createDirectory', 'showOverwriteConfirmation'] as (
      'createDirectory' | 'showOverwriteConfirmation'
    )[],
  };
  const chosen = deps.window
    ? await deps.dialog.showSaveDialog(deps.window, options)
    : await deps.dialog.showSaveDialog(options);
  if (chosen.canceled || !chosen.filePath) return DIALOG_CANCELLED;
  return deps.core.call('exports.start', input, session, { saveTo: withExtension(chosen.filePath, format) });
}
