import type { OutgoingView } from '../../../src-shared/api/calls-mailout';
import { api } from '../api/client';
import { failedEmails } from '../reply-draft';
import { changes } from './changes.svelte';

const RECHECK_MS = 5_000;

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
  private stopped = true;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly reportId: string) {}

  start(): () => void {
    this.stopped = false;
    void this.load();
    const unsubscribe = changes.subscribe((c) => {
      if (c.reportIds.length === 0 || c.reportIds.includes(this.reportId)) void this.load();
    });
    return () => {
      this.stopped = true;
      if (this.timer) clearTimeout(this.timer);
      unsubscribe();
    };
  }

  /**
   * While an email waits, look again now and then: on a synced PC the server sends it,
   * and its «inviata» mark is no change of the replica that would refresh the panel.
   */
  private recheck(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped || !this.list.some((e) => e.status === 'queued' || e.status === 'sending')) return;
    this.timer = setTimeout(() => void this.load(), RECHECK_MS);
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
    this.recheck();
  }

  async retry(id: string): Promise<string | null> {
    const res = await api.invoke('mailout.retry', { id });
    await this.load();
    return res.ok ? null : res.error.message;
  }
}
