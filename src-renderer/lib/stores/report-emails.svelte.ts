import type { OutgoingView } from '../../../src-shared/api/calls-mailout';
import { api } from '../api/client';
import { failedEmails } from '../reply-draft';
import { changes } from './changes.svelte';

/**
 * The outgoing emails of one report (notifications, replies) with their state, kept
 * fresh as the sender marks them sent or failed. Shared by the header's warning and
 * the «Email inviate» panel.
 */
export class ReportEmailsStore {
  list = $state<OutgoingView[]>([]);
  loadError = $state<string | null>(null);
  loaded = $state(false);
  failed = $derived(failedEmails(this.list));
  private seq = 0;

  constructor(readonly reportId: string) {}

  start(): () => void {
    void this.load();
    return changes.subscribe((c) => {
      if (c.reportIds.length === 0 || c.reportIds.includes(this.reportId)) void this.load();
    });
  }

  async load(): Promise<void> {
    const mine = ++this.seq;
    const res = await api.invoke('mailout.forReport', { reportId: this.reportId });
    if (mine !== this.seq) return;
    this.loaded = true;
    if (res.ok) {
      this.list = res.value;
      this.loadError = null;
    } else this.loadError = res.error.message;
  }

  async retry(id: string): Promise<string | null> {
    const res = await api.invoke('mailout.retry', { id });
    await this.load();
    return res.ok ? null : res.error.message;
  }
}
