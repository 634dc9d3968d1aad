import { api } from './api/client';
import { fileToBase64 } from './files';
import { formatBytes } from './format';

/** Uploads files one by one; returns one Italian message per file that failed. */
export async function uploadAll(
  reportId: string,
  files: readonly File[],
  maxBytes?: number | null,
): Promise<string[]> {
  const errors: string[] = [];
  for (const f of files) {
    if (maxBytes && f.size > maxBytes) {
      errors.push(`«${f.name}» è troppo grande (${formatBytes(f.size)}; massimo ${formatBytes(maxBytes)}).`);
      continue;
    }
    let data: string;
    try {
      data = await fileToBase64(f);
    } catch {
      errors.push(`«${f.name}»: impossibile leggere il file.`);
      continue;
    }
    const res = await api.invoke('attachments.add', {
      reportId,
      fileName: f.name,
      mime: f.type || 'application/octet-stream',
      dataBase64: data,
    });
    if (!res.ok) errors.push(`«${f.name}»: ${res.error.message}`);
  }
  return errors;
}
